/**
 * Coverage of one ATT&CK version by a set of collected Windows events: which techniques those
 * events can show, per tactic, and which further events would show the most techniques not yet seen.
 *
 * Pure module: no I/O, no node: imports.
 */
import { cmp, compareEventRefs, CoverageError, type CoverageEvent, type CoverageTechnique, type VersionData } from './types.ts';

/** How techniques are counted; printed with every report. */
export const COUNTING_CONVENTION =
  'Techniques and sub-techniques are counted separately (T1059 and T1059.001 are two). ' +
  'A technique is seen when at least one of its own mapped events is collected; a parent is not seen through its sub-techniques. ' +
  'A technique in several tactics counts once in each tactic, and once in the all-tactics total. ' +
  '"Mapped" means at least one Windows event is mapped to the technique in this ATT&CK version; "all" is every Windows technique of the version.';

export const DEFAULT_TOP = 10;

export interface TechniqueRef {
  id: string;
  name: string;
  tactics: string[];
  isSubtechnique: boolean;
  parent: string;
}

export interface SeenTechnique extends TechniqueRef {
  /** The collected events mapped to it, by log then ID. */
  via: string[];
}

export interface UnseenTechnique extends TechniqueRef {
  /** Its mapped events (none of them collected), by log then ID. */
  events: string[];
}

export interface Counts {
  /** Techniques with at least one collected event mapped. */
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
}

export interface NextBestEvent {
  rank: number;
  key: string;
  log: string;
  eventId: string;
  name: string;
  /** Techniques not seen before this pick that the event shows. */
  adds: string[];
  /** Techniques seen once this event (and every earlier pick) is collected too. */
  seenAfter: number;
}

export interface CoverageReport {
  attackVersion: string;
  convention: string;
  events: CollectedEvent[];
  totals: Counts;
  /** In matrix order. */
  tactics: TacticCoverage[];
  seen: SeenTechnique[];
  /** Mapped but not seen. */
  unseen: UnseenTechnique[];
  /** No Windows event mapped at all: no event list can see them. */
  unmapped: TechniqueRef[];
  /** Greedy: each pick adds the most techniques not yet seen; ties by log, then numeric event ID. */
  nextBest: NextBestEvent[];
}

export interface CoverageOptions {
  /** Length of the next-best list (default 10; 0 for none). */
  top?: number;
}

const ref = (t: CoverageTechnique): TechniqueRef => ({ id: t.id, name: t.name, tactics: [...t.tactics], isSubtechnique: t.isSubtechnique, parent: t.parent });

/** Event key → techniques mapped to it (from each technique's own events). */
export function techniquesByEvent(data: VersionData): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const e of data.events) m.set(e.key, new Set());
  for (const t of data.techniques) {
    for (const e of t.events) {
      const s = m.get(e.key) ?? new Set<string>();
      s.add(t.id);
      m.set(e.key, s);
    }
  }
  return m;
}

/**
 * Greedy cover: repeatedly picks the event that adds the most techniques not yet seen. Ties go to
 * the event first by log name, then by numeric ID. Stops after `top` picks or when nothing adds.
 */
export function nextBestEvents(data: VersionData, collected: ReadonlySet<string>, seen: ReadonlySet<string>, top: number): NextBestEvent[] {
  const byEvent = techniquesByEvent(data);
  const candidates = [...data.events].filter((e) => !collected.has(e.key)).sort(compareEventRefs);
  const covered = new Set(seen);
  const picks: NextBestEvent[] = [];
  const remaining = new Set(candidates.map((e) => e.key));
  while (picks.length < top) {
    let best: CoverageEvent | undefined;
    let bestAdds: string[] = [];
    for (const e of candidates) {
      if (!remaining.has(e.key)) continue;
      const adds = [...(byEvent.get(e.key) ?? [])].filter((t) => !covered.has(t));
      if (adds.length > bestAdds.length) {
        best = e;
        bestAdds = adds;
      }
    }
    if (!best) break;
    remaining.delete(best.key);
    for (const t of bestAdds) covered.add(t);
    picks.push({ rank: picks.length + 1, key: best.key, log: best.log, eventId: best.eventId, name: best.name, adds: bestAdds.sort(cmp), seenAfter: covered.size });
  }
  return picks;
}

/** Techniques seen through events collected in full, in part only, not at all, or with no mapped event. */
export interface ClassifiedTechniques {
  seen: SeenTechnique[];
  /** Seen only through partially collected events: `via` those, `events` all its mapped ones. */
  partial: Array<TechniqueRef & { via: string[]; events: string[] }>;
  unseen: UnseenTechnique[];
  unmapped: TechniqueRef[];
  /** Seen, partial, mapped and all techniques among `ts`. */
  count(ts: readonly CoverageTechnique[]): Counts & { partial: number };
}

/**
 * Classifies every technique (by ID) by the events collected in full (`full`) and only in part
 * (`partial`, filtered Sysmon types); the events-only and the configuration reports share it.
 */
export function classifyTechniques(data: VersionData, full: ReadonlySet<string>, partialKeys: ReadonlySet<string>): ClassifiedTechniques {
  const eventsByKey = new Map(data.events.map((e) => [e.key, e]));
  const out: Omit<ClassifiedTechniques, 'count'> = { seen: [], partial: [], unseen: [], unmapped: [] };
  const status = new Map<string, 'seen' | 'partial' | 'unseen' | 'unmapped'>();
  for (const t of [...data.techniques].sort((a, b) => cmp(a.id, b.id))) {
    const mapped = t.events
      .map((e) => eventsByKey.get(e.key))
      .filter((e): e is CoverageEvent => e !== undefined)
      .sort(compareEventRefs)
      .map((e) => e.key);
    const viaFull = mapped.filter((k) => full.has(k));
    const viaPartial = mapped.filter((k) => partialKeys.has(k));
    if (viaFull.length > 0) {
      out.seen.push({ ...ref(t), via: viaFull });
      status.set(t.id, 'seen');
    } else if (viaPartial.length > 0) {
      out.partial.push({ ...ref(t), via: viaPartial, events: mapped });
      status.set(t.id, 'partial');
    } else if (mapped.length > 0) {
      out.unseen.push({ ...ref(t), events: mapped });
      status.set(t.id, 'unseen');
    } else {
      out.unmapped.push(ref(t));
      status.set(t.id, 'unmapped');
    }
  }
  const count = (ts: readonly CoverageTechnique[]): Counts & { partial: number } => ({
    seen: ts.filter((t) => status.get(t.id) === 'seen').length,
    partial: ts.filter((t) => status.get(t.id) === 'partial').length,
    mapped: ts.filter((t) => status.get(t.id) !== 'unmapped').length,
    total: ts.length,
  });
  return { ...out, count };
}

/** Coverage of `data` by the collected events `keys` (resolved keys; see resolveEventList). */
export function computeCoverage(data: VersionData, keys: readonly string[], options: CoverageOptions = {}): CoverageReport {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 0) throw new CoverageError(`top must be a whole number ≥ 0, not ${top}`);
  const eventsByKey = new Map(data.events.map((e) => [e.key, e]));
  if (keys.length === 0) throw new CoverageError('the events list is empty: give at least one event as LOG:ID');
  const unknown = keys.filter((k) => !eventsByKey.has(k));
  if (unknown.length > 0) throw new CoverageError(`no event ${unknown.join(', ')} in ATT&CK ${data.attackVersion}`);
  const collected = new Set(keys);
  const byEvent = techniquesByEvent(data);

  const techniques = [...data.techniques].sort((a, b) => cmp(a.id, b.id));
  const { seen, unseen, unmapped, count: countAll } = classifyTechniques(data, collected, new Set());
  const count = (ts: readonly CoverageTechnique[]): Counts => {
    const c = countAll(ts);
    return { seen: c.seen, mapped: c.mapped, total: c.total };
  };
  const tactics = data.tactics.map((tac) => ({ id: tac.id, shortname: tac.shortname, name: tac.name, ...count(techniques.filter((t) => t.tactics.includes(tac.shortname))) }));
  const seenIds = new Set(seen.map((t) => t.id));
  return {
    attackVersion: data.attackVersion,
    convention: COUNTING_CONVENTION,
    events: keys
      .map((k) => eventsByKey.get(k))
      .filter((e): e is CoverageEvent => e !== undefined)
      .sort(compareEventRefs)
      .map((e) => ({ key: e.key, log: e.log, eventId: e.eventId, name: e.name, techniques: [...(byEvent.get(e.key) ?? [])].sort(cmp) })),
    totals: count(techniques),
    tactics,
    seen,
    unseen,
    unmapped,
    nextBest: nextBestEvents(data, collected, seenIds, top),
  };
}
