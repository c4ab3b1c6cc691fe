/** ATT&CK 10–17: `detects` relationships from data components → OSSEM-DM. */
import { liveDetects, type Route } from './route.ts';

export const components: Route = {
  name: 'data components → OSSEM-DM',
  eras: ['data-components'],
  run(ctx) {
    for (const r of liveDetects(ctx)) {
      const t = r.technique;
      const dc = ctx.dataComponents.get(r.sourceRef);
      if (!dc) {
        ctx.problems.add('dangling-reference', r.sourceRef, r.stixId, 'detects relationship comes from a data component that is not in the bundle');
        continue;
      }
      if (!ctx.live(dc)) continue;
      ctx.linked.add(t.stixId);
      const ds = ctx.componentSource(dc);
      if (!ctx.viaDm(t, ds, dc.name, dc.attackId ?? '')) ctx.noEvent(t, ds, dc.name, dc.attackId ?? '');
    }
  },
};
