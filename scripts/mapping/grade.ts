/**
 * Grades: how a technique × event link is known. A link keeps every evidence item; its grade is the
 * best of them. Rank = grade, then distinct rules, then ID.
 */
import type { Evidence, Grade, MappingRow } from './types.ts';

/** Best first. */
export const GRADES = ['confirmed', 'named', 'related'] as const;

export const GRADE_OF: Readonly<Record<Evidence, Grade>> = {
  'splunk-escu': 'confirmed',
  'mitre-car': 'confirmed',
  'attack-analytic': 'named',
  'attack-component': 'related',
  'ossem-dm': 'related',
  'ossem-legacy': 'related',
};

export const RULE_EVIDENCE: ReadonlySet<Evidence> = new Set(['splunk-escu', 'mitre-car']);

/** Plain-words meaning of each grade, shared by the README, the schemas and the site. */
export const GRADE_MEANING: Readonly<Record<Grade, string>> = {
  confirmed: 'at least one public detection rule (Splunk Security Content, MITRE CAR) uses this event for this technique',
  named: 'ATT&CK itself names this event for this technique (one of its analytics does)',
  related: 'reached only through a data component (ATT&CK component log sources, OSSEM-DM, OSSEM legacy): the event records the kind of activity, nothing more specific is known',
};

export const gradeRank = (g: Grade): number => GRADES.indexOf(g);

export interface GradedLink {
  techniqueId: string;
  eventKey: string;
  eventLog: string;
  eventId: string;
  grade: Grade;
  /** Distinct detection rules that use the event for the technique. */
  rules: string[];
  /** Evidence kinds, in GRADE order then name. */
  kinds: Evidence[];
}

const EVIDENCE_ORDER: readonly Evidence[] = ['splunk-escu', 'mitre-car', 'attack-analytic', 'attack-component', 'ossem-dm', 'ossem-legacy'];

/** Merges evidence rows into one graded link per technique × event; rows without an event are skipped. */
export function gradeLinks(rows: readonly MappingRow[]): Map<string, GradedLink> {
  const links = new Map<string, { link: GradedLink; rules: Set<string>; kinds: Set<Evidence> }>();
  for (const r of rows) {
    if (!r.eventId || !r.evidence) continue;
    const eventKey = `${r.eventLog}:${r.eventId}`;
    const k = linkKey(r.techniqueId, eventKey);
    let cur = links.get(k);
    if (!cur) {
      cur = { link: { techniqueId: r.techniqueId, eventKey, eventLog: r.eventLog, eventId: r.eventId, grade: GRADE_OF[r.evidence], rules: [], kinds: [] }, rules: new Set(), kinds: new Set() };
      links.set(k, cur);
    }
    const g = GRADE_OF[r.evidence];
    if (gradeRank(g) < gradeRank(cur.link.grade)) cur.link.grade = g;
    cur.kinds.add(r.evidence);
    if (RULE_EVIDENCE.has(r.evidence)) cur.rules.add(`${r.evidence}\u0000${r.evidenceRef}`);
  }
  const out = new Map<string, GradedLink>();
  for (const [k, { link, rules, kinds }] of links) {
    link.rules = [...rules].map((x) => x.slice(x.indexOf('\u0000') + 1)).sort();
    link.kinds = EVIDENCE_ORDER.filter((e) => kinds.has(e));
    out.set(k, link);
  }
  return out;
}

export function linkKey(techniqueId: string, eventKey: string): string {
  return `${techniqueId}\u0000${eventKey}`;
}

/** Strongest first: grade, then more distinct rules, then the tie-break given (an ID order). */
export function byStrength<T extends { grade: Grade; rules: number }>(tieBreak: (a: T, b: T) => number): (a: T, b: T) => number {
  return (a, b) => gradeRank(a.grade) - gradeRank(b.grade) || b.rules - a.rules || tieBreak(a, b);
}
