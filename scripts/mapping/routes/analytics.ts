/**
 * ATT&CK 18+: `detects` from detection strategies → Windows analytics → `x_mitre_log_source_references`.
 * A `WinEventLog:*` source with `EventCode=…` names the event directly (`attack-analytic`); the
 * analytic's data components are recorded for the component routes.
 */
import type { StixAnalytic, StixDataComponent, StixDetectionStrategy } from '../../attack/stix.ts';
import { parseChannel } from '../channel.ts';
import { resolveLog } from '../logs.ts';
import type { MappingRow } from '../types.ts';
import { liveDetects, type Route } from './route.ts';

export const analytics: Route = {
  name: 'detection strategies → analytics',
  eras: ['detection-strategies'],
  run(ctx) {
    const strategyById = new Map<string, StixDetectionStrategy>(ctx.bundle.detectionStrategies.map((s) => [s.stixId, s]));
    const analyticById = new Map<string, StixAnalytic>(ctx.bundle.analytics.map((a) => [a.stixId, a]));
    for (const r of liveDetects(ctx)) {
      const t = r.technique;
      const strategy = strategyById.get(r.sourceRef);
      if (!strategy) {
        ctx.problems.add('dangling-reference', r.sourceRef, r.stixId, 'detects relationship comes from a detection strategy that is not in the bundle');
        continue;
      }
      if (!ctx.live(strategy)) continue;
      const det = strategy.attackId ?? strategy.stixId;
      const components = ctx.componentsOf.get(t.stixId) ?? new Map<string, StixDataComponent>();
      ctx.componentsOf.set(t.stixId, components);
      for (const ref of strategy.analyticRefs) {
        const a = analyticById.get(ref);
        if (!a) {
          ctx.problems.add('dangling-reference', ref, det, 'detection strategy names an analytic that is not in the bundle');
          continue;
        }
        if (!ctx.live(a) || !a.platforms.includes(ctx.platform)) continue;
        const an = a.attackId ?? a.stixId;
        ctx.linked.add(t.stixId);
        for (const ls of a.logSourceRefs) {
          const dc = ls.dataComponentRef ? ctx.dataComponents.get(ls.dataComponentRef) : undefined;
          if (ls.dataComponentRef && !dc) ctx.problems.add('dangling-reference', ls.dataComponentRef, `${det}/${an}`, 'log source reference names a data component that is not in the bundle');
          if (dc && ctx.live(dc)) components.set(dc.stixId, dc);
          const resolved = resolveLog(ls.name);
          if (!resolved) {
            ctx.problems.add('not-a-windows-event-log', ls.name, `${det}/${an}`, 'log source of a Windows analytic that is not a Windows event log (ETW, perfmon, osquery, …); reached only through its data component');
            continue;
          }
          ctx.noteLog(ls.name, resolved, `${det}/${an}`);
          const parsed = parseChannel(ls.channel);
          const dsName = dc ? ctx.componentSource(dc) : '';
          const analyticRow = (eventLog: string, eventId: string, eventName: string): MappingRow =>
            ctx.row(t, { dataSource: dsName, dataComponent: dc?.name ?? '', dataComponentId: dc?.attackId ?? '', eventLog, eventId, eventName, evidence: 'attack-analytic', evidenceRef: `${det}/${an}`, detail: ls.channel });
          if (parsed.freeText) {
            ctx.problems.add('free-text-channel', `${ls.name} ${ls.channel}`, `${det}/${an}`, 'channel names no event ID; kept with an empty event');
            ctx.push(analyticRow(resolved.log, '', ''));
            continue;
          }
          for (const id of parsed.ids) {
            const target = ctx.refile(resolved.log, id, `${det}/${an}`, ls.name) ?? resolved;
            const ev = ctx.useEvent(target.log, target.channel, id);
            ctx.push(analyticRow(target.log, id, ev.name));
          }
        }
      }
    }
  },
};
