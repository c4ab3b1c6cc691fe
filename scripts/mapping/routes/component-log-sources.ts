/**
 * ATT&CK 18+: the data components a technique's Windows analytics name carry their own
 * `x_mitre_log_sources` (`WinEventLog:Security` / `EventCode=4688`): ATT&CK's component → event
 * table. Events found there are `attack-component` evidence: related, not named for the technique.
 */
import type { StixDataComponent } from '../../attack/stix.ts';
import { parseChannel } from '../channel.ts';
import type { MapContext } from '../context.ts';
import { resolveLog } from '../logs.ts';
import type { Route } from './route.ts';

interface ComponentEvent {
  log: string;
  eventId: string;
  eventName: string;
  channel: string;
}

/** A component's Windows events, resolved once per version (hundreds of techniques share a component). */
function componentEvents(ctx: MapContext, dc: StixDataComponent): ComponentEvent[] {
  const where = dc.attackId || dc.stixId;
  const out: ComponentEvent[] = [];
  for (const ls of dc.logSources) {
    const resolved = resolveLog(ls.name);
    if (!resolved) continue;
    ctx.noteLog(ls.name, resolved, where);
    const parsed = parseChannel(ls.channel);
    if (parsed.freeText) {
      ctx.problems.add('free-text-channel', `${ls.name} ${ls.channel}`, where, 'data component log source names no event ID');
      continue;
    }
    for (const id of parsed.ids) {
      const target = ctx.refile(resolved.log, id, where, ls.name) ?? resolved;
      out.push({ log: target.log, eventId: id, eventName: ctx.useEvent(target.log, target.channel, id).name, channel: ls.channel });
    }
  }
  return out;
}

export const componentLogSources: Route = {
  name: 'data components → their log sources',
  eras: ['detection-strategies'],
  run(ctx) {
    const memo = new Map<string, ComponentEvent[]>();
    for (const [stixId, comps] of ctx.componentsOf) {
      const t = ctx.techniques.get(stixId);
      if (!t) continue;
      for (const dc of comps.values()) {
        let events = memo.get(dc.stixId);
        if (!events) {
          events = componentEvents(ctx, dc);
          memo.set(dc.stixId, events);
        }
        const dataSource = ctx.componentSource(dc);
        const dcId = dc.attackId ?? '';
        for (const e of events) {
          ctx.push(ctx.row(t, { dataSource, dataComponent: dc.name, dataComponentId: dcId, eventLog: e.log, eventId: e.eventId, eventName: e.eventName, evidence: 'attack-component', evidenceRef: dcId, detail: e.channel }));
        }
      }
    }
  },
};
