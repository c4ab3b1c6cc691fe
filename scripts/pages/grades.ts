/**
 * Grades and their evidence as the pages say them: one-line meanings, the rule sources to credit,
 * the links of a rule and of an ATT&CK analytic, and the about page's anchors that explain them.
 */
import type { TechniqueAnalytic } from '../artifacts/build.ts';
import type { RuleArtifact } from '../diff/types.ts';
import { GRADE_MEANING } from '../mapping/grade.ts';
import type { Evidence, Grade } from '../mapping/types.ts';
import type { AboutLinks, AnalyticLinkView, AnalyticView, GradeCounts, RuleLinkView, TextPart } from './types.ts';
import { attackHref, safeHref, slug } from './urls.ts';

/** What follows the grade's name in a heading ("confirmed by public detection rules"), best first. */
export const GRADE_TITLES: Readonly<Record<Grade, string>> = {
  confirmed: 'by public detection rules',
  named: 'by an ATT&CK analytic',
  related: 'only through a data component',
};

/** One line under a grade's heading: GRADE_MEANING (shared with the README and the schemas), as a sentence. */
export function gradeMeaning(g: Grade): string {
  const m = GRADE_MEANING[g];
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}.`;
}

/** The detection-rule sources, as credited on the pages (both Apache-2.0). */
export const RULE_SOURCES: Readonly<Record<string, { label: string; home: string }>> = {
  'splunk-escu': { label: 'Splunk Security Content', home: 'https://github.com/splunk/security_content' },
  'mitre-car': { label: 'MITRE CAR', home: 'https://car.mitre.org/' },
};

/** Evidence kinds in a few words, for lists that give one line per link. */
export const EVIDENCE_SHORT: Readonly<Record<Evidence, string>> = {
  'splunk-escu': 'Splunk rule',
  'mitre-car': 'CAR analytic',
  'attack-analytic': 'ATT&CK analytic',
  'attack-component': 'ATT&CK component',
  'ossem-dm': 'OSSEM-DM',
  'ossem-legacy': 'OSSEM legacy table',
};

export const RULE_KINDS: ReadonlySet<Evidence> = new Set(['splunk-escu', 'mitre-car']);

export function aboutLinks(root: string): AboutLinks {
  return { grades: `${root}about/#grades`, evidence: `${root}about/#evidence` };
}

export function countGrades(items: ReadonlyArray<{ grade: Grade }>): GradeCounts {
  const c: GradeCounts = { confirmed: 0, named: 0, related: 0 };
  for (const x of items) c[x.grade]++;
  return c;
}

/** A rule as a link: its page on research.splunk.com or car.mitre.org (from rules.json); no link when rules.json lacks it. */
export function ruleLink(rules: ReadonlyMap<string, RuleArtifact>, kind: Evidence, id: string, name: string): RuleLinkView {
  const r = rules.get(ruleKey(kind, id));
  const url = r ? safeHref(r.url) : '';
  return { source: RULE_SOURCES[kind]?.label ?? kind, id, name: name || r?.name || '', url: /^https:\/\/(?:research\.splunk\.com|car\.mitre\.org)\//.test(url) ? url : '' };
}

export const ruleKey = (source: string, id: string): string => `${source}\u0000${id}`;

/** The in-page anchor of an analytic's description on a technique page. */
export const analyticAnchor = (ref: string): string => `analytic-${slug(ref) || 'x'}`;

/**
 * Text with Markdown code spans (`` `termsrv.dll` ``), as ATT&CK writes its analytics, cut into
 * parts the template shows as text or as <code>. Nothing else of Markdown is read: the rest stays
 * literal text (the template escapes it).
 */
export function textParts(text: string): TextPart[] {
  const out: TextPart[] = [];
  const re = /`([^`\n]+)`/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index), code: false });
    out.push({ text: m[1] ?? '', code: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), code: false });
  return out;
}

/** An analytic on a row: its attack.mitre.org page and, when the technique carries its texts (ATT&CK 18+ artifacts), the anchor of its description on the page. */
export function analyticLink(a: TechniqueAnalytic | undefined, ref: string, channel: string, version: string, latest: string): AnalyticLinkView {
  return { ref, url: a ? attackHref(a.url, version, latest) : '', anchor: a ? analyticAnchor(ref) : '', channel };
}

export function analyticView(a: TechniqueAnalytic, version: string, latest: string, events: AnalyticView['events']): AnalyticView {
  return {
    ref: a.ref,
    anchor: analyticAnchor(a.ref),
    url: attackHref(a.url, version, latest),
    description: textParts(a.description),
    tune: a.mutableElements.map((m) => ({ field: m.field, description: textParts(m.description) })),
    events,
  };
}
