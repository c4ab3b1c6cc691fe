/**
 * The build, step by step: sources → OSSEM catalogue → per version: bundle → mapping → artifacts.
 * Everything is written into a temporary folder beside the output and swapped in only when every
 * requested version has built and validated, so a failed build leaves the previous output as it was.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildIndex, compareVersions, type IndexEntry } from '../artifacts/build.ts';
import { stringifyJson } from '../lib/json.ts';
import { PUBLISHED_SCHEMAS, validateArtifact } from '../artifacts/schemas.ts';
import { versionBuilder } from './builders.ts';
import { BuildCache, buildThroughCache, type CacheOutcome } from './cache.ts';
import { BuildError } from './errors.ts';
import { fetchShared, verify } from './shared.ts';
import { type VersionJob, versionJob } from './version.ts';
import { installedEntries, readIndexEntry } from './installed.ts';
import { install, installCommitted, recoverInstall, stageFile, type Move, type StepHook } from './install.ts';
import { shrinkMessage, shrinkProblems } from './shrink.ts';
import { DOMAIN } from '../lib/domain.ts';
import { parseAttackIndex } from '../sources/attack-index.ts';
import { createFetcher, type Fetcher } from '../sources/fetcher.ts';
import { serializeLock } from '../sources/lock.ts';
import type { Fetched, FetchTuning, LockFile, SourceMode } from '../sources/types.ts';
import { ATTACK_INDEX_URL, attackBundleUrl, type AttackLayout } from '../sources/upstream.ts';

export { BuildError, DOMAIN };
export { loadShared, type SharedSources } from './shared.ts';
export { buildOneVersion, type BuiltVersion } from './version.ts';

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
  /** Install a version that lost more than half its rows or techniques (refused by default). */
  allowShrink?: boolean;
  /** Test hook: called before each step of the install (see scripts/build/install.ts). */
  installHook?: StepHook;
  /** Versions built at once, each in a worker thread (default 1: in this thread). */
  jobs?: number;
  /**
   * The content-addressed build cache folder (scripts/build/cache.ts): a version whose inputs and build
   * code hash the same as a cached one is copied from it, byte for byte. Undefined: every version is built.
   */
  buildCache?: string;
  tuning?: Partial<FetchTuning>;
  log?: (line: string) => void;
}

export interface BuildResult {
  versions: string[];
  /** With `check`: output files (relative to the output folder) that differ from a fresh build, or are missing. */
  stale: string[];
  /** Per version built: copied from the build cache (`hit`), built (`miss`), or rebuilt because its entry failed the hash check (`corrupt`). */
  cache: Record<string, CacheOutcome>;
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

export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  // Pinned files are capped at their pinned size and cached only when they match their pin.
  const fetcher = createFetcher(opts.mode, { ...opts.tuning, pins: opts.updateLock ? undefined : opts.lock.files });
  const staging = path.join(opts.outDir, `.staging-${process.pid}-${Date.now()}`);
  // A build killed during its install is finished first; leftovers of killed builds go.
  if (!opts.check) await recoverInstall(opts.outDir);
  try {
    const versions = await resolveVersions(opts, fetcher);
    const inputs = await fetchShared(opts, fetcher);
    const sources = inputs.sources;
    const builder = versionBuilder(inputs, versions.length, opts.jobs);
    const cache = opts.buildCache === undefined ? undefined : new BuildCache(opts.buildCache);
    const cacheOutcomes: Record<string, CacheOutcome> = {};
    const entries: IndexEntry[] = [];
    try {
      // Bundles are fetched (and gunzipped, on libuv's thread pool) one ahead of the builders: the
      // next one once the current one is parsed, so the memory peak (a bundle's text and JSON) never
      // holds a second bundle's bytes.
      const fetches = new Map<string, Promise<Fetched>>();
      const fetchBundle = (version: string | undefined): Promise<Fetched> | undefined => {
        if (version === undefined) return undefined;
        let p = fetches.get(version);
        if (!p) {
          p = fetcher.get(attackBundleUrl(version, opts.layout));
          // A rejected prefetch is awaited (and reported) only when its turn comes.
          p.catch(() => {});
          fetches.set(version, p);
        }
        return p;
      };
      // The job of the i-th version, its bundle fetched. Its own function so that only the job holds
      // the bundle's bytes: the build lets go of them once decoded.
      const jobAt = async (i: number): Promise<VersionJob> => {
        const version = versions[i] ?? '';
        const fetched = await (fetchBundle(version) as Promise<Fetched>);
        fetches.delete(version);
        return versionJob(verify(opts, fetched, 'attack-bundle'), {
          version,
          label: `ATT&CK ${version} (${attackBundleUrl(version, opts.layout)})`,
          sources,
          includeDeprecated: opts.includeDeprecated,
          dir: path.join(staging, DOMAIN, version),
        });
      };
      let next = 0;
      const built: Array<IndexEntry | undefined> = [];
      const lane = async (): Promise<void> => {
        while (next < versions.length) {
          const i = next++;
          const job = await jobAt(i);
          const version = job.version;
          const { entry, outcome } = await buildThroughCache(cache, job, (j) => builder.build(j, () => fetchBundle(versions[i + 1])));
          cacheOutcomes[version] = outcome;
          built[i] = entry;
          const c = entry.counts;
          log(`ATT&CK ${version}: ${c.techniques} Windows techniques, ${c.techniquesWithEvents} with events, ${c.events} events, ${c.rows} rows, ${c.links} links (${c.confirmedLinks} confirmed by ${c.rules} rules, ${c.namedLinks} named by ATT&CK) (${entry.era})${outcome === 'hit' ? ', copied from the build cache' : ''}`);
        }
      };
      // The first failure stops every lane from taking another version; it is the one reported.
      const results = await Promise.allSettled(Array.from({ length: builder.lanes }, lane));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const e of built) if (e) entries.push(e);
    } finally {
      await builder.close();
    }
    // Everything built and validated: swap the new versions in, then rewrite index and schemas.
    const replaced = new Set(versions);
    const all = [...(await installedEntries(opts.outDir, replaced)), ...entries];
    const index = buildIndex(all);
    const indexProblems = validateArtifact('index.json', JSON.parse(index));
    if (indexProblems.length > 0) throw new BuildError(`index.json does not match its schema: ${indexProblems.join('; ')}`);
    if (opts.check) {
      await stageFile(path.join(staging, 'index.json'), index);
      for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await stageFile(path.join(staging, 'schemas', name), stringifyJson(schema));
      const rel = ['index.json', ...Object.keys(PUBLISHED_SCHEMAS).map((n) => path.join('schemas', n))];
      for (const version of versions) for (const name of await readdir(path.join(staging, DOMAIN, version))) rel.push(path.join(DOMAIN, version, name));
      return { versions, stale: await compareWithOutput(staging, opts.outDir, rel), cache: cacheOutcomes };
    }
    // The shrink guard: a version losing more than half its rows or techniques is refused.
    const shrink: string[] = [];
    for (const e of entries) {
      // A version folder whose manifest cannot be read has nothing to shrink from.
      const old = await readIndexEntry(path.join(opts.outDir, DOMAIN, e.version)).catch(() => undefined);
      if (old) shrink.push(...shrinkProblems(e.version, old.counts, e.counts));
    }
    if (shrink.length > 0 && !opts.allowShrink) throw new BuildError(shrinkMessage(shrink, opts.outDir));
    // Everything staged (versions, index, schemas, the lock): install it with one commit point.
    for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await stageFile(path.join(staging, 'schemas', name), stringifyJson(schema));
    await stageFile(path.join(staging, 'index.json'), index);
    const trash = path.join(opts.outDir, `.trash-${process.pid}-${Date.now()}`);
    const moves: Move[] = versions.map((v) => ({ from: path.join(staging, DOMAIN, v), to: path.join(opts.outDir, DOMAIN, v), trash: path.join(trash, v) }));
    for (const name of Object.keys(PUBLISHED_SCHEMAS)) moves.push({ from: path.join(staging, 'schemas', name), to: path.join(opts.outDir, 'schemas', name), trash: '' });
    moves.push({ from: path.join(staging, 'index.json'), to: path.join(opts.outDir, 'index.json'), trash: '' });
    if (opts.updateLock) {
      opts.lock.attackVersions = [...new Set([...opts.lock.attackVersions, ...versions])].sort(compareVersions);
      await stageFile(path.join(staging, 'sources.lock.json'), serializeLock(opts.lock));
      moves.push({ from: path.join(staging, 'sources.lock.json'), to: opts.lockPath, trash: '' });
    }
    await install(opts.outDir, moves, [trash, staging], opts.installHook);
    if (opts.updateLock) log(`lock: ${opts.lockPath} updated`);
    await cache?.prune();
    return { versions, stale: [], cache: cacheOutcomes };
  } finally {
    // Once an install is committed (its journal written), its staged files are what finishes it.
    if (!(await installCommitted(opts.outDir))) await rm(staging, { recursive: true, force: true });
    await fetcher.close();
  }
}
