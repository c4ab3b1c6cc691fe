/**
 * Coverage of one ATT&CK version by what is collected: an event list (`computeCoverage`), or a
 * configuration — audit policies, presets, Sysmon configurations and an event list together
 * (`computeConfigCoverage`; events collected in full or only partially through filtered Sysmon
 * types). Which techniques the collected events are mapped to, per tactic and by the grade of the
 * link, and the advice of ./advice.ts (confirmed first, then named, then related).
 * Both run the same steps — minimum grade, classifyTechniques over the events collected in full
 * (and partially), tacticCounts — and differ only in their inputs and in the unit of their advice
 * (single events for a list, switches for a configuration); no report is converted into the other.
 *
 * Pure module: no I/O, no node: imports.
 */
import {
  countedGrades,
  DEFAULT_MIN_GRADE,
  type GradeCounts,
  GRADES,
  gradeCounts,
  isGrade,
  linksByEvent,
  minGradeWords,
  rankedLinks,
  stronger,
  withMinGrade,
} from './grades.ts';
import { cmp, compareEventRefs, CoverageError, type CoverageEvent, type CoverageTechnique, type Grade, type VersionData } from './types.ts';
import { type Advice, configAdvice, gainLists, gainsOver, type GradeLists, nextBestEvents, type NextBestEvent } from './advice.ts';
import { type ConfigCollectedEvent, type ConfigInputs, collectConfiguredEvents, type InputKind } from './inputs.ts';
import type { ConfigEvent } from './data.ts';
import { describeSetting } from './readers/auditpol.ts';
import { describeSysmonType } from './readers/sysmon.ts';

export { compareGains, gainLists, gainsOver, type GradeLists, listed, nextBestEvents, type NextBestEvent, noLists } from './advice.ts';

/** What the counts mean, in one line: said at the top of every report. */
export const COUNTS_MEAN =
  'Counts are techniques mapped to the collected events, by the best grade of the link — mapped, not detected: ' +
  'confirmed = a public detection rule uses the event for the technique; named = an ATT&CK analytic names it; related = only through a data component.';

/** How techniques are counted at `--min-grade min`; printed with every report. */
export function countingConvention(min: Grade = DEFAULT_MIN_GRADE): string {
  return (
    'Techniques and sub-techniques are counted separately (T1059 and T1059.001 are two). ' +
    'A technique is seen when at least one of its own mapped events is collected, at the best grade among those links (confirmed, named, related); a parent is not seen through its sub-techniques. ' +
    'A technique in several tactics counts once in each tactic, and once in the all-tactics total. ' +
    '"Mapped" means at least one Windows event is mapped to the technique in this ATT&CK version' +
    (min === 'related' ? '' : ` by a link of ${minGradeWords(min)} (weaker links are left out: --min-grade ${min})`) +
    '; "all" is every Windows technique of the version.'
  );
}

/** The convention at the default `--min-grade related`. */
export const COUNTING_CONVENTION = countingConvention();

export const DEFAULT_TOP = 10;

export interface TechniqueRef {
  id: string;
  name: string;
  tactics: string[];
  isSubtechnique: boolean;
  parent: string;
}

export interface SeenTechnique extends TechniqueRef {
  /** The best grade among the links of the collected events to it. */
  grade: Grade;
  /** Distinct rules of its strongest collected link. */
  rules: number;
  /** The collected events mapped to it, strongest first (grade, rules, log, ID). */
  via: string[];
}

export interface UnseenTechnique extends TechniqueRef {
  /** The best grade among its mapped events (what collecting `events[0]` would give). */
  grade: Grade;
  /** Its mapped events (none of them collected), strongest first. */
  events: string[];
}

export interface Counts extends GradeCounts {
  /** Techniques with at least one collected event mapped (= confirmed + named + related). */
  seen: number;
  /** Techniques with at least one mapped event. */
  mapped: number;
  /** All Windows techniques. */
  total: number;
}

export interface TacticCoverage extends Counts {
  id: string;
  shortname: string;
  name: string;
}

export interface CollectedEvent {
  key: string;
  log: string;
  eventId: string;
  name: string;
  /** Techniques the event is mapped to. */
  techniques: string[];
  /** Its links by grade (the counts of `techniques` per grade). */
  grades: GradeCounts;
}

export interface CoverageReport {
  attackVersion: string;
  /** Links weaker than this are left out (`--min-grade`; `related`: every link counts). */
  minGrade: Grade;
  convention: string;
  events: CollectedEvent[];
  totals: Counts;
  /** In matrix order. */
  tactics: TacticCoverage[];
  seen: SeenTechnique[];
  /** Mapped but not seen. */
  unseen: UnseenTechnique[];
  /** No Windows event mapped at all (at the minimum grade): no event list can see them. */
  unmapped: TechniqueRef[];
  /** Greedy: each pick gains the most confirmed, then named, then related techniques; ties by log, then numeric event ID. */
  nextBest: NextBestEvent[];
}

export interface CoverageOptions {
  /** Length of the next-best list (default 10; 0 for none). */
  top?: number;
  /** Only links of this grade or better count (default `related`: all). */
  minGrade?: Grade;
}

const ref = (t: CoverageTechnique): TechniqueRef => ({ id: t.id, name: t.name, tactics: [...t.tactics], isSubtechnique: t.isSubtechnique, parent: t.parent });

/** Event key → techniques mapped to it (from each technique's own events). */
export function techniquesByEvent(data: VersionData): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const [key, links] of linksByEvent(data)) m.set(key, new Set(links.keys()));
  return m;
}

/** An event's techniques (by ID) and their count per grade. */
export function eventTechniques(byEvent: ReadonlyMap<string, ReadonlyMap<string, { grade: Grade }>>, key: string): { techniques: string[]; grades: GradeCounts } {
  const links = byEvent.get(key) ?? new Map<string, { grade: Grade }>();
  return { techniques: [...links.keys()].sort(cmp), grades: gradeCounts([...links.values()].map((l) => l.grade)) };
}

export interface PartialTechniqueRef extends TechniqueRef {
  /** The best grade among its partially collected links. */
  grade: Grade;
  /** The best grade among all its mapped events. */
  best: Grade;
  /** The partially collected events mapped to it, strongest first. */
  via: string[];
  /** All its mapped events, strongest first. */
  events: string[];
}

/** Techniques seen through events collected in full, in part only, not at all, or with no mapped event. */
export interface ClassifiedTechniques {
  seen: SeenTechnique[];
  /** Seen only through partially collected events: `via` those, `events` all its mapped ones. */
  partial: PartialTechniqueRef[];
  unseen: UnseenTechnique[];
  unmapped: TechniqueRef[];
  /** Seen (per grade), partial, mapped and all techniques among `ts`. */
  count(ts: readonly CoverageTechnique[]): Counts & { partial: number };
}

/**
 * Classifies every technique (by ID) by the events collected in full (`full`) and only in part
 * (`partial`, filtered Sysmon types), a seen technique at the best grade of its collected links;
 * the events-only and the configuration reports share it. `data`: links below the minimum grade
 * already left out (withMinGrade).
 */
export function classifyTechniques(data: VersionData, full: ReadonlySet<string>, partialKeys: ReadonlySet<string>): ClassifiedTechniques {
  const eventsByKey = new Map(data.events.map((e) => [e.key, e]));
  const out: Omit<ClassifiedTechniques, 'count'> = { seen: [], partial: [], unseen: [], unmapped: [] };
  const status = new Map<string, Grade | 'partial' | 'unseen' | 'unmapped'>();
  for (const t of [...data.techniques].sort((a, b) => cmp(a.id, b.id))) {
    const links = rankedLinks(t, eventsByKey);
    const mapped = links.map((l) => l.key);
    const viaFull = links.filter((l) => full.has(l.key));
    const viaPartial = links.filter((l) => partialKeys.has(l.key));
    const top = viaFull[0];
    if (top) {
      out.seen.push({ ...ref(t), grade: top.grade, rules: top.rules, via: viaFull.map((l) => l.key) });
      status.set(t.id, top.grade);
    } else if (viaPartial[0]) {
      out.partial.push({ ...ref(t), grade: viaPartial[0].grade, best: links[0]?.grade ?? viaPartial[0].grade, via: viaPartial.map((l) => l.key), events: mapped });
      status.set(t.id, 'partial');
    } else if (links[0]) {
      out.unseen.push({ ...ref(t), grade: links[0].grade, events: mapped });
      status.set(t.id, 'unseen');
    } else {
      out.unmapped.push(ref(t));
      status.set(t.id, 'unmapped');
    }
  }
  const count = (ts: readonly CoverageTechnique[]): Counts & { partial: number } => {
    const st = ts.map((t) => status.get(t.id));
    const g = gradeCounts(st.filter((s): s is Grade => s !== undefined && isGrade(s)));
    return {
      seen: g.confirmed + g.named + g.related,
      ...g,
      partial: st.filter((s) => s === 'partial').length,
      mapped: st.filter((s) => s !== 'unmapped').length,
      total: ts.length,
    };
  };
  return { ...out, count };
}

/** Per-tactic counts, in matrix order, and the all-tactics total. */
export function tacticCounts<C>(data: VersionData, count: (ts: readonly CoverageTechnique[]) => C): { totals: C; tactics: Array<{ id: string; shortname: string; name: string } & C> } {
  const techniques = [...data.techniques].sort((a, b) => cmp(a.id, b.id));
  return {
    totals: count(techniques),
    tactics: data.tactics.map((tac) => ({ id: tac.id, shortname: tac.shortname, name: tac.name, ...count(techniques.filter((t) => t.tactics.includes(tac.shortname))) })),
  };
}

/** Checks a `minGrade` option. */
export function checkMinGrade(min: unknown): Grade {
  if (min === undefined) return DEFAULT_MIN_GRADE;
  if (typeof min !== 'string' || !isGrade(min)) throw new CoverageError(`min grade must be ${GRADES.join(', ')}, not ${String(min)}`);
  return min;
}

/** Coverage of `data` by the collected events `keys` (resolved keys; see resolveEventList). */
export function computeCoverage(data: VersionData, keys: readonly string[], options: CoverageOptions = {}): CoverageReport {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 0) throw new CoverageError(`top must be a whole number ≥ 0, not ${top}`);
  const minGrade = checkMinGrade(options.minGrade);
  const eventsByKey = new Map(data.events.map((e) => [e.key, e]));
  if (keys.length === 0) throw new CoverageError('the events list is empty: give at least one event as LOG:ID');
  const unknown = keys.filter((k) => !eventsByKey.has(k));
  if (unknown.length > 0) throw new CoverageError(`no event ${unknown.join(', ')} in ATT&CK ${data.attackVersion}`);
  const graded = withMinGrade(data, minGrade);
  const collected = new Set(keys);
  const byEvent = linksByEvent(graded);

  const { seen, unseen, unmapped, count: countAll } = classifyTechniques(graded, collected, new Set());
  const { totals, tactics } = tacticCounts(graded, (ts): Counts => {
    const { partial: _partial, ...c } = countAll(ts);
    return c;
  });
  return {
    attackVersion: data.attackVersion,
    minGrade,
    convention: countingConvention(minGrade),
    events: keys
      .map((k) => eventsByKey.get(k))
      .filter((e): e is CoverageEvent => e !== undefined)
      .sort(compareEventRefs)
      .map((e) => ({ key: e.key, log: e.log, eventId: e.eventId, name: e.name, ...eventTechniques(byEvent, e.key) })),
    totals,
    tactics,
    seen,
    unseen,
    unmapped,
    nextBest: nextBestEvents(graded, collected, new Map(seen.map((t) => [t.id, t.grade])), top),
  };
}

/** The grades a report counts, best first (for column sets). */
export function reportGrades(r: { minGrade: Grade }): Grade[] {
  return countedGrades(r.minGrade);
}

// ---------------------------------------------------------------------------------------------
// Configuration coverage: what --auditpol, --preset, --sysmon and --events collect together
// ---------------------------------------------------------------------------------------------

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

