/** The downloads page: every artifact of every version, the schemas, and the licence notices. */
import { DOMAIN } from '../lib/domain.ts';
import { pageMeta, type VersionContext } from './context.ts';
import type { DownloadsView, FileInfo, Page, Scope, SiteInput } from './types.ts';
import { downloadsUrl, preferredBase } from './urls.ts';

export const FILE_DESCRIPTIONS: Record<string, string> = {
  'mapping.csv': 'Every technique × data source/component × event link, one row each',
  'techniques.json': 'Techniques with their events, evidence and data components',
  'events.json': 'Events: what they record, how to turn them on, the techniques they show',
  'tactics.json': 'Tactics with their techniques, and their events ranked by techniques covered',
  'data-components.json': 'Data components (data sources before ATT&CK 9) with their techniques and events',
  'report.json': 'What the build skipped or could not map, and the log-name spellings it met',
  'manifest.json': 'The sources (URL, SHA-256) and the checksum of every file of the version',
  'index.json': 'The ATT&CK versions in this data set, with their counts',
};

export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

const ORDER = ['mapping.csv', 'techniques.json', 'events.json', 'tactics.json', 'data-components.json', 'layer-all-events.json', 'report.json', 'manifest.json'];
const byOrder = (a: FileInfo, b: FileInfo): number => {
  const ia = ORDER.indexOf(a.name);
  const ib = ORDER.indexOf(b.name);
  // Unlisted files (the per-log layers) go after the all-events layer.
  const rank = (i: number): number => (i < 0 ? ORDER.indexOf('layer-all-events.json') + 0.5 : i);
  return rank(ia) - rank(ib) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
};

/** What a file holds, for the downloads table. */
export function describeFile(name: string): string {
  const known = FILE_DESCRIPTIONS[name];
  if (known) return known;
  const layer = /^layer-(.+)\.json$/.exec(name);
  if (layer) {
    return layer[1] === 'all-events'
      ? 'ATT&CK Navigator layer: each technique scored by its number of Windows events'
      : `ATT&CK Navigator layer: each technique scored by its number of events in the ${layer[1]} log`;
  }
  return '';
}

function fileRows(files: FileInfo[], prefix: string): DownloadsView['latestFiles'] {
  return [...files].sort(byOrder).map((f) => ({ name: f.name, url: prefix + f.name, size: humanSize(f.size), what: describeFile(f.name) }));
}

export function downloadsPage(ctx: VersionContext, scope: Scope, input: SiteInput): Page<DownloadsView> {
  const latest = input.versions.find((v) => v.version === input.latest);
  const DOWNLOADS = downloadsUrl(input.root);
  const view: DownloadsView = {
    latest: input.latest,
    versions: [...input.versions].reverse().map((v) => ({
      version: v.version,
      era: v.era,
      isLatest: v.version === input.latest,
      home: preferredBase(v.version, input.latest, input.root),
      counts: v.counts,
      files: fileRows(v.files, `${DOWNLOADS}${DOMAIN}/${v.version}/`),
    })),
    latestFiles: fileRows(latest?.files ?? [], `${DOWNLOADS}latest/`),
    schemas: [...input.schemas].sort(byOrder).map((f) => ({ name: f.name, url: `${DOWNLOADS}schemas/${f.name}`, size: humanSize(f.size) })),
    rootFiles: fileRows(input.rootFiles, DOWNLOADS),
  };
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'downloads',
      path: 'downloads/',
      title: 'Downloads',
      description: `The mapping as CSV and JSON for each of the ${input.versions.length} ATT&CK versions, with JSON Schemas and licence notices.`,
      crumbs: [{ label: 'Home', url: scope.base }],
      unversioned: true,
    }),
    data: view,
    summary: `<p class="lede">The whole mapping, for each ATT&amp;CK version: one CSV row per technique × data source or component × event, and JSON files per technique, event, tactic and data component. The newest version is also at <a href="${DOWNLOADS}latest/mapping.csv">${DOWNLOADS}latest/</a>.</p>`,
    file: 'index.md',
  };
}
