/**
 * The sections of one version comparison (counts, techniques, events per technique and per event,
 * events, data components; for reviewers also rules, grades, upstream pins and files) and
 * `versionBody`, which puts them together. Shared by the review view (./markdown.ts) and the site's
 * "what changed" page (scripts/pages/changes.ts). Pure.
 */
import { pluralGrouped as plural } from '../lib/plural.ts';
import { capList, code, escapeMd, link, num as n, signed, table } from './md.ts';
import type { CountName, DataComponentRef, EventRef, FileChange, GradeChange, RuleRef, SourceChange, TechniqueRef, VersionDiff } from './types.ts';
import { cappedTable, type Ctx, eventLabel, listSection, moreNote, sectionHeading as heading, techLabel } from './view.ts';

const COUNT_LABELS: Array<[CountName, string]> = [
  ['techniques', 'Techniques'],
  ['techniquesWithEvents', 'Techniques with events'],
  ['events', 'Events'],
  ['rows', 'Mapping rows'],
  ['dataComponents', 'Data components'],
];

function countsTable(d: VersionDiff, counts: VersionDiff['counts']): string[] {
  const same = d.oldVersion === d.newVersion;
  // A named first column: an empty header cell is an accessibility error on the site's "what changed" pages.
  const header = ['Count', same ? 'Before' : d.oldVersion, same ? 'After' : d.newVersion, 'Change'];
  const rows = COUNT_LABELS.map(([key, label]) => [label, n(counts[key].old), n(counts[key].new), signed(counts[key].delta)]);
  return table(header, [':--', '--:', '--:', '--:'], rows);
}

function techniquesSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, renamed } = d.techniques;
  if (added.length + removed.length + renamed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} added`, removed.length > 0 && `${n(removed.length)} removed`, renamed.length > 0 && `${n(renamed.length)} renamed`].filter(Boolean);
  const list = (title: string, items: Array<TechniqueRef & { events: number }>, version: string): string[] =>
    listSection(ctx, title, items, 'technique', (rows) => table(['Technique', 'Name', 'Events'], [':--', ':--', '--:'], rows.map((t) => [techLabel(ctx, t, version, false), escapeMd(t.name), n(t.events)])));
  return [
    '',
    heading(ctx, 1, `Techniques: ${parts.join(', ')}`),
    ...list('Added', added, d.newVersion),
    ...list('Removed', removed, d.oldVersion),
    ...listSection(ctx, 'Renamed', renamed, 'technique', (rows) =>
      table(['Technique', 'Old name', 'New name'], [':--', ':--', ':--'], rows.map((r) => [link(r.id, ctx.techniqueHref(r.id, d.newVersion)), escapeMd(r.oldName), escapeMd(r.newName)])),
    ),
  ];
}

function changeCell(items: string[], sign: '+' | '−', max: number): string {
  if (items.length === 0) return '';
  return `${sign}${n(items.length)}: ${capList(items, max)}`;
}

/** Links gained and lost by the rows: `+12 / −3`. */
function linkTally(rows: ReadonlyArray<{ gained: unknown[]; lost: unknown[] }>): string {
  return `${signed(rows.reduce((s, r) => s + r.gained.length, 0))} / −${n(rows.reduce((s, r) => s + r.lost.length, 0))}`;
}

/**
 * "Events per technique" and "Techniques per event": the rows whose links changed, as a table of
 * what each gained and lost, capped to the `tableRows` rows with the most changes.
 */
function linkChangesSection<T extends { gained: unknown[]; lost: unknown[] }>(
  ctx: Ctx,
  rows: T[],
  o: { title: string; noun: string; links: string; header: string[]; row: (r: T) => string[]; more: (rest: T[]) => string },
): string[] {
  if (rows.length === 0) return [];
  const max = ctx.limits.tableRows;
  const summary = rows.length > max ? `${plural(rows.length, o.noun)}; showing the ${n(max)} with the most changes` : `${plural(rows.length, o.noun)}`;
  return [
    '',
    heading(ctx, 1, `${o.title}: ${plural(rows.length, o.noun)} changed (${linkTally(rows)} ${o.links})`),
    '',
    ...cappedTable(ctx, rows, max, summary, (shown) => table(o.header, o.header.map(() => ':--'), shown.map(o.row)), (r) => r.gained.length + r.lost.length, o.more),
  ];
}

function techniqueEventsSection(ctx: Ctx, d: VersionDiff): string[] {
  return linkChangesSection(ctx, d.techniqueEvents, {
    title: 'Events per technique',
    noun: 'technique',
    links: 'event links',
    header: ['Technique', 'Events gained', 'Events lost'],
    row: (r) => [
      techLabel(ctx, r, d.newVersion),
      changeCell(r.gained.map((e) => eventLabel(ctx, e, d.newVersion)), '+', ctx.limits.cellItems),
      changeCell(r.lost.map((e) => eventLabel(ctx, e, d.oldVersion)), '−', ctx.limits.cellItems),
    ],
    more: (rest) => moreNote(`${plural(rest.length, 'more technique')} (${linkTally(rest)} event links)`),
  });
}

function eventTechniquesSection(ctx: Ctx, d: VersionDiff): string[] {
  return linkChangesSection(ctx, d.eventTechniques, {
    title: 'Techniques per event',
    noun: 'event',
    links: 'technique links',
    header: ['Event', 'Name', 'Techniques gained', 'Techniques lost'],
    row: (r) => [
      eventLabel(ctx, r, d.newVersion),
      escapeMd(r.name),
      changeCell(r.gained.map((t) => techLabel(ctx, t, d.newVersion, false)), '+', ctx.limits.cellItems),
      changeCell(r.lost.map((t) => techLabel(ctx, t, d.oldVersion, false)), '−', ctx.limits.cellItems),
    ],
    more: (rest) => moreNote(plural(rest.length, 'more event')),
  });
}

function eventsSection(ctx: Ctx, d: VersionDiff): string[] {
  const { added, removed, renamed } = d.events;
  if (added.length + removed.length + renamed.length === 0) return [];
  const parts = [added.length > 0 && `${n(added.length)} new`, removed.length > 0 && `${n(removed.length)} no longer mapped`, renamed.length > 0 && `${n(renamed.length)} renamed`].filter(Boolean);
  const list = (title: string, items: Array<EventRef & { techniques: number }>, version: string): string[] =>
    listSection(ctx, title, items, 'event', (rows) => table(['Event', 'Name', 'Techniques'], [':--', ':--', '--:'], rows.map((e) => [eventLabel(ctx, e, version), escapeMd(e.name), n(e.techniques)])));
  return [
    '',
    heading(ctx, 1, `Events: ${parts.join(', ')}`),
    ...list('New', added, d.newVersion),
    ...list('No longer mapped', removed, d.oldVersion),
    ...listSection(ctx, 'Renamed', renamed, 'event', (rows) =>
      table(['Event', 'Old name', 'New name'], [':--', ':--', ':--'], rows.map((r) => [escapeMd(ctx.eventText(r.key)), escapeMd(r.oldName), escapeMd(r.newName)])),
    ),
  ];
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
export function ruleTally(added: number, removed: number): string {
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
  const list = (title: string, items: RuleRef[], version: string): string[] =>
    listSection(ctx, title, items, 'rule', (rows) =>
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
    );
  out.push(...list('Added', added, d.newVersion), ...list('Removed', removed, d.oldVersion));
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

export function filesLine(files: FileChange[]): string {
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
export function versionBody(ctx: Ctx, d: VersionDiff, technical = true): string[] {
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

