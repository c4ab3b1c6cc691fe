/**
 * Every generated file of the site, from every version's artifacts. Pure: the same input gives
 * the same files in the same order.
 *
 *   pages/<kind>/latest.json         the latest version's pages of a kind, published at the root
 *   pages/<kind>/v<version>.json     every version's, published under /v/<version>/
 *   assets/coverage/<version>.json   the coverage page's data (one per version, read by both of its pages and the plan pages)
 *   assets/plan/<version>.json       the plan page's data beyond it (groups, campaigns, software)
 *   site.yaml                        versions and data folder, for the hand-written pages and the Eleventy config
 *
 * Each version also gets a coverage page, a plan page, and each version after the first a "what changed" page
 * from `input.changes` (the diffs, computed once per build by the CLI).
 */
import type { VersionDiff } from '../diff/types.ts';
import { changesPage } from './changes.ts';
import { versionContext, type VersionContext } from './context.ts';
import { coverageDataFile, coveragePage } from './coverage.ts';
import { dataComponentPage } from './data-component.ts';
import { downloadsPage } from './downloads.ts';
import { eventPage } from './event.ts';
import { type GeneratedPage, generatedNotice, pageRecord, recordFiles } from './records.ts';
import { groupIndexPage, groupPage, groupsOf } from './group.ts';
import { homePage } from './home.ts';
import { dataComponentIndexPage, eventIndexPage, tacticIndexPage, techniqueIndexPage } from './indexes.ts';
import { planDataFile, planPage } from './plan.ts';
import { buildPresence } from './presence.ts';
import { collectionOrder } from './priorities.ts';
import { tacticPage } from './tactic.ts';
import { techniquePage } from './technique.ts';
import type { GeneratedFile, Page, PageKind, Scope, SiteInput } from './types.ts';
import { normalizeRoot, preferredBase, scopesFor } from './urls.ts';

export const PAGE_KINDS: PageKind[] = [
  'home',
  'technique',
  'technique-index',
  'tactic',
  'tactic-index',
  'event',
  'event-index',
  'data-component',
  'data-component-index',
  'downloads',
  'changes',
  'coverage',
  'group',
  'group-index',
  'plan',
];

export interface SiteMeta {
  latest: string;
  /** URL path the site is served from; every link in the templates starts with it. */
  root: string;
  dataDir: string;
  dataLabel: string;
  /** The version before the latest (the root "what changed" page compares the two); empty when there is one version. */
  previous: string;
  versions: Array<{ version: string; era: string; home: string; isLatest: boolean; counts: SiteInput['versions'][number]['counts'] }>;
}

export interface BuiltSite {
  /** Everything to write: the pages' record files, the pages' data files, site.yaml. */
  files: GeneratedFile[];
  /** Every page, in the order of the record files. */
  records: GeneratedPage[];
  pages: number;
}

function versionPages(ctx: VersionContext, scope: Scope, order: ReturnType<typeof collectionOrder>, diff: VersionDiff | undefined): Array<Page<unknown>> {
  const v = ctx.input;
  return [
    homePage(ctx, scope, order),
    coveragePage(ctx, scope),
    planPage(ctx, scope),
    ...(diff ? [changesPage(ctx, scope, diff)] : []),
    techniqueIndexPage(ctx, scope),
    tacticIndexPage(ctx, scope),
    eventIndexPage(ctx, scope),
    dataComponentIndexPage(ctx, scope),
    ...v.techniques.map((t) => techniquePage(ctx, scope, t)),
    ...v.tactics.map((t) => tacticPage(ctx, scope, t)),
    ...v.events.map((e) => eventPage(ctx, scope, e)),
    ...v.dataComponents.map((c) => dataComponentPage(ctx, scope, c)),
    ...(v.groups ? [groupIndexPage(ctx, scope), ...groupsOf(v).map((g) => groupPage(ctx, scope, g))] : []),
  ];
}

export function buildSite(input: SiteInput): BuiltSite {
  if (!input.versions.some((v) => v.version === input.latest)) {
    throw new Error(`the latest version ${input.latest} is not among the versions read (${input.versions.map((v) => v.version).join(', ')})`);
  }
  const root = normalizeRoot(input.root);
  // The diffs of consecutive versions, by the newer version: each gives that version a "what changed" page.
  const diffs = new Map<string, VersionDiff>();
  input.versions.forEach((v, i) => {
    const previous = input.versions[i - 1]?.version;
    const diff = input.changes.find((d) => d.oldVersion === previous && d.newVersion === v.version);
    if (diff) diffs.set(v.version, diff);
  });
  const presence = buildPresence(input.versions, input.latest, root, new Map([...diffs].map(([v, d]) => [v, d.oldVersion])));
  const files: GeneratedFile[] = [];
  const records: GeneratedPage[] = [];
  const label = input.dataLabel.replace(/\/?$/, '/');
  for (const v of input.versions) {
    const ctx = versionContext(v, presence);
    const order = collectionOrder(v.events);
    const diff = diffs.get(v.version);
    files.push(coverageDataFile(v), planDataFile(v));
    for (const scope of scopesFor(v.version, input.latest, root)) {
      for (const page of versionPages(ctx, scope, order, diff)) records.push(pageRecord(page, scope.dir));
      if (scope.isRoot) records.push(pageRecord(downloadsPage(ctx, scope, { ...input, root }), scope.dir));
    }
  }
  const meta: SiteMeta = {
    latest: input.latest,
    root,
    dataDir: input.dataDir,
    dataLabel: label,
    previous: presence.changesFrom.get(input.latest) ?? '',
    versions: [...input.versions].reverse().map((v) => ({ version: v.version, era: v.era, home: preferredBase(v.version, input.latest, root), isLatest: v.version === input.latest, counts: v.counts })),
  };
  files.push(...sortedRecordFiles(records, label), { path: 'site.yaml', text: `# ${generatedNotice(label)}\n${JSON.stringify(meta)}\n` });
  return { files, records, pages: records.length };
}

/** The record files of `records`, kind by kind in PAGE_KINDS order, then by folder as built. */
export function sortedRecordFiles(records: readonly GeneratedPage[], label: string): GeneratedFile[] {
  const rank = new Map(PAGE_KINDS.map((k, i) => [k, i]));
  return recordFiles([...records].sort((a, b) => (rank.get(a.record.kind) ?? 0) - (rank.get(b.record.kind) ?? 0)), label);
}
