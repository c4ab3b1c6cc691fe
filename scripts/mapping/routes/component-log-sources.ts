/**
 * ATT&CK 18+: the data components a technique's Windows analytics name carry their own
 * `x_mitre_log_sources` (`WinEventLog:Security` / `EventCode=4688`): ATT&CK's component → event
 * table. Events found there are `attack-component` evidence: related, not named for the technique.
 */
import { parseChannel } from '../channel.ts';
import { resolveLog } from '../logs.ts';
import type { Route } from './route.ts';

export const componentLogSources: Route = {
  name: 'data components → their log sources',
  eras: ['detection-strategies'],
  run(ctx) {
    for (const [stixId, comps] of ctx.componentsOf) {
      const t = ctx.techniques.get(stixId);
      if (!t) continue;
      for (const dc of comps.values()) {
        const dcId = dc.attackId ?? '';
        for (const ls of dc.logSources) {
          const resolved = resolveLog(ls.name);
          if (!resolved) continue;
          ctx.spell(ls.name, resolved.log);
          if (!resolved.known) ctx.problems.add('unknown-log-name', ls.name, dcId || dc.stixId, `kept as log "${resolved.log}"; add an alias to scripts/mapping/logs.ts if it is another spelling of a known log`);
          const parsed = parseChannel(ls.channel);
          if (parsed.freeText) {
            ctx.problems.add('free-text-channel', `${ls.name} ${ls.channel}`, dcId || dc.stixId, 'data component log source names no event ID');
            continue;
          }
          for (const id of parsed.ids) {
            const target = ctx.refile(resolved.log, id, dcId || dc.stixId, ls.name) ?? resolved;
            const ev = ctx.useEvent(target.log, target.channel, id);
            ctx.push(
              ctx.row(t, {
                dataSource: ctx.componentSource(dc),
                dataComponent: dc.name,
                dataComponentId: dcId,
                eventLog: target.log,
                eventId: id,
                eventName: ev.name,
                evidence: 'attack-component',
                evidenceRef: dcId,
                detail: ls.channel,
              }),
            );
          }
        }
      }
    }
  },
};
