/**
 * `npm run site:pages -- [--data DIR] [--out DIR] [--base PATH]`: reads the artifacts of every
 * version in DIR (default: data/) and writes the site's generated pages, as records the site's
 * renderer reads (scripts/pages/records.ts), into OUT (default: site/_generated/), wiping it first. PATH (or $SITE_BASE) is the URL path the site is served
 * from: `/` by default, `/<repo>/` for a GitHub Pages project site. The page builders in scripts/pages/ are pure; this file
 * does the reading and the writing: the artifacts, the change report of each version against the
 * previous one (scripts/diff, once per build) and the coverage and plan pages' browser bundles (esbuild).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readDataJson, readOptionalDataJson } from '../data-folder/read.ts';
import type { DataComponentArtifact, EventArtifact, IndexEntry, TacticArtifact, TechniqueArtifact } from '../artifacts/build.ts';
import { consecutiveVersionDiffs } from '../diff/diff.ts';
import type { RuleArtifact } from '../diff/types.ts';
import { loadArtifacts, LoadError } from '../diff/load.ts';
import { DOMAIN } from '../lib/domain.ts';
import { ExpectedError } from '../lib/expected-error.ts';
import { printable } from '../lib/printable.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { pageScripts } from '../pages/bundle.ts';
import { buildSite } from '../pages/site.ts';
import type { GroupsArtifact } from '../artifacts/groups.ts';
import type { FileInfo, GeneratedFile, SiteInput, VersionInput } from '../pages/types.ts';
import { normalizeRoot } from '../pages/urls.ts';
import { isMain, parseCliArgs, runCli, UsageError } from './errors.ts';

export const DEFAULT_DATA = path.join(REPO_ROOT, 'data');
export const DEFAULT_OUT = path.join(REPO_ROOT, 'site', '_generated');
/** index.json's path of a version folder: the version is a file name, never `..` or a nested path. */
const VERSION_PATH = new RegExp(`^${DOMAIN}/[A-Za-z0-9][A-Za-z0-9._-]*$`);
/** The file that marks a folder as written by this CLI (and so safe to wipe). */
const MARKER = 'site.yaml';

export class PagesError extends ExpectedError {}

const USAGE = `Usage: npm run site:pages -- [--data DIR] [--out DIR] [--base PATH]

Writes the documentation site's pages (one JSON file of page records per kind and version) from
the mapping artifacts.

  --data DIR   data folder with index.json and enterprise-attack/<version>/ (default: data)
  --out DIR    output folder, wiped and rewritten (default: site/_generated)
  --base PATH  URL path the site is served from (default: $SITE_BASE, else /), e.g. /repo/
  -h, --help   this text
`;

export function parsePagesArgs(argv: string[], env: NodeJS.ProcessEnv = {}): { help: true } | { help: false; dataDir: string; outDir: string; base: string } {
  const { values } = parseCliArgs(argv, { data: { type: 'string' }, out: { type: 'string' }, base: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return { help: true };
  const base = values.base ?? env.SITE_BASE ?? '/';
  if (!/^\/?[\w.~-]*(\/[\w.~-]+)*\/?$/.test(base)) throw new UsageError(`--base: "${base}" is not a URL path like /repo/`);
  return { help: false, dataDir: path.resolve(values.data ?? DEFAULT_DATA), outDir: path.resolve(values.out ?? DEFAULT_OUT), base: normalizeRoot(base) };
}

async function readJson<T>(file: string): Promise<T> {
  // The shapes are the artifacts' own, checked by their schemas when the data was built.
  return (await readDataJson(file)) as T;
}

async function readOptionalJson<T>(file: string, fallback: T): Promise<T> {
  return ((await readOptionalDataJson(file)) as T | undefined) ?? fallback;
}

async function listFiles(dir: string, filter: (name: string) => boolean = () => true): Promise<FileInfo[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter(filter).sort();
  const out: FileInfo[] = [];
  for (const name of names) {
    const s = await stat(path.join(dir, name));
    if (s.isFile()) out.push({ name, size: s.size });
  }
  return out;
}

function label(dir: string): string {
  const rel = path.relative(REPO_ROOT, dir);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir).split(path.sep).join('/');
}

/**
 * The change report of each version in index.json against the one before it (the "what changed"
 * pages), from the version folders' artifacts and manifests.
 */
export async function readChanges(dataDir: string, versions: readonly string[]): Promise<SiteInput['changes']> {
  let data;
  try {
    data = await loadArtifacts(dataDir);
  } catch (e) {
    if (e instanceof LoadError) throw new PagesError(`cannot compare the versions for the "what changed" pages: ${e.message}`);
    throw e;
  }
  const listed = new Set(versions);
  return consecutiveVersionDiffs({ ...data, versions: data.versions.filter((v) => listed.has(v.version)) });
}

/**
 * Reads index.json and every version it lists, or only those `only` keeps (`npm start` reads the
 * latest alone first: see scripts/cli/start.ts); with fewer than two versions there is no change report.
 */
export async function readSiteInput(dataDir: string, base = '/', only?: (version: string) => boolean): Promise<SiteInput> {
  const index = await readJson<{ latest?: string; versions?: IndexEntry[] }>(path.join(dataDir, 'index.json'));
  if (!index.latest || !Array.isArray(index.versions) || index.versions.length === 0) {
    throw new PagesError(`${path.join(dataDir, 'index.json')} lists no versions: run npm run data first.`);
  }
  const versions: VersionInput[] = [];
  for (const entry of index.versions) {
    if (only && !only(entry.version)) continue;
    if (typeof entry.path !== 'string' || !VERSION_PATH.test(entry.path)) {
      throw new PagesError(`${path.join(dataDir, 'index.json')}: version path ${JSON.stringify(printable(String(entry.path)))} is not ${DOMAIN}/<version>`);
    }
    const dir = path.join(dataDir, entry.path);
    const [techniques, events, tactics, dataComponents, rules, files] = await Promise.all([
      readJson<{ techniques: TechniqueArtifact[] }>(path.join(dir, 'techniques.json')),
      readJson<{ events: EventArtifact[] }>(path.join(dir, 'events.json')),
      readJson<{ tactics: TacticArtifact[] }>(path.join(dir, 'tactics.json')),
      readJson<{ dataComponents: DataComponentArtifact[] }>(path.join(dir, 'data-components.json')),
      readOptionalJson<{ rules: RuleArtifact[] }>(path.join(dir, 'rules.json'), { rules: [] }),
      listFiles(dir),
    ]);
    const groups = await readOptionalJson<GroupsArtifact | undefined>(path.join(dir, 'groups.json'), undefined);
    versions.push({
      version: entry.version,
      era: entry.era,
      counts: entry.counts,
      techniques: techniques.techniques,
      events: events.events,
      tactics: tactics.tactics,
      dataComponents: dataComponents.dataComponents,
      rules: rules.rules,
      files,
      ...(groups ? { groups } : {}),
    });
  }
  return {
    versions,
    latest: index.latest,
    schemas: await listFiles(path.join(dataDir, 'schemas'), (n) => n.endsWith('.json')),
    rootFiles: await listFiles(dataDir, (n) => n.endsWith('.json')),
    dataLabel: label(dataDir),
    dataDir,
    root: normalizeRoot(base),
    changes: versions.length < 2 ? [] : await readChanges(dataDir, versions.map((v) => v.version)),
  };
}

/**
 * Where a generated file goes: `rel` resolved inside `root` (absolute). A path that leaves the
 * folder (`../../README.md`, an absolute path) or names the folder itself is refused: file names
 * come from upstream IDs.
 */
export function targetPath(root: string, rel: string): string {
  const target = path.resolve(root, rel);
  const inside = path.relative(root, target);
  if (rel === '' || rel.includes('\0') || inside === '' || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new PagesError(`refusing to write the generated page ${JSON.stringify(printable(rel, 200))}: it is not inside the output folder ${root}`);
  }
  return target;
}

/** Wipes `outDir` (only if this CLI wrote it, or it is empty) and writes the files; refuses (before wiping anything) a file whose path leaves `outDir`. */
export async function writeGenerated(files: GeneratedFile[], outDir: string): Promise<void> {
  const root = path.resolve(outDir);
  const targets = files.map((f) => ({ target: targetPath(root, f.path), text: f.text }));
  const existing = await readdir(root).catch(() => [] as string[]);
  if (existing.length > 0 && !existing.includes(MARKER)) {
    throw new PagesError(`${outDir} holds files this command did not write (no ${MARKER}): refusing to wipe it. Pick an empty or generated folder with --out.`);
  }
  await rm(root, { recursive: true, force: true });
  const dirs = new Set(targets.map((f) => path.dirname(f.target)));
  for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
  // One file after another, synchronously: 8,300 strings (120 MB) through fs.promises' writeFile
  // (a FileHandle and the thread pool per file) took two to three times as long on this machine.
  for (const f of targets) writeFileSync(f.target, f.text);
}

async function main(): Promise<void> {
  const args = parsePagesArgs(process.argv.slice(2), process.env);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const t0 = performance.now();
  const input = await readSiteInput(args.dataDir, args.base);
  const t1 = performance.now();
  const site = buildSite(input);
  const t2 = performance.now();
  const scripts = await pageScripts();
  const t3 = performance.now();
  await writeGenerated([...site.files, ...scripts], args.outDir);
  const t4 = performance.now();
  process.stderr.write(
    `wrote ${site.pages} pages of ${input.versions.length} versions to ${label(args.outDir)} ` +
      `(read and diff ${(t1 - t0).toFixed(0)} ms, build ${(t2 - t1).toFixed(0)} ms, ${Math.round(site.pages / ((t2 - t1) / 1000))} pages/s, ` +
      `bundles ${(t3 - t2).toFixed(0)} ms, ${scripts.map((f) => `${Math.round(f.text.length / 1000)} kB`).join(' + ')}, write ${(t4 - t3).toFixed(0)} ms)\n`,
  );
}

if (isMain(import.meta.url)) await runCli(main);
