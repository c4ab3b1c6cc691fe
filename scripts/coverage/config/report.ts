/**
 * Coverage from a real configuration: which techniques the collected events show (in full, or
 * only partially through filtered Sysmon event types), per tactic, and advice in the units an
 * administrator switches on — audit subcategories, Sysmon event types, named switches, and single
 * events only where no coarser switch exists — ranked greedily.
 *
 * Pure module: no I/O, no node: imports.
 */
import {
  checkMinGrade,
  classifyTechniques,
  compareGains,
  type Counts,
  countingConvention,
  type CoverageReport,
  DEFAULT_TOP,
  eventTechniques,
  gainLists,
  gainsOver,
  type GradeLists,
  listed,
  type PartialTechniqueRef,
  type SeenTechnique,
  tacticCounts,
  type TechniqueRef,
  type UnseenTechnique,
} from '../compute.ts';
import { DEFAULT_MIN_GRADE, type GradeCounts, gradeCounts, linksByEvent, stronger, withMinGrade } from '../grades.ts';
import { cmp, compareEventRefs, CoverageError, type CoverageEvent, type CoverageLink, type Grade, type VersionData } from '../types.ts';
import { describeSetting } from './auditpol.ts';
import { type ConfigCollectedEvent, type ConfigInputs, collectConfiguredEvents, eventSwitch, type EventSwitch, type InputKind } from './collect.ts';
import { blankConfigEvent, type ConfigEvent } from './data.ts';
import { describeSysmonType } from './sysmon.ts';
import { auditGpoPath, type AuditOutcome, auditpolCommand, SUBCATEGORY_NOTES } from '../../windows/audit.ts';
import type { AuditSubcategory } from '../../windows/subcategories.ts';
import { SYSMON_SCHEMA_VERSION, sysmonEventIds, sysmonSnippet } from '../../windows/sysmon.ts';

/** How techniques are counted in a configuration report at `--min-grade min`. */
export function configCountingConvention(min: Grade = DEFAULT_MIN_GRADE): string {
  return `${countingConvention(min)} "Partial" techniques are seen only through Sysmon event types whose include rules log a filtered subset; they are not counted as seen.`;
}

export const CONFIG_COUNTING_CONVENTION = configCountingConvention();

export interface ConfigCounts extends Counts {
  /** Techniques seen only through partially collected events (not in `seen`). */
  partial: number;
}

export interface ConfigTacticCoverage extends ConfigCounts {
  id: string;
  shortname: string;
  name: string;
}

export type PartialTechnique = PartialTechniqueRef;

export interface ConfigEventReport extends ConfigCollectedEvent {
  techniques: string[];
  /** Its links by grade. */
  grades: GradeCounts;
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

export interface InputSummary {
  input: InputKind;
  source: string;
  summary: string;
}

export interface ConfigCoverageReport {
  attackVersion: string;
  /** Links weaker than this are left out (`--min-grade`; `related`: every link counts). */
  minGrade: Grade;
  convention: string;
  inputs: InputSummary[];
  events: ConfigEventReport[];
  totals: ConfigCounts;
  tactics: ConfigTacticCoverage[];
  seen: SeenTechnique[];
  partial: PartialTechnique[];
  /** Mapped, neither seen nor partial. */
  unseen: UnseenTechnique[];
  unmapped: TechniqueRef[];
  advice: Advice[];
  /** Problems with the inputs (unknown subcategories, ignored elements, …). */
  warnings: string[];
  /** How the inputs were read (presets, localisation, defaults). */
  notes: string[];
}

export interface ConfigCoverageOptions {
  /** Length of the advice list (default 10; 0 for none). */
  top?: number;
  /** Extra notes to carry (e.g. how a preset was derived). */
  notes?: readonly string[];
  /** Only links of this grade or better count (default `related`: all). */
  minGrade?: Grade;
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

/** A switch unit of advice: a named switch of the table, or one of the two below. */
interface SwitchUnit {
  id: string;
  title: string;
  commands: readonly string[];
  gpo?: string;
  note?: string;
}

const KIND_ORDER: Record<AdviceKind, number> = { 'audit-subcategory': 0, 'sysmon-event-type': 1, switch: 2, event: 3 };

const SECURITY_LOG_SWITCH: SwitchUnit = {
  id: 'security-log',
  title: 'collect the Security log',
  commands: [],
  note: 'these events are written by the event log service whatever the audit policy (log cleared, service stopped, log full)',
};

const SYSMON_SERVICE_SWITCH: SwitchUnit = {
  id: 'sysmon-service',
  title: 'install Sysmon',
  commands: ['sysmon64.exe -accepteula -i sysmonconfig.xml'],
  note: 'Sysmon always writes its service state (4), configuration change (16) and error (255) events',
};

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

function summarize(inputs: ConfigInputs): InputSummary[] {
  const out: InputSummary[] = [];
  if (inputs.events && inputs.events.length > 0) out.push({ input: 'events', source: '--events', summary: `${inputs.events.length} event(s) listed` });
  for (const p of inputs.auditpol ?? []) {
    const on = [...p.entries.values()].filter((e) => e.success || e.failure);
    out.push({ input: 'auditpol', source: p.source, summary: `${on.length} of ${p.entries.size} subcategories audited${p.machine ? ` on ${p.machine}` : ''}` });
  }
  for (const p of inputs.presets ?? []) {
    const on = [...p.entries.values()].filter((e) => e.success || e.failure);
    out.push({ input: 'preset', source: p.source, summary: `${on.length} subcategories audited: ${on.map((e) => `${e.subcategory.name} (${describeSetting(e)})`).join(', ')}` });
  }
  for (const s of inputs.sysmon ?? []) {
    const types = [...s.types.values()];
    const n = (st: string): number => types.filter((t) => t.state === st).length;
    out.push({ input: 'sysmon', source: s.source, summary: `schema ${s.schemaVersion ?? '?'}: ${n('full')} event type(s) full, ${n('partial')} partial, ${n('off')} off` });
  }
  return out;
}

/** Coverage of `data` by what `inputs` collect. Throws CoverageError when there is no input at all. */
export function computeConfigCoverage(data: VersionData, details: readonly ConfigEvent[], inputs: ConfigInputs, options: ConfigCoverageOptions = {}): ConfigCoverageReport {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 0) throw new CoverageError(`top must be a whole number ≥ 0, not ${top}`);
  const given = (inputs.events?.length ?? 0) + (inputs.auditpol?.length ?? 0) + (inputs.presets?.length ?? 0) + (inputs.sysmon?.length ?? 0);
  if (given === 0) throw new CoverageError('no input: give --events, --auditpol, --sysmon or --preset');
  const minGrade = checkMinGrade(options.minGrade);
  const graded = withMinGrade(data, minGrade);
  const collected = collectConfiguredEvents(graded, details, inputs);
  const byEvent = linksByEvent(graded);
  const fullKeys = new Set(collected.filter((e) => e.status === 'full').map((e) => e.key));
  const partialKeys = new Set(collected.filter((e) => e.status === 'partial').map((e) => e.key));
  const { seen, partial, unseen, unmapped, count } = classifyTechniques(graded, fullKeys, partialKeys);
  const { totals, tactics } = tacticCounts(graded, count);
  const warnings = [
    ...(inputs.auditpol ?? []).flatMap((p) => p.warnings.map((w) => `${p.source}: ${w}`)),
    ...(inputs.presets ?? []).flatMap((p) => p.warnings.map((w) => `${p.source}: ${w}`)),
    ...(inputs.sysmon ?? []).flatMap((s) => s.warnings.map((w) => `${s.source}: ${w}`)),
  ];
  const notes = [...(options.notes ?? []), ...(inputs.auditpol ?? []).flatMap((p) => p.notes.map((n) => `${p.source}: ${n}`))];
  for (const s of inputs.sysmon ?? []) {
    const unconfigured = [...s.types.values()].filter((t) => !t.configured && t.state === 'full');
    if (unconfigured.length > 0) notes.push(`${s.source}: no rule for ${unconfigured.map((t) => t.element).join(', ')}; counted as logged (Sysmon's default for these types)`);
    const partialTypes = [...s.types.values()].filter((t) => t.state === 'partial');
    if (partialTypes.length > 0) notes.push(`${s.source}: filtered by include rules (partial): ${partialTypes.map(describeSysmonType).join('; ')}`);
  }
  return {
    attackVersion: data.attackVersion,
    minGrade,
    convention: configCountingConvention(minGrade),
    inputs: summarize(inputs),
    events: collected.map((e) => ({ ...e, ...eventTechniques(byEvent, e.key) })),
    totals,
    tactics,
    seen,
    partial,
    unseen,
    unmapped,
    advice: configAdvice(graded, details, collected, top),
    warnings,
    notes,
  };
}

/**
 * The report as the coverage core's CoverageReport (partial techniques count as not seen), for
 * the Navigator layer builder and other CoverageReport readers.
 */
export function asCoverageReport(r: ConfigCoverageReport): CoverageReport {
  const unseen: UnseenTechnique[] = [...r.partial.map(({ via: _via, grade: _grade, best, ...t }) => ({ ...t, grade: best })), ...r.unseen].sort((a, b) => cmp(a.id, b.id));
  const fullEvents = r.events.filter((e) => e.status === 'full');
  const { partial: _partial, ...totals } = r.totals;
  return {
    attackVersion: r.attackVersion,
    minGrade: r.minGrade,
    convention: r.convention,
    events: fullEvents.map((e) => ({ key: e.key, log: e.log, eventId: e.eventId, name: e.name, techniques: e.techniques, grades: e.grades })),
    totals,
    tactics: r.tactics.map(({ partial: _p, ...t }) => t),
    seen: r.seen,
    unseen,
    unmapped: r.unmapped,
    nextBest: [],
  };
}

