/**
 * A version's "what changed" page: the change report (scripts/diff) between the previous ATT&CK
 * version and this one, as `renderVersionChanges` (below, from the report's sections) writes it, with links to the site's technique and
 * event pages, a summary that says "No change." for each kind of change that did not happen, and a
 * caption for each table.
 *
 * Escaping: `renderVersionChanges` escapes the names it prints for Markdown (`escapeMd`), but not
 * technique and data-component IDs; `safeDiff` turns any character of an ID outside `[A-Za-z0-9._-]`
 * into an HTML character reference first (real IDs such as T1003.001 and DC0032 are left as they
 * are). The summary is built here with `html`.
 *
 * The link grades and the detection rules (the report's `grades` and `rules`, which the review view
 * of `npm run diff` shows for reviewers) are written here for readers: links that became confirmed,
 * named, or weaker, and rules added and removed, each with its source. Events are spelled as
 * everywhere on the site, `Sysmon 22`.
 */
import { escapeMd, heading, link, num as n, table } from '../diff/md.ts';
import { versionBody } from '../diff/sections.ts';
import type { ChangeReport, DataComponentRef, GradeChange, RuleRef, TechniqueRef as DiffTechniqueRef, VersionDiff } from '../diff/types.ts';
import { contextOf, fit, type Limits, type RenderOptions, UNLIMITED } from '../diff/view.ts';
import { gradeRank } from '../mapping/grade.ts';
import { plural, pluralGrouped } from '../lib/plural.ts';
import { homeCrumbs, pageMeta, type VersionContext } from './context.ts';
import { html } from './escape.ts';
import { RULE_SOURCES } from './grades.ts';
import type { ChangesView, Page, Scope } from './types.ts';
import { paths, preferredBase } from './urls.ts';

const SAFE_ID = /^[A-Za-z0-9._-]*$/;

/** An ID as Markdown text that cannot be markup: unchanged when it is a plain ID. */
export function safeId(id: string): string {
  return SAFE_ID.test(id) ? id : id.replace(/[^A-Za-z0-9._-]/g, (c) => `&#${c.codePointAt(0)};`);
}

/** The diff with every technique and data-component ID passed through `safeId`. */
export function safeDiff(d: VersionDiff): VersionDiff {
  const t = <T extends DiffTechniqueRef>(x: T): T => ({ ...x, id: safeId(x.id) });
  const dc = (c: DataComponentRef): DataComponentRef => ({ ...c, id: safeId(c.id) });
  return {
    ...d,
    techniques: {
      added: d.techniques.added.map(t),
      removed: d.techniques.removed.map(t),
      renamed: d.techniques.renamed.map((r) => ({ ...r, id: safeId(r.id) })),
    },
    techniqueEvents: d.techniqueEvents.map(t),
    eventTechniques: d.eventTechniques.map((e) => ({ ...e, gained: e.gained.map(t), lost: e.lost.map(t) })),
    dataComponents: {
      added: d.dataComponents.added.map(dc),
      removed: d.dataComponents.removed.map(dc),
      changed: d.dataComponents.changed.map((c) => ({ ...c, old: dc(c.old), new: dc(c.new) })),
    },
  };
}

const NO_CHANGE = 'No change.';

/** An event key as the site writes it: `Sysmon:22` → `Sysmon 22`. */
export const eventText = (key: string): string => key.replace(/:(\d+)$/, ' $1');

/** "454 related → named, 13 named → related". */
function directionsText(d: VersionDiff): string {
  return d.grades.directions.map((x) => `${n(x.count)} ${x.old} → ${x.new}`).join(', ');
}

/** One row per kind of change, in the order of the report's sections. */
export function changeSummary(d: VersionDiff): ChangesView['summary'] {
  const parts = (items: Array<[number, string]>): string => items.filter(([k]) => k > 0).map(([k, what]) => `${n(k)} ${what}`).join(', ');
  const links = (rows: Array<{ gained: unknown[]; lost: unknown[] }>): string => `+${n(rows.reduce((s, r) => s + r.gained.length, 0))} / −${n(rows.reduce((s, r) => s + r.lost.length, 0))}`;
  const rows: Array<{ kind: string; text: string }> = [
    {
      kind: 'Techniques',
      text: parts([
        [d.techniques.added.length, 'added'],
        [d.techniques.removed.length, 'removed'],
        [d.techniques.renamed.length, 'renamed'],
      ]),
    },
    {
      kind: 'Events per technique',
      text: d.techniqueEvents.length > 0 ? `${plural(d.techniqueEvents.length, 'technique')} gained or lost events (${links(d.techniqueEvents)} event links)` : '',
    },
    {
      kind: 'Techniques per event',
      text: d.eventTechniques.length > 0 ? `${plural(d.eventTechniques.length, 'event')} gained or lost techniques (${links(d.eventTechniques)} technique links)` : '',
    },
    {
      kind: 'Events',
      text: parts([
        [d.events.added.length, 'new'],
        [d.events.removed.length, 'no longer mapped'],
        [d.events.renamed.length, 'renamed'],
      ]),
    },
    {
      kind: 'Data components',
      text: parts([
        [d.dataComponents.added.length, 'new'],
        [d.dataComponents.removed.length, 'dropped'],
        [d.dataComponents.changed.length, 'with a new ID or data source'],
      ]),
    },
    {
      kind: 'Link grades',
      text: d.grades.changed.length > 0 ? `${plural(d.grades.changed.length, 'link')} regraded (${directionsText(d)})` : '',
    },
    {
      kind: 'Detection rules',
      text: parts([
        [d.rules.added.length, 'added'],
        [d.rules.removed.length, 'removed'],
      ]),
    },
  ];
  return rows.map((r) => ({ kind: r.kind, text: r.text || NO_CHANGE, changed: r.text !== '' }));
}

function summaryTable(d: VersionDiff, summary: ChangesView['summary']): string {
  const rows = summary.map((r) => `<tr><th scope="row">${html(r.kind)}</th><td${r.changed ? '' : ' class="muted"'}>${html(r.text)}</td></tr>`);
  return [
    '<div class="table-wrap">',
    `<table class="compact change-summary">`,
    `<caption>What changed from ATT&amp;CK v${html(d.oldVersion)} to v${html(d.newVersion)}, by kind</caption>`,
    '<thead><tr><th scope="col">Kind</th><th scope="col">Change</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
    '</div>',
  ].join('\n');
}

/** Text of a Markdown heading or bold label, without its Markdown escapes. */
const plainMd = (s: string): string => s.replace(/\\(.)/g, '$1').replace(/\*\*/g, '').trim();

/**
 * Puts `<!-- caption:… -->` before each Markdown table; the site's markdown-it turns it into the
 * table's caption (site/_config/markdown.js). The caption is the section heading's subject
 * ("Techniques"), with the bold label above the table when there is one ("Techniques: added (26)");
 * a label line that only names the table is then dropped, the caption says it. The text is
 * URI-encoded inside the comment, so nothing in it can end the comment.
 */
export function captionTables(markdown: string, first: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let noun = '';
  let label = '';
  lines.forEach((line, i) => {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      noun = plainMd(h[1] ?? '').split(':')[0] ?? '';
      label = '';
    }
    const b = /^\*\*(.+?)\*\*(.*)$/.exec(line);
    if (b) {
      label = plainMd(b[1] ?? '').replace(/:$/, '');
      label = label.charAt(0).toLowerCase() + label.slice(1);
      const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
      if ((b[2] ?? '').trim() === '' && next.startsWith('|')) return;
    }
    if (line.startsWith('|') && !(lines[i - 1] ?? '').startsWith('|')) {
      const caption = noun === '' ? first : label ? `${noun}: ${label}` : noun;
      out.push(`<!-- caption:${encodeURIComponent(caption)} -->`, '');
    }
    out.push(line);
  });
  return out.join('\n');
}

interface Hrefs {
  technique: (id: string, version: string) => string | undefined;
  event: (key: string, version: string) => string | undefined;
}

/** A Markdown table; the columns listed in `numeric` (by index) are right-aligned. */
function mdTable(header: string[], rows: string[][], numeric: number[] = []): string[] {
  return table(header, header.map((_, i) => (numeric.includes(i) ? '--:' : ':--')), rows);
}

/** The links whose grade changed, in three tables: became confirmed, became named, weakened. */
export function gradesMarkdown(d: VersionDiff, href: Hrefs): string[] {
  const changed = d.grades.changed;
  if (changed.length === 0) return [];
  const tech = (c: GradeChange): string => {
    const id = safeId(c.technique.id);
    return `${link(id, SAFE_ID.test(c.technique.id) ? href.technique(c.technique.id, d.newVersion) : undefined)}${c.technique.name ? ` ${escapeMd(c.technique.name)}` : ''}`;
  };
  const ev = (c: GradeChange): string => link(escapeMd(eventText(c.event.key)), href.event(c.event.key, d.newVersion));
  const rules = (c: GradeChange): string => (c.oldRules === c.newRules ? n(c.newRules) : `${n(c.oldRules)} → ${n(c.newRules)}`);
  const sets: Array<[string, GradeChange[]]> = [
    ['Became confirmed', changed.filter((c) => c.new === 'confirmed')],
    ['Became named', changed.filter((c) => c.new === 'named' && gradeRank(c.new) < gradeRank(c.old))],
    ['Weaker', changed.filter((c) => gradeRank(c.new) > gradeRank(c.old))],
  ];
  const out = ['', `## Link grades: ${plural(changed.length, 'link')} regraded (${directionsText(d)})`, '', `A link's grade is the best of its evidence: confirmed by a public detection rule, named by an ATT&CK analytic, or only related through a data component.`];
  for (const [title, rows] of sets) {
    if (rows.length === 0) continue;
    out.push('', `**${title} (${n(rows.length)})**`, '', ...mdTable(['Technique', 'Event', 'Before', 'After', 'Rules'], rows.map((c) => [tech(c), ev(c), c.old, c.new, rules(c)]), [4]));
  }
  return out;
}

/** Only the rule sites' https pages become links (rules.json is built from upstream text). */
const RULE_URL = /^https:\/\/(?:research\.splunk\.com|car\.mitre\.org)\/[^\s()<>\[\]`"']*$/;

/** Detection rules added and removed, per source and one by one. */
export function rulesMarkdown(d: VersionDiff, href: Hrefs): string[] {
  const { added, removed, bySource } = d.rules;
  if (added.length + removed.length === 0) return [];
  const title = (source: string): string => escapeMd(RULE_SOURCES[source]?.label ?? source);
  const parts = [added.length > 0 && `${n(added.length)} added`, removed.length > 0 && `${n(removed.length)} removed`].filter(Boolean);
  const out = [
    '',
    `## Detection rules: ${parts.join(', ')}`,
    '',
    `The public rules (Splunk Security Content, MITRE CAR; Apache License 2.0) that use an event for a technique of the version; the rules are read once per build, so a rule comes or goes with the techniques it is tagged with.`,
    '',
    ...mdTable(
      ['Source', `v${d.oldVersion}`, `v${d.newVersion}`, 'Added', 'Removed'],
      bySource.map((x) => [title(x.source), n(x.old), n(x.new), x.added > 0 ? `+${n(x.added)}` : '0', x.removed > 0 ? `−${n(x.removed)}` : '0']),
      [1, 2, 3, 4],
    ),
  ];
  const list = (label: string, rules: RuleRef[], version: string): void => {
    if (rules.length === 0) return;
    out.push(
      '',
      `**${label} (${n(rules.length)})**`,
      '',
      ...mdTable(
        ['Source', 'Rule', 'Name', 'Techniques', 'Events'],
        rules.map((r) => [
          title(r.source),
          link(escapeMd(r.id), RULE_URL.test(r.url) ? r.url : undefined),
          escapeMd(r.name),
          r.techniques.map((id) => link(safeId(id), SAFE_ID.test(id) ? href.technique(id, version) : undefined)).join(', '),
          r.events.map((key) => link(escapeMd(eventText(key)), href.event(key, version))).join(', '),
        ]),
      ),
    );
  };
  list('Added', added, d.newVersion);
  list('Removed', removed, d.oldVersion);
  return out;
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
    if (title) out.push(heading(ctx.level, title.replace(/[\r\n]+/g, ' ')), '');
    out.push(
      d.identical
        ? `The Windows event mapping of ATT&CK ${newVersion} is identical to that of ${oldVersion}.`
        : `How the Windows event mapping of ATT&CK ${newVersion} differs from that of ${oldVersion}: ${pluralGrouped(d.techniques.added.length, 'technique')} added, ${n(d.techniques.removed.length)} removed, ${n(d.techniques.renamed.length)} renamed; ${pluralGrouped(d.techniqueEvents.length, 'technique')} with other events; ${pluralGrouped(d.events.added.length, 'new event')}, ${pluralGrouped(d.events.removed.length, 'event')} no longer mapped.`,
    );
    if (options.intro) out.push('', options.intro);
    if (!d.identical) out.push(...versionBody(ctx, d, false));
    return `${out.join('\n')}\n`;
  };
  return fit(render, limits, options.maxChars);
}

export function changesPage(ctx: VersionContext, scope: Scope, diff: VersionDiff): Page<ChangesView> {
  const p = ctx.presence;
  const d = safeDiff(diff);
  const baseOf = (version: string): string => (version === scope.version ? scope.base : preferredBase(version, p.latest, p.root));
  const has = (kind: 'technique' | 'event', id: string, version: string): boolean => p.byKind[kind].get(id)?.has(version) ?? false;
  const href: Hrefs = {
    technique: (id, version) => (SAFE_ID.test(id) && has('technique', id, version) ? baseOf(version) + paths.technique(id) : undefined),
    event: (key, version) => (has('event', key, version) ? baseOf(version) + paths.event(key) : undefined),
  };
  const markdown = renderVersionChanges(d.oldVersion, d.newVersion, d, {
    title: '',
    headingLevel: 1,
    techniqueHref: href.technique,
    eventHref: href.event,
    eventText,
  });
  const summary = changeSummary(d);
  // The summary goes under the report's opening sentence, before its first table.
  const lines = markdown.replace(/\n+$/, '').split('\n');
  if (!d.identical) lines.push(...gradesMarkdown(d, href), ...rulesMarkdown(d, href));
  const at = lines.findIndex((l) => l.startsWith('|'));
  const block = ['', summaryTable(d, summary), ''];
  if (at < 0) lines.push(...block);
  else lines.splice(at, 0, ...block);
  if (d.identical) lines.push('', NO_CHANGE);

  const pageOf = (version: string): string => baseOf(version) + paths.changes();
  const after = [...p.changesFrom].find(([, from]) => from === d.newVersion)?.[0];
  const before = p.changesFrom.get(d.oldVersion);
  const view: ChangesView = {
    oldVersion: d.oldVersion,
    newVersion: d.newVersion,
    identical: d.identical,
    oldHome: baseOf(d.oldVersion),
    newHome: baseOf(d.newVersion),
    previousChanges: before !== undefined ? { label: `v${before} to v${d.oldVersion}`, url: pageOf(d.oldVersion) } : null,
    nextChanges: after !== undefined ? { label: `v${d.newVersion} to v${after}`, url: pageOf(after) } : null,
    summary,
  };
  const changed = summary.filter((r) => r.changed).map((r) => r.kind.toLowerCase());
  const meta = pageMeta(ctx, scope, {
    kind: 'changes',
    path: paths.changes(),
    title: `What changed from ATT&CK v${d.oldVersion} to v${d.newVersion}`,
    description: changed.length > 0 ? `How the Windows event mapping of ATT&CK v${d.newVersion} differs from v${d.oldVersion}: ${changed.join(', ')}.` : `The Windows event mapping of ATT&CK v${d.newVersion} is the same as that of v${d.oldVersion}.`,
    crumbs: homeCrumbs(scope),
  });
  // A version without a "what changed" page (the oldest): its switch entry goes to its home.
  meta.versions = meta.versions.map((l) => (p.changesFrom.has(l.version) ? l : { ...l, url: preferredBase(l.version, p.latest, p.root), exists: false }));
  return {
    meta,
    data: view,
    summary: '',
    markdown: captionTables(lines.join('\n'), `Counts in ATT&CK v${d.oldVersion} and v${d.newVersion}`),
    file: 'index.md',
  };
}
