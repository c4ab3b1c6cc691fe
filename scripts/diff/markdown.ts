/**
 * Markdown views of a change report. Pure: the same report and options give the same text.
 *
 * - `renderMarkdown(report)`: the review view (CLI, PR comment, nightly PR body). Counts first, then
 *   the lists; long lists are capped with "… and N more" (the JSON report keeps everything) and long
 *   tables folded in <details>. `maxChars` fits the text into GitHub's 65,536-character bodies.
 * - `renderVersionChanges(old, new, report)`: the site's "what changed" page between two versions.
 */
import type { ChangeReport, CountName, DataComponentRef, EventRef, FileChange, GradeChange, RuleRef, SourceChange, TechniqueRef, VersionDiff, VersionSummary } from './types.ts';

export interface Limits {
  /** Rows of the added/removed/renamed tables. */
  listItems: number;
  /** Rows of the per-technique and per-event tables. */
  tableRows: number;
  /** Items inside one table cell (events gained by a technique, …). */
  cellItems: number;
}

export const REVIEW_LIMITS: Readonly<Limits> = Object.freeze({ listItems: 50, tableRows: 40, cellItems: 8 });
export const UNLIMITED: Readonly<Limits> = Object.freeze({ listItems: Infinity, tableRows: Infinity, cellItems: Infinity });
/** GitHub refuses issue comments and pull-request bodies longer than 65,536 characters. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface RenderOptions {
  /** Top heading text (default "Change report"); empty for none. */
  title?: string;
  /** Level of the top heading; sections are one level deeper (default 2). */
  headingLevel?: number;
  /** A paragraph placed under the title (e.g. the nightly's source summary). */
  intro?: string;
  limits?: Partial<Limits>;
  /** Fold tables of more than 10 rows in <details> (default true). */
  collapse?: boolean;
  /** Re-render with smaller limits until the text fits (then cut, as a last resort). */
  maxChars?: number;
  /** Link for a technique ID, e.g. to the site's page for it in `version`. */
  techniqueHref?: (id: string, version: string) => string | undefined;
  /** Link for an event key (`Security:4688`) in `version`. */
  eventHref?: (key: string, version: string) => string | undefined;
  /** How an event key is written (default: the key, `Sysmon:22`; the site writes `Sysmon 22`). */
  eventText?: (key: string) => string;
}

interface Ctx {
  level: number;
  limits: Limits;
  collapse: boolean;
  techniqueHref: (id: string, version: string) => string | undefined;
  eventHref: (key: string, version: string) => string | undefined;
  eventText: (key: string) => string;
}

const COUNT_LABELS: Array<[CountName, string]> = [
  ['techniques', 'Techniques'],
  ['techniquesWithEvents', 'Techniques with events'],
  ['events', 'Events'],
  ['rows', 'Mapping rows'],
  ['dataComponents', 'Data components'],
];

const n = (x: number): string => x.toLocaleString('en-US');
const signed = (x: number): string => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : '0');
const plural = (count: number, one: string, many = `${one}s`): string => `${n(count)} ${count === 1 ? one : many}`;

/** Text safe inside a table cell or a line: no HTML, no pipes, no line breaks. */
export function escapeMd(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|]/g, (m) => `\\${m}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function heading(ctx: Ctx, depth: number, text: string): string {
  return `${'#'.repeat(Math.min(6, ctx.level + depth))} ${text}`;
}

function link(text: string, href: string | undefined): string {
  return href ? `[${text}](${href})` : text;
}

function techLabel(ctx: Ctx, t: TechniqueRef, version: string, withName = true): string {
  const id = link(t.id, ctx.techniqueHref(t.id, version));
  return withName && t.name ? `${id} ${escapeMd(t.name)}` : id;
}

function eventLabel(ctx: Ctx, e: EventRef, version: string): string {
  return link(escapeMd(ctx.eventText(e.key)), ctx.eventHref(e.key, version));
}

/** "a, b, c, … and 4 more" within `max` items. */
function capList(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, … and ${n(items.length - max)} more`;
}

function table(header: string[], align: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** A table, capped to `max` rows (chosen by `weight` when capped, shown in their original order), optionally folded. */
function cappedTable<T>(ctx: Ctx, items: T[], max: number, summary: string, render: (rows: T[]) => string[], weight: ((item: T) => number) | null, more: (rest: T[]) => string): string[] {
  let shown = items;
  if (items.length > max) {
    const picked = weight === null ? items.slice(0, max) : [...items].map((x, i) => ({ x, i, w: weight(x) })).sort((a, b) => b.w - a.w || a.i - b.i).slice(0, max).sort((a, b) => a.i - b.i).map((p) => p.x);
    shown = picked;
  }
  const rest = items.filter((x) => !shown.includes(x));
  const body = shown.length > 0 ? render(shown) : [];
  const tail = rest.length > 0 ? ['', more(rest)] : [];
  if (ctx.collapse && items.length > 10) {
    return [`<details><summary>${escapeMd(summary)}</summary>`, '', ...body, ...tail, '', '</details>'];
  }
  return [...body, ...tail];
}

function countsTable(d: VersionDiff, counts: VersionDiff['counts']): string[] {
  const same = d.oldVersion === d.newVersion;
  const header = ['', same ? 'Before' : d.oldVersion, same ? 'After' : d.newVersion, 'Change'];
  const rows = COUNT_LABELS.map(([key, label]) => [label, n(counts[key].old), n(counts[key].new), signed(counts[key].delta)]);
  return table(header, [':--', '--:', '--:', '--:'], rows);
}

function moreNote(what: string): string {
  return `… and ${what}; the JSON report (\`npm run diff -- OLD NEW --json\`) lists them all.`;
}

function techniquesSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, renamed } = d.techniques;
  if (added.length + removed.length + renamed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} added`, removed.length > 0 && `${n(removed.length)} removed`, renamed.length > 0 && `${n(renamed.length)} renamed`].filter(Boolean);
  const out = ['', heading(ctx, 1, `Techniques: ${parts.join(', ')}`)];
  const max = ctx.limits.listItems;
  const list = (title: string, items: Array<TechniqueRef & { events: number }>, version: string): void => {
    if (items.length === 0) return;
    out.push('', `**${title} (${n(items.length)})**`, '');
    out.push(
      ...cappedTable(
        ctx,
        items,
        max,
        `${title}: ${plural(items.length, 'technique')}`,
        (rows) => table(['Technique', 'Name', 'Events'], [':--', ':--', '--:'], rows.map((t) => [techLabel(ctx, t, version, false), escapeMd(t.name), n(t.events)])),
        null,
        (rest) => moreNote(plural(rest.length, 'more technique')),
      ),
    );
  };
  list('Added', added, d.newVersion);
  list('Removed', removed, d.oldVersion);
  if (renamed.length > 0) {
    out.push('', `**Renamed (${n(renamed.length)})**`, '');
    out.push(
      ...cappedTable(
        ctx,
        renamed,
        max,
        `Renamed: ${plural(renamed.length, 'technique')}`,
        (rows) => table(['Technique', 'Old name', 'New name'], [':--', ':--', ':--'], rows.map((r) => [link(r.id, ctx.techniqueHref(r.id, d.newVersion)), escapeMd(r.oldName), escapeMd(r.newName)])),
        null,
        (rest) => moreNote(plural(rest.length, 'more technique')),
      ),
    );
  }
  return out;
}

function changeCell(items: string[], sign: '+' | '−', max: number): string {
  if (items.length === 0) return '';
  return `${sign}${n(items.length)}: ${capList(items, max)}`;
}

function techniqueEventsSection(ctx: Ctx, d: VersionDiff): string[] {
  const rows = d.techniqueEvents;
  if (rows.length === 0) return [];
  const gained = rows.reduce((s, r) => s + r.gained.length, 0);
  const lost = rows.reduce((s, r) => s + r.lost.length, 0);
  const title = `Events per technique: ${plural(rows.length, 'technique')} changed (${signed(gained)} / −${n(lost)} event links)`;
  const max = ctx.limits.tableRows;
  const summary = rows.length > max ? `${plural(rows.length, 'technique')}; showing the ${n(max)} with the most changes` : `${plural(rows.length, 'technique')}`;
  return [
    '',
    heading(ctx, 1, title),
    '',
    ...cappedTable(
      ctx,
      rows,
      max,
      summary,
      (shown) =>
        table(
          ['Technique', 'Events gained', 'Events lost'],
          [':--', ':--', ':--'],
          shown.map((r) => [
            techLabel(ctx, r, d.newVersion),
            changeCell(r.gained.map((e) => eventLabel(ctx, e, d.newVersion)), '+', ctx.limits.cellItems),
            changeCell(r.lost.map((e) => eventLabel(ctx, e, d.oldVersion)), '−', ctx.limits.cellItems),
          ]),
        ),
      (r) => r.gained.length + r.lost.length,
      (rest) => moreNote(`${plural(rest.length, 'more technique')} (${signed(rest.reduce((s, r) => s + r.gained.length, 0))} / −${n(rest.reduce((s, r) => s + r.lost.length, 0))} event links)`),
    ),
  ];
}

function eventTechniquesSection(ctx: Ctx, d: VersionDiff): string[] {
  const rows = d.eventTechniques;
  if (rows.length === 0) return [];
  const gained = rows.reduce((s, r) => s + r.gained.length, 0);
  const lost = rows.reduce((s, r) => s + r.lost.length, 0);
  const title = `Techniques per event: ${plural(rows.length, 'event')} changed (${signed(gained)} / −${n(lost)} technique links)`;
  const max = ctx.limits.tableRows;
  const summary = rows.length > max ? `${plural(rows.length, 'event')}; showing the ${n(max)} with the most changes` : `${plural(rows.length, 'event')}`;
  return [
    '',
    heading(ctx, 1, title),
    '',
    ...cappedTable(
      ctx,
      rows,
      max,
      summary,
      (shown) =>
        table(
          ['Event', 'Name', 'Techniques gained', 'Techniques lost'],
          [':--', ':--', ':--', ':--'],
          shown.map((r) => [
            eventLabel(ctx, r, d.newVersion),
            escapeMd(r.name),
            changeCell(r.gained.map((t) => techLabel(ctx, t, d.newVersion, false)), '+', ctx.limits.cellItems),
            changeCell(r.lost.map((t) => techLabel(ctx, t, d.oldVersion, false)), '−', ctx.limits.cellItems),
          ]),
        ),
      (r) => r.gained.length + r.lost.length,
      (rest) => moreNote(plural(rest.length, 'more event')),
    ),
  ];
}

function eventsSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, renamed } = d.events;
  if (added.length + removed.length + renamed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} new`, removed.length > 0 && `${n(removed.length)} no longer mapped`, renamed.length > 0 && `${n(renamed.length)} renamed`].filter(Boolean);
  const out = ['', heading(ctx, 1, `Events: ${parts.join(', ')}`)];
  const max = ctx.limits.listItems;
  const list = (title: string, items: Array<EventRef & { techniques: number }>, version: string): void => {
    if (items.length === 0) return;
    out.push('', `**${title} (${n(items.length)})**`, '');
    out.push(
      ...cappedTable(
        ctx,
        items,
        max,
        `${title}: ${plural(items.length, 'event')}`,
        (rows) => table(['Event', 'Name', 'Techniques'], [':--', ':--', '--:'], rows.map((e) => [eventLabel(ctx, e, version), escapeMd(e.name), n(e.techniques)])),
        null,
        (rest) => moreNote(plural(rest.length, 'more event')),
      ),
    );
  };
  list('New', added, d.newVersion);
  list('No longer mapped', removed, d.oldVersion);
  if (renamed.length > 0) {
    out.push('', `**Renamed (${n(renamed.length)})**`, '');
    out.push(
      ...cappedTable(
        ctx,
        renamed,
        max,
        `Renamed: ${plural(renamed.length, 'event')}`,
        (rows) => table(['Event', 'Old name', 'New name'], [':--', ':--', ':--'], rows.map((r) => [escapeMd(ctx.eventText(r.key)), escapeMd(r.oldName), escapeMd(r.newName)])),
        null,
        (rest) => moreNote(plural(rest.length, 'more event')),
      ),
    );
  }
  return out;
}

function dcLabel(c: DataComponentRef): string {
  const where = [c.id, c.dataSource && `data source ${escapeMd(c.dataSource)}`].filter(Boolean).join(', ');
  return where ? `${escapeMd(c.name)} (${where})` : escapeMd(c.name);
}

function dataComponentsSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, changed } = d.dataComponents;
  if (added.length + removed.length + changed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} new`, removed.length > 0 && `${n(removed.length)} dropped`, changed.length > 0 && `${n(changed.length)} with a new ID or data source`].filter(Boolean);
  const out = ['', heading(ctx, 1, `Data components: ${parts.join(', ')}`)];
  const max = ctx.limits.listItems;
  if (added.length > 0) out.push('', `**New (${n(added.length)}):** ${capList(added.map(dcLabel), max)}`);
  if (removed.length > 0) out.push('', `**Dropped (${n(removed.length)}):** ${capList(removed.map(dcLabel), max)}`);
  if (changed.length > 0) {
    const show = (c: DataComponentRef): string => [c.id || 'no ID', c.dataSource ? `data source ${escapeMd(c.dataSource)}` : 'no data source'].join(', ');
    const gotId = changed.filter((c) => !c.old.id && c.new.id).length;
    const lostSource = changed.filter((c) => c.old.dataSource && !c.new.dataSource).length;
    const pattern = [gotId > 0 && `${n(gotId)} gained an ID`, lostSource > 0 && `${n(lostSource)} lost their data source`].filter(Boolean).join(', ');
    out.push('', `**New ID or data source (${n(changed.length)})**${pattern ? `: ${pattern}.` : ''}`, '');
    out.push(
      ...cappedTable(
        ctx,
        changed,
        max,
        `${plural(changed.length, 'data component')}`,
        (rows) => table(['Data component', 'Before', 'After'], [':--', ':--', ':--'], rows.map((c) => [escapeMd(c.name), show(c.old), show(c.new)])),
        null,
        (rest) => moreNote(plural(rest.length, 'more data component')),
      ),
    );
  }
  return out;
}

/** How the report names a rule source; unknown sources are shown as they are spelled. */
const RULE_SOURCE_TITLES: Readonly<Record<string, string>> = { 'splunk-escu': 'Splunk Security Content', 'mitre-car': 'MITRE CAR' };
const ruleSourceTitle = (source: string): string => escapeMd(RULE_SOURCE_TITLES[source] ?? source);

/** Only plain https URLs become links (rules.json is built from upstream text). */
const SAFE_URL = /^https:\/\/[^\s()<>\[\]`"']+$/;

function ruleLabel(r: RuleRef): string {
  return link(escapeMd(r.id), SAFE_URL.test(r.url) ? r.url : undefined);
}

/** "+1 / −3" for the rules of one source or of a version. */
function ruleTally(added: number, removed: number): string {
  return `+${n(added)} / −${n(removed)}`;
}

function rulesSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, bySource } = d.rules;
  if (added.length + removed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} added`, removed.length > 0 && `${n(removed.length)} removed`].filter(Boolean);
  const out = ['', heading(ctx, 1, `Detection rules: ${parts.join(', ')}`), ''];
  out.push(
    ...table(
      ['Source', 'Before', 'After', 'Added', 'Removed'],
      [':--', '--:', '--:', '--:', '--:'],
      bySource.map((s) => [ruleSourceTitle(s.source), n(s.old), n(s.new), s.added > 0 ? `+${n(s.added)}` : '0', s.removed > 0 ? `−${n(s.removed)}` : '0']),
    ),
  );
  const max = ctx.limits.listItems;
  const list = (title: string, items: RuleRef[], version: string): void => {
    if (items.length === 0) return;
    out.push('', `**${title} (${n(items.length)})**`, '');
    out.push(
      ...cappedTable(
        ctx,
        items,
        max,
        `${title}: ${plural(items.length, 'rule')}`,
        (rows) =>
          table(
            ['Source', 'Rule', 'Name', 'Techniques', 'Events'],
            [':--', ':--', ':--', ':--', ':--'],
            rows.map((r) => [
              ruleSourceTitle(r.source),
              ruleLabel(r),
              escapeMd(r.name),
              capList(r.techniques.map((id) => techLabel(ctx, { id, name: '' }, version, false)), ctx.limits.cellItems),
              capList(r.events.map((key) => eventLabel(ctx, { key, name: '' }, version)), ctx.limits.cellItems),
            ]),
          ),
        null,
        (rest) => moreNote(plural(rest.length, 'more rule')),
      ),
    );
  };
  list('Added', added, d.newVersion);
  list('Removed', removed, d.oldVersion);
  return out;
}

function directionText(x: { old: string; new: string; count: number }): string {
  return `${n(x.count)} ${x.old} → ${x.new}`;
}

function gradesSection(ctx: Ctx, d: VersionDiff): string[] {
  const { directions, changed } = d.grades;
  if (changed.length === 0) return [];
  const out = ['', heading(ctx, 1, `Link grades: ${plural(changed.length, 'link')} regraded (${directions.map(directionText).join(', ')})`), ''];
  const max = ctx.limits.listItems;
  const summary = changed.length > max ? `${plural(changed.length, 'link')}; showing the first ${n(max)}` : plural(changed.length, 'link');
  out.push(
    ...cappedTable(
      ctx,
      changed,
      max,
      summary,
      (rows: GradeChange[]) =>
        table(
          ['Technique', 'Event', 'Before', 'After', 'Rules'],
          [':--', ':--', ':--', ':--', '--:'],
          rows.map((c) => [techLabel(ctx, c.technique, d.newVersion), eventLabel(ctx, c.event, d.newVersion), escapeMd(c.old), escapeMd(c.new), c.oldRules === c.newRules ? n(c.newRules) : `${n(c.oldRules)} → ${n(c.newRules)}`]),
        ),
      null,
      (rest) => moreNote(plural(rest.length, 'more link')),
    ),
  );
  return out;
}

function shortDigest(x: { sha256: string; size: number } | null): string {
  return x === null ? '—' : `${code(x.sha256.slice(0, 12))} (${n(x.size)} B)`;
}

function sourcesSection(ctx: Ctx, sources: SourceChange[]): string[] {
  if (sources.length === 0) return [];
  return [
    '',
    heading(ctx, 1, `Upstream sources: ${plural(sources.length, 'pin')} changed`),
    '',
    ...table(
      ['Role', 'URL', 'Before', 'After'],
      [':--', ':--', ':--', ':--'],
      sources.map((s) => [escapeMd(s.role), escapeMd(s.url), shortDigest(s.old), shortDigest(s.new)]),
    ),
  ];
}

function filesLine(files: FileChange[]): string {
  return files.map((f) => `${code(f.name)} ${f.change}`).join(', ');
}

function hasMappingChanges(d: VersionDiff): boolean {
  return (
    d.techniques.added.length + d.techniques.removed.length + d.techniques.renamed.length + d.techniqueEvents.length + d.eventTechniques.length +
      d.events.added.length + d.events.removed.length + d.events.renamed.length + d.dataComponents.added.length + d.dataComponents.removed.length + d.dataComponents.changed.length >
    0
  );
}

/**
 * The body of one version comparison (counts, then the lists), without a heading. `technical` adds
 * the upstream pins and the list of changed files (for reviewers, not for the site).
 */
function versionBody(ctx: Ctx, d: VersionDiff, technical = true): string[] {
  if (d.identical) return ['', 'No change.'];
  const out = ['', ...countsTable(d, d.counts)];
  out.push(...techniquesSection(ctx, d));
  out.push(...techniqueEventsSection(ctx, d));
  out.push(...eventTechniquesSection(ctx, d));
  out.push(...eventsSection(ctx, d));
  out.push(...dataComponentsSection(ctx, d));
  if (technical) out.push(...rulesSection(ctx, d), ...gradesSection(ctx, d), ...sourcesSection(ctx, d.sources));
  if (!hasMappingChanges(d)) out.push('', 'No technique, event or data component changed.');
  if (technical && d.files.length > 0) out.push('', `Files: ${filesLine(d.files)}.`);
  return out;
}

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

function contextOf(options: RenderOptions, defaults: { level: number; limits: Limits; collapse: boolean }): Ctx {
  return {
    level: options.headingLevel ?? defaults.level,
    limits: { ...defaults.limits, ...options.limits },
    collapse: options.collapse ?? defaults.collapse,
    techniqueHref: options.techniqueHref ?? (() => undefined),
    eventHref: options.eventHref ?? (() => undefined),
    eventText: options.eventText ?? ((key) => key),
  };
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

/** Successively smaller limits tried by `maxChars`. */
const SHRINK: Limits[] = [
  { listItems: 25, tableRows: 20, cellItems: 6 },
  { listItems: 10, tableRows: 10, cellItems: 4 },
  { listItems: 5, tableRows: 5, cellItems: 3 },
  { listItems: 0, tableRows: 0, cellItems: 0 },
];

function fit(render: (limits: Limits) => string, first: Limits, maxChars: number | undefined): string {
  let text = render(first);
  if (maxChars === undefined || text.length <= maxChars) return text;
  for (const limits of SHRINK) {
    const smaller = { listItems: Math.min(first.listItems, limits.listItems), tableRows: Math.min(first.tableRows, limits.tableRows), cellItems: Math.min(first.cellItems, limits.cellItems) };
    text = render(smaller);
    if (text.length <= maxChars) return text;
  }
  const note = '\n\n… (cut to fit; the JSON report has everything)\n';
  const cut = text.slice(0, Math.max(0, maxChars - note.length));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${note}`;
}

/** The review view of a change report: "No change." for identical inputs. */
export function renderMarkdown(report: ChangeReport, options: RenderOptions = {}): string {
  const limits = { ...REVIEW_LIMITS, ...options.limits };
  return fit((l) => renderReport(report, options, l), limits, options.maxChars);
}

/** The machine view: everything, nothing capped. */
export function renderJson(report: ChangeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The site's "what changed" page from ATT&CK `oldVersion` to `newVersion`. `report` is the diff of
 * the two version folders (`diffVersions`, an element of `consecutiveVersionDiffs`) or a
 * `ChangeReport` holding that pair. Nothing is capped by default: a page has room for every row.
 * The text starts with an HTML comment saying it is generated; add front matter before it if needed.
 */
export function renderVersionChanges(oldVersion: string, newVersion: string, report: VersionDiff | ChangeReport, options: RenderOptions = {}): string {
  const candidates = 'compared' in report ? [...report.compared, ...report.releases] : [report];
  const d = candidates.find((x) => x.oldVersion === oldVersion && x.newVersion === newVersion);
  if (!d) throw new Error(`renderVersionChanges: the report does not compare ATT&CK ${oldVersion} with ${newVersion}`);
  const limits = { ...UNLIMITED, ...options.limits };
  const render = (l: Limits): string => {
    const ctx = contextOf({ ...options, limits: l }, { level: 1, limits: l, collapse: false });
    const title = options.title ?? `What changed from ATT&CK ${oldVersion} to ${newVersion}`;
    const out = [`<!-- Generated by scripts/diff (renderVersionChanges) from the ${oldVersion} and ${newVersion} artifacts; do not edit. -->`, ''];
    if (title) out.push(heading(ctx, 0, title.replace(/[\r\n]+/g, ' ')), '');
    out.push(
      d.identical
        ? `The Windows event mapping of ATT&CK ${newVersion} is identical to that of ${oldVersion}.`
        : `How the Windows event mapping of ATT&CK ${newVersion} differs from that of ${oldVersion}: ${plural(d.techniques.added.length, 'technique')} added, ${n(d.techniques.removed.length)} removed, ${n(d.techniques.renamed.length)} renamed; ${plural(d.techniqueEvents.length, 'technique')} with other events; ${plural(d.events.added.length, 'new event')}, ${plural(d.events.removed.length, 'event')} no longer mapped.`,
    );
    if (options.intro) out.push('', options.intro);
    if (!d.identical) out.push(...versionBody(ctx, d, false));
    return `${out.join('\n')}\n`;
  };
  return fit(render, limits, options.maxChars);
}
