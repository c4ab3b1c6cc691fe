/** ATT&CK 18+: the data components of a technique's Windows analytics → OSSEM-DM; a component no source gives an event for is reported. */
import type { Route } from './route.ts';

export const componentDm: Route = {
  name: 'analytics data components → OSSEM-DM',
  eras: ['detection-strategies'],
  run(ctx) {
    for (const [stixId, comps] of ctx.componentsOf) {
      const t = ctx.techniques.get(stixId);
      if (!t) continue;
      const tid = ctx.info.get(stixId)?.id ?? '';
      for (const dc of comps.values()) {
        const ds = ctx.componentSource(dc);
        if (ctx.viaDm(t, ds, dc.name, dc.attackId ?? '') || ctx.hasEvent(tid, dc.name)) continue;
        if (ctx.hasRow(tid, dc.name)) ctx.problems.add('data-source-without-event', dc.name, tid, 'neither the analytics nor OSSEM-DM give an event ID for this data component');
        else ctx.noEvent(t, ds, dc.name, dc.attackId ?? '');
      }
    }
  },
};
