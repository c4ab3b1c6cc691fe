/**
 * Advice: what to collect next, greedy, each step gaining the most confirmed, then named, then
 * related techniques. Two units: single events for an event list (`nextBestEvents`), and the
 * units an administrator switches on for a configuration (`configAdvice`): audit subcategories,
 * Sysmon event types, named switches, and single events only where no coarser switch exists.
 * The switches, commands and snippets come from the enablement table (events.json `enable`,
 * scripts/windows/).
 *
 * Pure module: no I/O, no node: imports.
 */
import { auditGpoPath, type AuditOutcome, auditpolCommand, SUBCATEGORY_NOTES } from '../windows/audit.ts';
import type { AuditSubcategory } from '../windows/subcategories.ts';
import { SECURITY_LOG_SWITCH, SYSMON_SERVICE_SWITCH } from '../windows/switches.ts';
import { SYSMON_SCHEMA_VERSION, sysmonEventIds, sysmonSnippet } from '../windows/sysmon.ts';
import { blankConfigEvent, type ConfigEvent } from './data.ts';
import { describeSetting } from './readers/auditpol.ts';
import { DEFAULT_MIN_GRADE, type GradeCounts, GRADES, gradeCounts, linksByEvent, stronger, withMinGrade } from './grades.ts';
import { type ConfigCollectedEvent, eventSwitch, type EventSwitch } from './inputs.ts';
import { cmp, compareEventRefs, type CoverageEvent, type CoverageLink, type Grade, type VersionData } from './types.ts';

/** Technique IDs per grade. */
export type GradeLists = Record<Grade, string[]>;

export interface NextBestEvent {
  rank: number;
  key: string;
  log: string;
  eventId: string;
  name: string;
  /** Techniques not seen before this pick that the event shows. */
  adds: string[];
  /** Techniques whose best grade becomes this grade with this pick: new, or stronger than before. */
  gained: GradeLists;
  /** Techniques seen once this event (and every earlier pick) is collected too. */
  seenAfter: number;
  /** The same, per grade. */
  after: GradeCounts;
}

export const noLists = (): GradeLists => ({ confirmed: [], named: [], related: [] });

/** Total number of techniques in a GradeLists. */
export const listed = (g: GradeLists): number => g.confirmed.length + g.named.length + g.related.length;

/** a before b when a gains more confirmed, then named, then related techniques; 0 on a tie. */
export function compareGains(a: GradeLists, b: GradeLists): number {
  for (const g of GRADES) if (a[g].length !== b[g].length) return b[g].length - a[g].length;
  return 0;
}

/**
 * What collecting events with these links would gain over `state` (technique → best grade seen):
 * each technique whose link is stronger than its grade now, at the best such grade.
 */
export function gainsOver(state: ReadonlyMap<string, Grade>, links: Iterable<[string, Grade]>): Map<string, Grade> {
  const out = new Map<string, Grade>();
  for (const [t, g] of links) {
    if (!stronger(g, state.get(t))) continue;
    const cur = out.get(t);
    if (stronger(g, cur)) out.set(t, g);
  }
  return out;
}

/** The gains as sorted lists per grade. */
export function gainLists(gains: ReadonlyMap<string, Grade>): GradeLists {
  const lists = noLists();
  for (const [t, g] of gains) lists[g].push(t);
  for (const g of GRADES) lists[g].sort(cmp);
  return lists;
}

/**
 * Greedy: repeatedly picks the event that gains the most techniques at grade confirmed, then
 * named, then related (a technique gains when it becomes seen, or seen at a stronger grade). Ties
 * go to the event first by log name, then by numeric ID. Stops after `top` picks or when nothing
 * gains. `seen`: technique → its best grade now. Links weaker than `minGrade` are left out.
 */
export function nextBestEvents(data: VersionData, collected: ReadonlySet<string>, seen: ReadonlyMap<string, Grade>, top: number, minGrade: Grade = DEFAULT_MIN_GRADE): NextBestEvent[] {
  const byEvent = linksByEvent(withMinGrade(data, minGrade));
  const candidates = [...data.events].filter((e) => !collected.has(e.key)).sort(compareEventRefs);
  const state = new Map(seen);
  const picks: NextBestEvent[] = [];
  const remaining = new Set(candidates.map((e) => e.key));
  while (picks.length < top) {
    let best: { e: CoverageEvent; gains: Map<string, Grade>; lists: GradeLists } | undefined;
    for (const e of candidates) {
      if (!remaining.has(e.key)) continue;
      const gains = gainsOver(state, [...(byEvent.get(e.key) ?? new Map())].map(([t, l]) => [t, l.grade] as [string, Grade]));
      if (gains.size === 0) continue;
      const lists = gainLists(gains);
      if (!best || compareGains(lists, best.lists) < 0) best = { e, gains, lists };
    }
    if (!best) break;
    remaining.delete(best.e.key);
    const adds = [...best.gains.keys()].filter((t) => !state.has(t)).sort(cmp);
    for (const [t, g] of best.gains) state.set(t, g);
    const e = best.e;
    picks.push({ rank: picks.length + 1, key: e.key, log: e.log, eventId: e.eventId, name: e.name, adds, gained: best.lists, seenAfter: state.size, after: gradeCounts(state.values()) });
  }
  return picks;
}

export type AdviceKind = 'audit-subcategory' | 'sysmon-event-type' | 'switch' | 'event';

export interface AdviceEvent {
  key: string;
  name: string;
  /** Techniques this event makes seen, or seen at a stronger grade (new, upgraded from partial, or stronger). */
  techniques: string[];
}

export interface Advice {
  rank: number;
  kind: AdviceKind;
  /** Stable identifier: `audit:Process Creation`, `sysmon:ProcessAccess`, `switch:<id>`, `event:System:7045`. */
  id: string;
  /** What to do, in words: `turn on audit subcategory Process Creation (success)`. */
  title: string;
  /** Commands to run (elevated), or for Sysmon the minimal configuration snippet. */
  commands: string[];
  gpo?: string;
  note?: string;
  /** Audit subcategory units. */
  subcategory?: { name: string; guid: string; category: string };
  success?: boolean;
  failure?: boolean;
  /** Sysmon units: the element, and whether it is new or a filtered type to widen. */
  element?: string;
  sysmonMode?: 'enable' | 'unfilter';
  snippet?: string;
  /** Techniques not seen before that this unit makes seen. */
  adds: string[];
  /** Techniques seen only partially before that this unit makes fully seen. */
  upgrades: string[];
  /** Techniques whose best grade becomes this grade with this unit: new, from partial, or stronger than before. */
  gained: GradeLists;
  /** The events behind them. */
  events: AdviceEvent[];
  /** Techniques fully seen once this (and every earlier) recommendation is applied. */
  seenAfter: number;
  /** The same, per grade. */
  after: GradeCounts;
}

/** Each technique's best grade seen in full, and the techniques seen only partially. */
interface TechState {
  seen: Map<string, Grade>;
  partial: Set<string>;
}

interface Candidate {
  kind: AdviceKind;
  id: string;
  /** Events (not yet fully collected) this unit turns on. */
  events: CoverageEvent[];
  /** Audit units: outcome per event. */
  outcomes?: Map<string, AuditOutcome>;
  subcategory?: AuditSubcategory;
  /** Audit units: events whose first (artifact) subcategory is this one (tie-break). */
  primary?: Set<string>;
  element?: string;
  named?: SwitchUnit;
}

/** A switch unit of advice: a named switch of the table (SECURITY_LOG_SWITCH, SYSMON_SERVICE_SWITCH among them). */
interface SwitchUnit {
  id: string;
  title: string;
  commands: readonly string[];
  gpo?: string;
  note?: string;
}

const KIND_ORDER: Record<AdviceKind, number> = { 'audit-subcategory': 0, 'sysmon-event-type': 1, switch: 2, event: 3 };

function buildCandidates(data: VersionData, details: ReadonlyMap<string, ConfigEvent>, full: ReadonlySet<string>): Candidate[] {
  const byId = new Map<string, Candidate>();
  const get = (id: string, make: () => Candidate): Candidate => {
    let c = byId.get(id);
    if (!c) {
      c = make();
      byId.set(id, c);
    }
    return c;
  };
  for (const e of [...data.events].sort(compareEventRefs)) {
    if (full.has(e.key)) continue;
    const d = details.get(e.key);
    const en = d ?? blankConfigEvent(e);
    const sw: EventSwitch = eventSwitch(en);
    if (sw.kind === 'audit') {
      sw.subcategories.forEach((s, i) => {
        const c = get(`audit:${s.name}`, () => ({ kind: 'audit-subcategory', id: `audit:${s.name}`, events: [], outcomes: new Map(), subcategory: s, primary: new Set() }));
        c.events.push(e);
        c.outcomes?.set(e.key, sw.outcome);
        if (i === 0) c.primary?.add(e.key);
      });
    } else if (sw.kind === 'sysmon') {
      get(`sysmon:${sw.element}`, () => ({ kind: 'sysmon-event-type', id: `sysmon:${sw.element}`, events: [], element: sw.element })).events.push(e);
    } else if (sw.kind === 'security-always') {
      get(`switch:${SECURITY_LOG_SWITCH.id}`, () => ({ kind: 'switch', id: `switch:${SECURITY_LOG_SWITCH.id}`, events: [], named: SECURITY_LOG_SWITCH })).events.push(e);
    } else if (sw.kind === 'sysmon-service') {
      get(`switch:${SYSMON_SERVICE_SWITCH.id}`, () => ({ kind: 'switch', id: `switch:${SYSMON_SERVICE_SWITCH.id}`, events: [], named: SYSMON_SERVICE_SWITCH })).events.push(e);
    } else {
      const found = en.enable.switches.find((s) => s.effect === 'turns-on');
      const named: SwitchUnit | undefined = found && { id: found.id, title: found.title, commands: found.commands, ...(found.gpo ? { gpo: found.gpo } : {}), ...(found.note ? { note: found.note } : {}) };
      if (named) get(`switch:${named.id}`, () => ({ kind: 'switch', id: `switch:${named.id}`, events: [], named })).events.push(e);
      else get(`event:${e.key}`, () => ({ kind: 'event', id: `event:${e.key}`, events: [] })).events.push(e);
    }
  }
  return [...byId.values()];
}

interface Evaluation {
  adds: string[];
  upgrades: string[];
  gains: Map<string, Grade>;
  gained: GradeLists;
  contributing: AdviceEvent[];
  /** Events the unit turns on in full once applied. */
  turnsOn: string[];
  success: boolean;
  failure: boolean;
}

type ByEvent = ReadonlyMap<string, ReadonlyMap<string, CoverageLink>>;

function linkGrades(byEvent: ByEvent, events: readonly CoverageEvent[]): Array<[string, Grade]> {
  return events.flatMap((e) => [...(byEvent.get(e.key) ?? new Map<string, CoverageLink>())].map(([t, l]) => [t, l.grade] as [string, Grade]));
}

function evaluate(c: Candidate, state: TechState, byEvent: ByEvent, full: ReadonlySet<string>): Evaluation {
  const pending = c.events.filter((e) => !full.has(e.key));
  let success = false;
  let failure = false;
  let on = pending;
  if (c.kind === 'audit-subcategory' && c.outcomes) {
    // Ask for the fewest outcomes: success when success-side events gain anything, failure only
    // when failure-only events gain techniques (or grades) the success side does not.
    const outcome = (e: CoverageEvent): AuditOutcome => c.outcomes?.get(e.key) ?? 'success';
    const sideS = gainsOver(state.seen, linkGrades(byEvent, pending.filter((e) => outcome(e) !== 'failure')));
    const sideF = gainsOver(state.seen, linkGrades(byEvent, pending.filter((e) => outcome(e) === 'failure')));
    success = sideS.size > 0;
    failure = [...sideF].some(([t, g]) => stronger(g, sideS.get(t)));
    on = pending.filter((e) => {
      const o = outcome(e);
      return o === 'success' ? success : o === 'failure' ? failure : success || failure;
    });
  }
  const gains = gainsOver(state.seen, linkGrades(byEvent, on));
  const contributing: AdviceEvent[] = [];
  for (const e of on) {
    const ts = [...(byEvent.get(e.key) ?? new Map<string, CoverageLink>())].filter(([t, l]) => gains.get(t) === l.grade).map(([t]) => t).sort(cmp);
    if (ts.length > 0) contributing.push({ key: e.key, name: e.name, techniques: ts });
  }
  const fresh = [...gains.keys()].filter((t) => !state.seen.has(t)).sort(cmp);
  return {
    adds: fresh.filter((t) => !state.partial.has(t)),
    upgrades: fresh.filter((t) => state.partial.has(t)),
    gains,
    gained: gainLists(gains),
    contributing,
    turnsOn: on.map((e) => e.key),
    success,
    failure,
  };
}

/** More confirmed, then named, then related techniques gained; then the unit's own tie-breaks. */
function better(a: { c: Candidate; ev: Evaluation }, b: { c: Candidate; ev: Evaluation }): boolean {
  const byGrade = compareGains(a.ev.gained, b.ev.gained);
  if (byGrade !== 0) return byGrade < 0;
  if (a.ev.adds.length !== b.ev.adds.length) return a.ev.adds.length > b.ev.adds.length;
  if (a.ev.upgrades.length !== b.ev.upgrades.length) return a.ev.upgrades.length > b.ev.upgrades.length;
  if (KIND_ORDER[a.c.kind] !== KIND_ORDER[b.c.kind]) return KIND_ORDER[a.c.kind] < KIND_ORDER[b.c.kind];
  const pa = a.ev.contributing.filter((x) => a.c.primary?.has(x.key)).length;
  const pb = b.ev.contributing.filter((x) => b.c.primary?.has(x.key)).length;
  if (pa !== pb) return pa > pb;
  return a.c.id < b.c.id;
}

function describe(c: Candidate, ev: Evaluation, partialEvents: ReadonlySet<string>): Omit<Advice, 'rank' | 'adds' | 'upgrades' | 'gained' | 'events' | 'seenAfter' | 'after'> {
  if (c.kind === 'audit-subcategory' && c.subcategory) {
    const s = c.subcategory;
    const what = ev.success && ev.failure ? 'success and failure' : ev.failure ? 'failure' : 'success';
    const note = SUBCATEGORY_NOTES[s.name];
    return {
      kind: c.kind,
      id: c.id,
      title: `turn on audit subcategory ${s.name} (${what})`,
      commands: [auditpolCommand(s, { success: ev.success, failure: ev.failure })],
      gpo: `${auditGpoPath(s)}: ${describeSetting({ success: ev.success, failure: ev.failure })}`,
      ...(note ? { note } : {}),
      subcategory: { name: s.name, guid: s.guid, category: s.category },
      success: ev.success,
      failure: ev.failure,
    };
  }
  if (c.kind === 'sysmon-event-type' && c.element) {
    const unfilter = c.events.some((e) => partialEvents.has(e.key));
    const ids = sysmonEventIds(c.element);
    const snippet = sysmonSnippet(c.element);
    return {
      kind: c.kind,
      id: c.id,
      title: unfilter ? `log all Sysmon ${c.element} events (now filtered by include rules)` : `log Sysmon event type ${c.element}`,
      commands: [snippet],
      note: `Sysmon event ID${ids.length > 1 ? 's' : ''} ${ids.join(', ')}; ${unfilter ? 'replace the include rules with exclude rules for known noise, or widen them' : 'merge into your configuration; add exclude rules for known noise'} (schema ${SYSMON_SCHEMA_VERSION})`,
      element: c.element,
      sysmonMode: unfilter ? 'unfilter' : 'enable',
      snippet,
    };
  }
  if (c.kind === 'switch' && c.named) {
    const n = c.named;
    return { kind: c.kind, id: c.id, title: n.title, commands: [...n.commands], ...(n.gpo ? { gpo: n.gpo } : {}), ...(n.note ? { note: n.note } : {}) };
  }
  const e = c.events[0];
  const channel = e?.channel && e.channel !== e.log ? ` (channel ${e.channel})` : '';
  return { kind: 'event', id: c.id, title: `collect event ${e?.key ?? c.id}${channel}`, commands: [], note: 'no audit subcategory or switch known for this event: make sure its log is enabled and forwarded' };
}

/**
 * Greedy advice over actionable units; see the module comment. Each step gains the most techniques
 * at grade confirmed, then named, then related (newly seen, upgraded from partial, or seen at a
 * stronger grade). `data`: links below the minimum grade already left out (withMinGrade).
 */
export function configAdvice(
  data: VersionData,
  details: readonly ConfigEvent[],
  collected: readonly ConfigCollectedEvent[],
  top: number,
): Advice[] {
  const detailMap = new Map(details.map((d) => [d.key, d]));
  const byEvent = linksByEvent(data);
  const full = new Set(collected.filter((e) => e.status === 'full').map((e) => e.key));
  const partialEvents = new Set(collected.filter((e) => e.status === 'partial').map((e) => e.key));
  const state: TechState = { seen: new Map(), partial: new Set() };
  for (const k of partialEvents) for (const t of byEvent.get(k)?.keys() ?? []) state.partial.add(t);
  for (const [t, g] of gainsOver(new Map(), linkGrades(byEvent, data.events.filter((e) => full.has(e.key))))) state.seen.set(t, g);
  for (const t of state.seen.keys()) state.partial.delete(t);
  const candidates = buildCandidates(data, detailMap, full);
  const picks: Advice[] = [];
  while (picks.length < top) {
    let best: { c: Candidate; ev: Evaluation } | undefined;
    for (const c of candidates) {
      const ev = evaluate(c, state, byEvent, full);
      if (listed(ev.gained) === 0) continue;
      const cur = { c, ev };
      if (!best || better(cur, best)) best = cur;
    }
    if (!best) break;
    const { c, ev } = best;
    const info = describe(c, ev, partialEvents);
    for (const k of ev.turnsOn) full.add(k);
    for (const [t, g] of ev.gains) {
      state.seen.set(t, g);
      state.partial.delete(t);
    }
    picks.push({ rank: picks.length + 1, ...info, adds: ev.adds, upgrades: ev.upgrades, gained: ev.gained, events: ev.contributing, seenAfter: state.seen.size, after: gradeCounts(state.seen.values()) });
  }
  return picks;
}

