/**
 * The build, step by step: sources → OSSEM catalogue → per version: bundle → mapping → artifacts.
 * Everything is written into a temporary folder beside the output and swapped in only when every
 * requested version has built and validated, so a failed build leaves the previous output as it was.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle } from '../attack/stix.ts';
import { buildIndex, buildVersionArtifacts, compareVersions, type IndexEntry, type SourceRecord } from '../artifacts/build.ts';
import { stringifyJson } from '../artifacts/json.ts';
import { PUBLISHED_SCHEMAS, validateArtifact } from '../artifacts/schemas.ts';
import { publishedLayerFiles } from '../coverage/layers.ts';
import { buildCatalog, type OssemCatalog } from '../mapping/catalog.ts';
import { mapVersion } from '../mapping/map.ts';
import type { VersionMapping } from '../mapping/types.ts';
import { parseDdEvent } from '../ossem/dd.ts';
import { parseDm } from '../ossem/dm.ts';
import { parseLegacy } from '../ossem/legacy.ts';
import { parseAttackIndex } from '../sources/attack-index.ts';
import { exists, writeFileAtomic } from '../sources/atomic.ts';
import { createFetcher, type Fetcher } from '../sources/fetcher.ts';
import { verifyAgainstLock, writeLock } from '../sources/lock.ts';
import type { Fetched, FetchTuning, LockFile, SourceMode } from '../sources/types.ts';
import { ATTACK_INDEX_URL, attackBundleUrl, isDdUrl, OSSEM_DD_PREFIX, OSSEM_DM_URL, OSSEM_LEGACY_URL, type AttackLayout } from '../sources/upstream.ts';
import { mirrorPathFor } from '../sources/url.ts';

export const DOMAIN = 'enterprise-attack';

export class BuildError extends Error {}

export interface BuildOptions {
  /** Versions, `latest`, `all`; empty means the lock's configured versions. */
  attack: string[];
  layout: AttackLayout;
  mode: SourceMode;
  outDir: string;
  lock: LockFile;
  lockPath: string;
  updateLock: boolean;
  includeDeprecated: boolean;
  /** Build into a temporary folder and compare with the output instead of replacing it. */
  check?: boolean;
  tuning?: Partial<FetchTuning>;
  log?: (line: string) => void;
}

export interface BuildResult {
  versions: string[];
  /** With `check`: output files (relative to the output folder) that differ from a fresh build, or are missing. */
  stale: string[];
}

/** Files of the staged build that are missing from the output folder or differ from it. */
async function compareWithOutput(staging: string, outDir: string, rel: string[]): Promise<string[]> {
  const stale: string[] = [];
  for (const r of rel) {
    const fresh = await readFile(path.join(staging, r));
    const current = await readFile(path.join(outDir, r)).catch(() => undefined);
    if (!current || !current.equals(fresh)) stale.push(r);
  }
  return stale;
}

interface Verified {
  fetched: Fetched;
  record: SourceRecord;
}

function verify(opts: BuildOptions, fetched: Fetched, role: string): Verified {
  const entry = verifyAgainstLock(opts.lock, fetched, { update: opts.updateLock, lockPath: opts.lockPath });
  return { fetched, record: { role, url: entry.url, sha256: entry.sha256, size: entry.size } };
}

/** The OSSEM-DD files to read: the lock's list; when re-pinning from a mirror folder, the folder's files. */
async function ddUrls(opts: BuildOptions): Promise<string[]> {
  const pinned = Object.keys(opts.lock.files).filter(isDdUrl);
  if (!(opts.updateLock && opts.mode.kind === 'mirror')) return pinned.sort();
  const root = path.join(opts.mode.dir, mirrorPathFor(OSSEM_DD_PREFIX));
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = entry.name.replace(/\.gz$/, '');
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${rel}${entry.name}/`);
      else found.push(`${OSSEM_DD_PREFIX}${rel}${name}`);
    }
  };
  try {
    await walk(root, '');
  } catch {
    throw new BuildError(`OSSEM-DD: no event dictionaries under ${root} to pin; check the --mirror folder`);
  }
  return found.filter(isDdUrl).sort();
}

async function loadCatalog(opts: BuildOptions, fetcher: Fetcher): Promise<{ catalog: OssemCatalog; sources: SourceRecord[] }> {
  const dd = await ddUrls(opts);
  const fetched = await fetcher.getMany([OSSEM_LEGACY_URL, OSSEM_DM_URL, ...dd]);
  const take = (url: string, role: string): Verified => {
    const f = fetched.get(url);
    if (!f) throw new BuildError(`${role}: ${url} was not fetched`);
    return verify(opts, f, role);
  };
  const legacy = take(OSSEM_LEGACY_URL, 'ossem-legacy');
  const dm = take(OSSEM_DM_URL, 'ossem-dm');
  const ddVerified = dd.map((u) => take(u, 'ossem-dd'));
  const catalog = buildCatalog(
    parseDm(dm.fetched.bytes.toString('utf8'), `OSSEM-DM ${OSSEM_DM_URL}`),
    parseLegacy(legacy.fetched.bytes.toString('utf8'), `OSSEM legacy ${OSSEM_LEGACY_URL}`),
    ddVerified.map((v) => parseDdEvent(v.fetched.bytes.toString('utf8'), `OSSEM-DD ${v.fetched.url}`)),
  );
  // One manifest line for the ~1,000 dictionary files: a digest over their sorted url/sha256 pairs.
  const ddDigest = createHash('sha256');
  let ddSize = 0;
  for (const v of ddVerified) {
    ddDigest.update(`${v.record.url} ${v.record.sha256}\n`);
    ddSize += v.record.size;
  }
  const sources: SourceRecord[] = [legacy.record, dm.record];
  if (ddVerified.length > 0) sources.push({ role: `ossem-dd (${ddVerified.length} files)`, url: OSSEM_DD_PREFIX, sha256: ddDigest.digest('hex'), size: ddSize });
  return { catalog, sources };
}

async function resolveVersions(opts: BuildOptions, fetcher: Fetcher): Promise<string[]> {
  const wanted = opts.attack.length > 0 ? opts.attack : opts.lock.attackVersions;
  if (wanted.length === 0) throw new BuildError('no ATT&CK version to build: pass --attack VERSION[,VERSION…] (or latest, all), or list attackVersions in the lock file');
  const needsIndex = wanted.some((w) => w === 'latest' || w === 'all');
  let released: string[] = [];
  if (needsIndex) {
    const f = verify(opts, await fetcher.get(ATTACK_INDEX_URL), 'attack-index');
    released = parseAttackIndex(f.fetched.bytes.toString('utf8'), `ATT&CK index ${ATTACK_INDEX_URL}`)
      .map((r) => r.version)
      .sort(compareVersions);
    if (released.length === 0) throw new BuildError(`ATT&CK index ${ATTACK_INDEX_URL}: lists no Enterprise version`);
  }
  const out = new Set<string>();
  for (const w of wanted) {
    if (w === 'all') released.forEach((v) => out.add(v));
    else if (w === 'latest') out.add(released.at(-1) ?? '');
    else if (/^\d+\.\d+$/.test(w)) out.add(w);
    else throw new BuildError(`--attack: "${w}" is not a version (like 18.1), "latest" or "all"`);
  }
  return [...out].sort(compareVersions);
}

export interface BuiltVersion {
  mapping: VersionMapping;
  files: Map<string, string>;
  entry: IndexEntry;
}

/** Maps one bundle and checks its artifacts against the schemas; throws naming the file and field. */
export function buildOneVersion(version: string, bundleText: string, label: string, catalog: OssemCatalog, sources: SourceRecord[], includeDeprecated: boolean): BuiltVersion {
  const bundle = parseBundle(bundleText, label);
  const mapping = mapVersion(bundle, catalog, version, { includeDeprecated });
  // Navigator heat maps (all events, and one per log) are published beside the data, listed in the manifest.
  const { files, json, counts } = buildVersionArtifacts(mapping, sources, publishedLayerFiles);
  for (const [name, value] of json) {
    const problems = validateArtifact(name, value);
    if (problems.length > 0) throw new BuildError(`ATT&CK ${version}: ${name} does not match its schema: ${problems.join('; ')}`);
  }
  return { mapping, files, entry: { version, era: mapping.era, path: `${DOMAIN}/${version}`, counts } };
}

/** Index entries of versions already in the output folder that this build does not replace. */
async function keptEntries(outDir: string, replaced: Set<string>): Promise<IndexEntry[]> {
  const dir = path.join(outDir, DOMAIN);
  if (!(await exists(dir))) return [];
  const kept: IndexEntry[] = [];
  for (const v of await readdir(dir)) {
    if (replaced.has(v) || v.startsWith('.')) continue;
    const manifestPath = path.join(dir, v, 'manifest.json');
    if (!(await exists(manifestPath))) continue;
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { attackVersion: string; era: IndexEntry['era']; counts: IndexEntry['counts'] };
    kept.push({ version: m.attackVersion, era: m.era, path: `${DOMAIN}/${m.attackVersion}`, counts: m.counts });
  }
  return kept;
}

export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  const fetcher = createFetcher(opts.mode, opts.tuning);
  const staging = path.join(opts.outDir, `.staging-${process.pid}-${Date.now()}`);
  try {
    const versions = await resolveVersions(opts, fetcher);
    const { catalog, sources } = await loadCatalog(opts, fetcher);
    log(`OSSEM: ${catalog.events.size} events known, ${catalog.dmByComponent.size} data components in OSSEM-DM`);
    const entries: IndexEntry[] = [];
    // Fetch (and gunzip, on libuv's thread pool) the next bundle while this one is mapped.
    const fetchBundle = (version: string): Promise<Fetched> => {
      const p = fetcher.get(attackBundleUrl(version, opts.layout));
      // A rejected prefetch is awaited (and reported) only when its turn comes.
      p.catch(() => {});
      return p;
    };
    let next = versions[0] === undefined ? undefined : fetchBundle(versions[0]);
    for (let i = 0; i < versions.length; i++) {
      const version = versions[i] ?? '';
      const current = next ?? fetchBundle(version);
      const following = versions[i + 1];
      next = following === undefined ? undefined : fetchBundle(following);
      const url = attackBundleUrl(version, opts.layout);
      const bundle = verify(opts, await current, 'attack-bundle');
      const built = buildOneVersion(version, bundle.fetched.bytes.toString('utf8'), `ATT&CK ${version} (${url})`, catalog, [bundle.record, ...sources], opts.includeDeprecated);
      const dir = path.join(staging, DOMAIN, version);
      await mkdir(dir, { recursive: true });
      for (const [name, content] of built.files) await writeFileAtomic(path.join(dir, name), content);
      entries.push(built.entry);
      const c = built.entry.counts;
      log(`ATT&CK ${version}: ${c.techniques} Windows techniques, ${c.techniquesWithEvents} with events, ${c.events} events, ${c.rows} rows (${built.entry.era})`);
    }
    // Everything built and validated: swap the new versions in, then rewrite index and schemas.
    const replaced = new Set(versions);
    const all = [...(await keptEntries(opts.outDir, replaced)), ...entries];
    const index = buildIndex(all);
    const indexProblems = validateArtifact('index.json', JSON.parse(index));
    if (indexProblems.length > 0) throw new BuildError(`index.json does not match its schema: ${indexProblems.join('; ')}`);
    if (opts.check) {
      await writeFileAtomic(path.join(staging, 'index.json'), index);
      for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await writeFileAtomic(path.join(staging, 'schemas', name), stringifyJson(schema));
      const rel = ['index.json', ...Object.keys(PUBLISHED_SCHEMAS).map((n) => path.join('schemas', n))];
      for (const version of versions) for (const name of await readdir(path.join(staging, DOMAIN, version))) rel.push(path.join(DOMAIN, version, name));
      return { versions, stale: await compareWithOutput(staging, opts.outDir, rel) };
    }
    await mkdir(path.join(opts.outDir, DOMAIN), { recursive: true });
    for (const version of versions) {
      const target = path.join(opts.outDir, DOMAIN, version);
      const old = path.join(opts.outDir, DOMAIN, `.old-${version}-${process.pid}`);
      if (await exists(target)) await rename(target, old);
      await rename(path.join(staging, DOMAIN, version), target);
      await rm(old, { recursive: true, force: true });
    }
    for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await writeFileAtomic(path.join(opts.outDir, 'schemas', name), stringifyJson(schema));
    await writeFileAtomic(path.join(opts.outDir, 'index.json'), index);
    if (opts.updateLock) {
      opts.lock.attackVersions = [...new Set([...opts.lock.attackVersions, ...versions])].sort(compareVersions);
      await writeLock(opts.lockPath, opts.lock);
      log(`lock: ${opts.lockPath} updated`);
    }
    return { versions, stale: [] };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await fetcher.close();
  }
}
