/** ATT&CK 9: "Source: Component" strings → OSSEM-DM by data source and component. */
import type { Route } from './route.ts';

export const sourceComponentStrings: Route = {
  name: '"Source: Component" strings → OSSEM-DM',
  eras: ['data-source-strings'],
  run(ctx) {
    for (const t of ctx.techniques.values()) {
      for (const s of t.dataSources) {
        const colon = s.indexOf(': ');
        if (colon <= 0) continue;
        ctx.linked.add(t.stixId);
        const ds = s.slice(0, colon).trim();
        const dc = s.slice(colon + 2).trim();
        if (!ctx.viaDm(t, ds, dc, '')) ctx.noEvent(t, ds, dc, '');
      }
    }
  },
};
