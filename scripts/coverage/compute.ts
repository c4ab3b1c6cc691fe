/**
 * Coverage of one ATT&CK version by a set of collected Windows events: which techniques those
 * events are mapped to, per tactic and by the grade of the link, and which further events would
 * add the most techniques (confirmed first, then named, then related).
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
