/**
 * Ties detection rules to event keys (`Security:4688`): logs through the alias table, events known
 * only by ID through the event catalogue. Pure: no I/O, same input → same output.
 */
import type { DetectionRule, ResolvedRule } from '../rules/types.ts';
import { eventKey, resolveLog } from './logs.ts';
import type { EventInfo, Problem, ProblemKind } from './types.ts';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Words of a log or channel name too common to tell logs apart in a data source name. */
const GENERIC_WORDS = new Set(['microsoft', 'windows', 'operational', 'admin', 'analytic', 'debug', 'log', 'logs', 'event', 'eventlog', 'events', 'win']);

function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !GENERIC_WORDS.has(w));
}

/** Whether a data source name (`NTLM Operational 8004`) names this log (`Microsoft-Windows-NTLM/Operational`). */
function names(via: string, log: string, channel: string): boolean {
  const said = new Set(words(via));
  return [...words(log), ...words(channel)].some((w) => said.has(w));
}

class Problems {
  private readonly byKey = new Map<string, Problem>();
  add(kind: ProblemKind, subject: string, where: string, message: string): void {
    const k = `${kind}\u0000${subject}\u0000${message}`;
    const p = this.byKey.get(k);
    if (p) p.where.push(where);
    else this.byKey.set(k, { kind, subject, where: [where], message });
  }
  list(): Problem[] {
    return [...this.byKey.values()]
      .map((p) => ({ ...p, where: [...new Set(p.where)].sort(compareText) }))
      .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.subject, b.subject) || compareText(a.message, b.message));
  }
}

/** Splunk writes `XmlWinEventLog:Security` for the XML rendering of `WinEventLog:Security`. */
function logSpelling(log: string): string {
  return log.trim().replace(/^xml(?=wineventlog:)/i, '');
}

/**
 * Resolves each rule's events to event keys. An event with a log goes through the alias table; one
 * known only by ID takes the one catalogue log that has that ID (Security when several do and the
 * data source names no other). A rule's event filed under a log the catalogue covers but where it
 * lacks that ID, which the catalogue knows in exactly one other log, is re-filed there
 * (`misfiled-event`: Splunk's `Windows Event Log System 4720` is Security's 4720). Events
 * the catalogue does not know at all are kept: the rule is evidence that they exist.
 *
 * Problems: `rule-data-source-not-windows` per non-Windows data source; `rule-data-source-unresolved`
 * per data source with no event ID, unknown to upstream, or whose ID matches no or several logs;
 * `rule-without-event` per rule source, listing the rules that named a Windows data source yet end
 * with no event. `where` holds rule IDs.
 */
export function resolveRules(rules: DetectionRule[], known: ReadonlyMap<string, EventInfo>): { rules: ResolvedRule[]; problems: Problem[] } {
  // Event ID → the catalogue's logs that have it (sorted), with their channels.
  const logsById = new Map<string, Array<{ log: string; channel: string }>>();
  const catalogued = new Set<string>();
  for (const info of [...known.values()].sort((a, b) => compareText(a.key, b.key))) {
    catalogued.add(info.log);
    const list = logsById.get(info.eventId) ?? [];
    if (!list.some((l) => l.log === info.log)) list.push({ log: info.log, channel: info.channel });
    logsById.set(info.eventId, list);
  }
  const problems = new Problems();
  const withoutEvent = new Map<string, string[]>();
  const out: ResolvedRule[] = [];

  for (const rule of [...rules].sort((a, b) => compareText(a.source, b.source) || compareText(a.id, b.id))) {
    const events: ResolvedRule['events'] = [];
    const seen = new Set<string>();
    const unmatched = [...rule.unmatched];
    /** Whether the rule names at least one Windows event (resolved or not). */
    let windowsRef = false;

    // Pass 1: events with a log. Pass 2: events known only by ID, which may lean on pass 1 (CAR's
    // `EventCode=1` beside its data model's Sysmon 1). Then the keys are taken in the rule's order.
    const placed: Array<{ log: string; eventId: string; via: string } | undefined> = rule.events.map(() => undefined);
    rule.events.forEach((ref, i) => {
      if (ref.log.trim() === '') return;
      const eventId = ref.eventId.trim();
      const r = resolveLog(logSpelling(ref.log));
      if (!r) {
        if (!unmatched.some((u) => u.name === ref.via && u.reason === 'not-windows')) unmatched.push({ name: ref.via, reason: 'not-windows' });
        return;
      }
      windowsRef = true;
      const elsewhere = (logsById.get(eventId) ?? []).filter((c) => c.log !== r.log);
      // Re-file only from a log the catalogue covers: one it knows nothing of (PrintService/Admin, IIS) says nothing.
      if (!known.has(eventKey(r.log, eventId)) && catalogued.has(r.log) && elsewhere.length === 1) {
        const to = elsewhere[0]!.log;
        problems.add('misfiled-event', ref.via, rule.id, `"${ref.via}" files event ${eventId} under ${r.log}, where the event catalogue does not have it; filed under ${to}, the one log that has it`);
        placed[i] = { log: to, eventId, via: ref.via };
      } else {
        placed[i] = { log: r.log, eventId, via: ref.via };
      }
    });
    const fromLogs = placed.filter((p) => p !== undefined);
    rule.events.forEach((ref, i) => {
      if (ref.log.trim() !== '') return;
      windowsRef = true;
      const eventId = ref.eventId.trim();
      const candidates = logsById.get(eventId) ?? [];
      const logs = candidates.map((c) => c.log);
      let chosen: string | undefined;
      if (candidates.length === 1) chosen = candidates[0]!.log;
      else if (candidates.length > 1) {
        const named = candidates.filter((c) => names(ref.via, c.log, c.channel));
        const already = [...new Set(fromLogs.filter((p) => p.eventId === eventId && logs.includes(p.log)).map((p) => p.log))];
        if (named.length === 1) chosen = named[0]!.log;
        else if (named.length === 0 && already.length === 1) chosen = already[0];
        else if (named.length === 0 && logs.includes('Security')) chosen = 'Security';
      }
      if (chosen) placed[i] = { log: chosen, eventId, via: ref.via };
      else if (candidates.length === 0) {
        problems.add('rule-data-source-unresolved', ref.via, rule.id, `event ${eventId} is named without a log, and no log in the event catalogue has that ID`);
      } else {
        problems.add('rule-data-source-unresolved', ref.via, rule.id, `event ${eventId} is named without a log, and several logs have that ID: ${logs.join(', ')}`);
      }
    });
    for (const p of placed) {
      if (!p) continue;
      const key = eventKey(p.log, p.eventId);
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({ key, ...p });
    }

    for (const u of unmatched) {
      if (u.reason === 'not-windows') problems.add('rule-data-source-not-windows', u.name, rule.id, `"${u.name}" is not a Windows event log; rules on it are not linked to events`);
      else if (u.reason === 'no-event-id') problems.add('rule-data-source-unresolved', u.name, rule.id, `"${u.name}" names no event ID`);
      else problems.add('rule-data-source-unresolved', u.name, rule.id, `"${u.name}" has no data source definition upstream and names no event ID`);
    }

    if (events.length === 0 && (windowsRef || rule.unmatched.some((u) => u.reason !== 'not-windows'))) {
      const list = withoutEvent.get(rule.source) ?? [];
      list.push(rule.id);
      withoutEvent.set(rule.source, list);
    }

    events.sort((a, b) => compareText(a.log, b.log) || Number(a.eventId) - Number(b.eventId) || compareText(a.eventId, b.eventId));
    out.push({
      source: rule.source,
      id: rule.id,
      name: rule.name,
      url: rule.url,
      status: rule.status,
      techniques: rule.techniques.map((t) => ({ ...t })),
      events,
      unmatched,
    });
  }

  for (const [source, ids] of withoutEvent) {
    for (const id of ids) problems.add('rule-without-event', source, id, `${source} rules that name a Windows data source but resolve to no Windows event`);
  }
  return { rules: out, problems: problems.list() };
}
