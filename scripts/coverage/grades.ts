/**
 * Grades in the coverage core: which links count (`--min-grade`), the best grade of a technique's
 * collected links, per-grade counts, and the layer score of a grade.
 *
 * A link is `confirmed` (a public detection rule uses the event for the technique), `named` (an
 * ATT&CK analytic names it) or `related` (only through a data component); see scripts/mapping/grade.ts.
 *
 * Pure module: no I/O, no node: imports.
 */
import { GRADE_MEANING, GRADES, gradeRank } from '../mapping/grade.ts';
import { cmp, compareEventRefs, CoverageError, type CoverageLink, type CoverageTechnique, type Grade, type VersionData } from './types.ts';

export { GRADE_MEANING, GRADES, gradeRank };

/** `--min-grade` default: every link counts (the totals before grades). */
export const DEFAULT_MIN_GRADE: Grade = 'related';

/** Short meanings, for legends and one-line explanations. */
export const GRADE_SHORT: Readonly<Record<Grade, string>> = {
  confirmed: 'a public detection rule uses the event for the technique',
  named: 'an ATT&CK analytic names the event for the technique',
  related: 'only through a data component',
};

/** Navigator layer score of a grade: confirmed 3, named 2, related 1. */
export const GRADE_SCORE: Readonly<Record<Grade, number>> = { confirmed: 3, named: 2, related: 1 };

export function isGrade(s: string): s is Grade {
  return (GRADES as readonly string[]).includes(s);
}

/** True when `a` is a stronger grade than `b` (or `b` is none). */
export function stronger(a: Grade, b: Grade | undefined): boolean {
  return b === undefined || gradeRank(a) < gradeRank(b);
}

/** The grades that count at `--min-grade min`, best first. */
export function countedGrades(min: Grade): Grade[] {
  return GRADES.filter((g) => gradeRank(g) <= gradeRank(min));
}

/** `named or better`, `confirmed`, `any grade`. */
export function minGradeWords(min: Grade): string {
  return min === 'related' ? 'any grade' : min === 'confirmed' ? 'grade confirmed' : `grade ${min} or better`;
}

export interface GradeCounts {
  confirmed: number;
  named: number;
  related: number;
}

export const noGrades = (): GradeCounts => ({ confirmed: 0, named: 0, related: 0 });

/** `12 confirmed, 3 named, 40 related` (grades with a count only; `none` when all are zero). */
export function gradeSummary(c: GradeCounts): string {
  const parts = GRADES.filter((g) => c[g] > 0).map((g) => `${c[g]} ${g}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** How many of `grades` are of each grade. */
export function gradeCounts(grades: Iterable<Grade>): GradeCounts {
  const c = noGrades();
  for (const g of grades) c[g]++;
  return c;
}

/** Strongest first: grade, then more rules, then log and numeric event ID. */
export function compareLinks(a: CoverageLink & { log: string; eventId: string }, b: CoverageLink & { log: string; eventId: string }): number {
  return gradeRank(a.grade) - gradeRank(b.grade) || b.rules - a.rules || compareEventRefs(a, b);
}

/**
 * The version with every link weaker than `min` left out: at `--min-grade named` a technique whose
 * links are all `related` has no mapped event, and no event can make it seen. `related` returns
 * `data` itself.
 */
export function withMinGrade(data: VersionData, min: Grade): VersionData {
  if (!isGrade(min)) throw new CoverageError(`min grade must be ${GRADES.join(', ')}, not ${String(min)}`);
  if (min === 'related') return data;
  const keep = (l: CoverageLink): boolean => gradeRank(l.grade) <= gradeRank(min);
  const techniques: CoverageTechnique[] = data.techniques.map((t) => ({ ...t, events: t.events.filter(keep) }));
  return { ...data, techniques };
}

/** A technique's links to known events, strongest first, with each event's log and ID. */
export function rankedLinks(t: CoverageTechnique, events: ReadonlyMap<string, { log: string; eventId: string }>): Array<CoverageLink & { log: string; eventId: string }> {
  const out: Array<CoverageLink & { log: string; eventId: string }> = [];
  for (const l of t.events) {
    const e = events.get(l.key);
    if (e) out.push({ key: l.key, grade: l.grade, rules: l.rules, log: e.log, eventId: e.eventId });
  }
  return out.sort(compareLinks);
}

/** Event key → technique ID → the link's grade and rules (from each technique's own events). */
export function linksByEvent(data: VersionData): Map<string, Map<string, CoverageLink>> {
  const m = new Map<string, Map<string, CoverageLink>>();
  for (const e of data.events) m.set(e.key, new Map());
  for (const t of [...data.techniques].sort((a, b) => cmp(a.id, b.id))) {
    for (const l of t.events) {
      const inner = m.get(l.key) ?? new Map<string, CoverageLink>();
      const cur = inner.get(t.id);
      if (!cur || stronger(l.grade, cur.grade) || (l.grade === cur.grade && l.rules > cur.rules)) inner.set(t.id, l);
      m.set(l.key, inner);
    }
  }
  return m;
}

/** `Sysmon:10 (confirmed, 7 rules)`, `Security:4663 (named)`. */
export function linkLabel(l: CoverageLink): string {
  return l.grade === 'confirmed' && l.rules > 0 ? `${l.key} (confirmed, ${l.rules} rule${l.rules === 1 ? '' : 's'})` : `${l.key} (${l.grade})`;
}
