/** ATT&CK ≤ 8: plain data-source strings ("Process monitoring") → OSSEM legacy `all_data_sources.yml` (the notebook's join). */
import { fold } from '../catalog.ts';
import type { Route } from './route.ts';

export const legacyStrings: Route = {
  name: 'data-source strings → OSSEM legacy',
  eras: ['data-source-strings'],
  run(ctx) {
    for (const t of ctx.techniques.values()) {
      for (const s of t.dataSources) {
        if (s.indexOf(': ') > 0) continue;
        ctx.linked.add(t.stixId);
        const hits = ctx.catalog.legacyByDataSource.get(fold(s)) ?? [];
        for (const h of hits) {
          const ev = ctx.useEvent(h.log, '', h.record.eventId);
          ctx.push(
            ctx.row(t, {
              dataSource: s,
              dataComponent: '',
              dataComponentId: '',
              eventLog: h.log,
              eventId: h.record.eventId,
              eventName: ev.name,
              evidence: 'ossem-legacy',
              evidenceRef: h.record.subDataSource,
              detail: '',
            }),
          );
        }
        if (hits.length === 0) ctx.noEvent(t, s, '', '');
      }
    }
  },
};
