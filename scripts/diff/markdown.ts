/**
 * The review view of a change report (CLI, PR comment, nightly PR body): counts first, then the
 * lists; long lists are capped with "… and N more" (the JSON report keeps everything) and long
 * tables folded in <details>. `maxChars` fits the text into GitHub's 65,536-character bodies.
 * Also the machine view, `renderJson`. Pure: the same report and options give the same text.
 * The site's view of one version pair is scripts/pages/changes.ts; both are built from ./sections.ts.
 */
import { stringifyJson } from '../lib/json.ts';
import { pluralGrouped as plural } from '../lib/plural.ts';
import { code } from './md.ts';
import { filesLine, ruleTally, versionBody } from './sections.ts';
import type { ChangeReport, VersionDiff, VersionSummary } from './types.ts';
import { contextOf, fit, type Limits, REVIEW_LIMITS, type RenderOptions, sectionHeading as heading } from './view.ts';

/** GitHub refuses issue comments and pull-request bodies longer than 65,536 characters. */
export const GITHUB_BODY_LIMIT = 65_536;

function versionTitle(d: VersionDiff): string {
  return d.oldVersion === d.newVersion ? `ATT&CK ${d.newVersion}` : `ATT&CK ${d.oldVersion} → ${d.newVersion}`;
}

function summaryLine(v: VersionSummary): string {
  const rules = v.rules > 0 ? `, ${plural(v.rules, 'detection rule')}` : '';
  return `${v.version} (${plural(v.counts.techniques, 'technique')}, ${plural(v.counts.events, 'event')}, ${plural(v.counts.rows, 'row')}${rules})`;
}

/** `17.1 (rules +1 / −3, 4 links regraded)`: a changed version with its rule and grade counts, when any. */
function changedLine(d: VersionDiff): string {
  const parts = [d.rules.added.length + d.rules.removed.length > 0 && `rules ${ruleTally(d.rules.added.length, d.rules.removed.length)}`, d.grades.changed.length > 0 && `${plural(d.grades.changed.length, 'link')} regraded`].filter(Boolean);
  return parts.length > 0 ? `${d.newVersion} (${parts.join(', ')})` : d.newVersion;
}

function renderReport(report: ChangeReport, options: RenderOptions, limits: Limits): string {
  const ctx = contextOf({ ...options, limits }, { level: 2, limits, collapse: true });
  const title = options.title ?? 'Change report';
  const out: string[] = [];
  if (title) out.push(heading(ctx, 0, title.replace(/[\r\n]+/g, ' ')), '');
  out.push(`Comparing ${code(report.oldLabel)} (old) with ${code(report.newLabel)} (new).`);
  if (options.intro) out.push('', options.intro);
  if (!report.changed) {
    out.push('', 'No change.');
    return `${out.join('\n')}\n`;
  }
  if (report.kind === 'version') {
    const [d] = report.compared;
    if (d) out.push('', heading(ctx, 1, versionTitle(d)), ...versionBody({ ...ctx, level: ctx.level + 1 }, d));
    return `${out.join('\n')}\n`;
  }

  const changed = report.compared.filter((d) => !d.identical);
  const unchanged = report.compared.filter((d) => d.identical);
  const bullets: string[] = [];
  if (report.versionsAdded.length > 0) bullets.push(`- **Versions added:** ${report.versionsAdded.map(summaryLine).join('; ')}`);
  if (report.versionsRemoved.length > 0) bullets.push(`- **Versions removed:** ${report.versionsRemoved.map(summaryLine).join('; ')}`);
  if (changed.length > 0) bullets.push(`- **Versions changed:** ${changed.map(changedLine).join(', ')}`);
  if (unchanged.length > 0) bullets.push(`- Unchanged: ${unchanged.map((d) => d.newVersion).join(', ')}`);
  if (report.otherFiles.length > 0) bullets.push(`- Other files: ${filesLine(report.otherFiles)}`);
  out.push('', ...bullets);

  const deeper = { ...ctx, level: ctx.level + 1 };
  for (const d of report.releases) {
    out.push('', heading(ctx, 1, `ATT&CK ${d.newVersion}: new, compared with ${d.oldVersion}`), ...versionBody(deeper, d));
  }
  const addedWithoutBase = report.versionsAdded.filter((v) => !report.releases.some((d) => d.newVersion === v.version));
  for (const v of addedWithoutBase) {
    out.push('', heading(ctx, 1, `ATT&CK ${v.version}: new`), '', `${summaryLine(v)}; no older version to compare it with.`);
  }
  for (const d of changed) out.push('', heading(ctx, 1, `${versionTitle(d)}: changed`), ...versionBody(deeper, d));
  for (const v of report.versionsRemoved) out.push('', heading(ctx, 1, `ATT&CK ${v.version}: removed`), '', `${summaryLine(v)} is no longer in the new data.`);
  return `${out.join('\n')}\n`;
}

/** The review view of a change report: "No change." for identical inputs. */
export function renderMarkdown(report: ChangeReport, options: RenderOptions = {}): string {
  const limits = { ...REVIEW_LIMITS, ...options.limits };
  return fit((l) => renderReport(report, options, l), limits, options.maxChars);
}

/** The machine view: everything, nothing capped. */
export function renderJson(report: ChangeReport): string {
  return stringifyJson(report);
}
