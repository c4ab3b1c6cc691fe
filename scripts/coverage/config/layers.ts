/**
 * Navigator layers for configuration coverage: the current state (seen by grade / partial / not
 * seen, built on the coverage core's coverage layer) and what the top recommendations would add.
 *
 * Pure module: no I/O, no node: imports.
 */
import { GRADE_SCORE, GRADES, gradeSummary, linksByEvent, minGradeWords, withMinGrade } from '../grades.ts';
import {
  COLORS,
  COVERAGE_GRADIENT,
  coverageLayerTechniques,
  expandScoredParents,
  fewOf,
  GRADE_SCORES_TEXT,
  layer,
  type LayerTechnique,
  type NavigatorLayer,
  techniqueEntries,
} from '../layers.ts';
import { cmp, CoverageError, type Grade, type VersionData } from '../types.ts';
import type { ConfigCoverageReport } from './report.ts';

/** `preset windows-default-client; auditpol audit.csv` (a source already naming its input is not repeated). */
function inputsLine(r: ConfigCoverageReport): string {
  return r.inputs.map((i) => (i.source === i.input || i.source.startsWith(`${i.input} `) ? i.source : `${i.input} ${i.source}`)).join('; ');
}

/**
 * The current state: score = the best grade among the links of the events collected in full
 * (confirmed 3, named 2, related 1), 0.5 = partial (only through Sysmon event types filtered by
 * include rules; drawn in its own colour), 0 = mapped but not collected; no mapped event = disabled.
 */
export function buildConfigLayer(data: VersionData, report: ConfigCoverageReport, options: { name?: string } = {}): NavigatorLayer {
  const v = report.attackVersion;
  if (data.attackVersion !== v) throw new CoverageError(`the report is for ATT&CK ${v}, the data for ${data.attackVersion}`);
  const { techniques, legendItems } = coverageLayerTechniques(data, report);
  const t = report.totals;
  const at = report.minGrade === 'related' ? '' : ` Links of ${minGradeWords(report.minGrade)} only.`;
  return layer({
    name: options.name ?? `Windows event coverage from configuration (ATT&CK ${v})`,
    description:
      `Techniques mapped to the Windows events collected by: ${inputsLine(report)}.${at} ` +
      `Mapped, not detected: ${GRADE_SCORES_TEXT}; 0.5 = partial (only through Sysmon event types filtered by include rules); 0 = mapped, not collected; disabled = no mapped Windows event. ` +
      `${t.confirmed + t.named} of ${t.mapped} mapped techniques confirmed or named (${gradeSummary(t)}), ${t.partial} partial (${t.total} Windows techniques, sub-techniques counted separately).`,
    attackVersion: v,
    sorting: 0,
    techniques,
    gradient: COVERAGE_GRADIENT,
    legendItems,
    metadata: [
      { name: 'collected events', value: report.events.filter((e) => e.status === 'full').map((e) => e.key).join(', ') },
      { name: 'inputs', value: inputsLine(report) },
      { name: 'seen by grade / partial / mapped / all techniques', value: `${gradeSummary(t)} / ${t.partial} / ${t.mapped} / ${t.total}` },
      ...(report.minGrade === 'related' ? [] : [{ name: 'minimum grade', value: report.minGrade }]),
      { name: 'counting', value: report.convention },
    ],
  });
}

/**
 * What the first `top` recommendations of the report would add: every technique they make seen, or
 * seen at a stronger grade, scored by the grade it ends at (confirmed 3, named 2, related 1), with
 * the recommendation, the grade before and the events in the comment. Sorted by score, highest
 * first. Other techniques are left out (unscored).
 */
export function buildAdviceDiffLayer(data: VersionData, report: ConfigCoverageReport, options: { top?: number; name?: string } = {}): NavigatorLayer {
  const advice = report.advice.slice(0, options.top ?? report.advice.length);
  if (data.attackVersion !== report.attackVersion) throw new CoverageError(`the report is for ATT&CK ${report.attackVersion}, the data for ${data.attackVersion}`);
  const links = linksByEvent(withMinGrade(data, report.minGrade));
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  const before = new Map<string, string>([...report.seen.map((t) => [t.id, t.grade] as [string, string]), ...report.partial.map((t) => [t.id, 'partial'] as [string, string])]);
  const changed = new Map<string, { grade: Grade; rank: number; title: string; events: string[] }>();
  for (const a of advice) {
    for (const g of GRADES) {
      for (const id of a.gained[g]) {
        const events = a.events
          .filter((e) => e.techniques.includes(id))
          .map((e) => {
            // Every event listed for a technique gives it the grade it gains: only the rule count is new.
            const rules = links.get(e.key)?.get(id)?.rules ?? 0;
            return g === 'confirmed' && rules > 0 ? `${e.key} (${rules} rule${rules === 1 ? '' : 's'})` : e.key;
          });
        changed.set(id, { grade: g, rank: a.rank, title: a.title, events });
      }
    }
  }
  const entries: LayerTechnique[] = [...changed.entries()]
    .sort((a, b) => cmp(a[0], b[0]))
    .flatMap(([id, x]) => {
      const t = byId.get(id);
      if (!t) return [];
      return techniqueEntries(t, {
        score: GRADE_SCORE[x.grade],
        comment: `${before.get(id) ?? 'not seen'} → ${x.grade} with recommendation ${x.rank}: ${x.title} (${fewOf(x.events)}).`,
        enabled: true,
      });
    });
  const techniques = expandScoredParents(data, entries);
  const n = advice.length;
  const which = n === 1 ? 'the first recommendation' : `the top ${n} recommendations`;
  const scores = new Set(techniques.map((e) => e.score));
  const legend = [
    { score: 3, label: 'now confirmed (3): a detection rule uses a newly collected event', color: COLORS.coverage.confirmed },
    { score: 2, label: 'now named (2): an ATT&CK analytic names a newly collected event', color: COLORS.coverage.named },
    { score: 1, label: 'now related (1): only through a data component', color: COLORS.coverage.related },
  ].filter((l) => scores.has(l.score));
  return layer({
    name: options.name ?? `Coverage added by ${which} (ATT&CK ${report.attackVersion})`,
    description:
      `Techniques ${which} would map to a collected event, or map at a stronger grade, over the current configuration (${inputsLine(report)}). ` +
      `Score = the grade after them: 3 confirmed (a public detection rule uses the event for the technique), 2 named (an ATT&CK analytic names it), 1 related (only through a data component); highest first. Unscored: unchanged. Mapped, not detected. ` +
      `Recommendations: ${fewOf(advice.map((a) => `${a.rank}. ${a.title}`), 10)}.`,
    attackVersion: report.attackVersion,
    sorting: 3,
    techniques,
    gradient: { colors: [COLORS.coverage.related, COLORS.coverage.named, COLORS.coverage.confirmed], minValue: 1, maxValue: 3 },
    legendItems: [...legend.map(({ label, color }) => ({ label, color })), ...(changed.size < data.techniques.length ? [{ label: 'unchanged (unscored)', color: COLORS.unscored }] : [])],
    metadata: [
      ...advice.map((a) => ({ name: `recommendation ${a.rank}`, value: `${a.title}: ${gainWords(a.gained)}` })),
      {
        name: 'confirmed or named before / after',
        value: `${report.totals.confirmed + report.totals.named} / ${(advice.at(-1)?.after.confirmed ?? report.totals.confirmed) + (advice.at(-1)?.after.named ?? report.totals.named)} of ${report.totals.mapped} mapped`,
      },
      { name: 'seen before / after', value: `${report.totals.seen} / ${advice.at(-1)?.seenAfter ?? report.totals.seen} of ${report.totals.mapped} mapped` },
    ],
  });
}

/** `+3 confirmed, +1 named techniques`. */
function gainWords(g: Record<Grade, string[]>): string {
  const parts = GRADES.filter((x) => g[x].length > 0).map((x) => `+${g[x].length} ${x}`);
  const n = GRADES.reduce((s, x) => s + g[x].length, 0);
  return parts.length === 0 ? 'no technique' : `${parts.join(', ')} ${n === 1 ? 'technique' : 'techniques'}`;
}
