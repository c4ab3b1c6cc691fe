/**
 * The content-addressed build cache: a version's files are a pure function of its bundle, the shared
 * sources, the version string, `--include-deprecated` and the build code itself, so a version whose
 * inputs all hash the same is copied from `.cache/builds/<key>/` instead of rebuilt.
 *
 *   <dir>/<key>/entry.json   { format, key, entry (the index entry), files: { name: sha256 } }
 *   <dir>/<key>/files/…      the version's files, exactly as the build wrote them
 *
 * An entry is written into a temporary folder and renamed into place, so a killed build never leaves
 * a half entry under its key; on restore every file is hashed again, and an entry that does not
 * match (a file edited, truncated, missing or added) is removed and the version rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IndexEntry, SourceRecord } from '../artifacts/build.ts';
import { buildCodeVersion } from './code-version.ts';
import type { VersionJob } from './version.ts';

/** Bumped when the entry layout changes: older entries are then never read. */
export const CACHE_FORMAT = 1;
/** Entries kept after a build, most recently used first (the nine versions, about 90 MB, four times over). */
export const CACHE_KEEP = 36;

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const KEY = /^[0-9a-f]{64}$/;

export interface VersionKeyInput {
  version: string;
  includeDeprecated: boolean;
  /** Every upstream file the version is built from (the bundle and the shared sources), with its sha256. */
  sources: SourceRecord[];
  /** The build code's own version (`buildCodeVersion()`). */
  code: string;
}

/** The cache key of one version build: the sha256 of everything its files depend on. */
export function versionCacheKey(input: VersionKeyInput): string {
  const sources = input.sources.map((s) => [s.role, s.url, s.sha256, s.size]);
  return sha256(JSON.stringify({ format: CACHE_FORMAT, version: input.version, includeDeprecated: input.includeDeprecated, sources, code: input.code }));
}

interface EntryFile {
  format: number;
  key: string;
  entry: IndexEntry;
  files: Record<string, string>;
}

export type CacheOutcome = 'hit' | 'miss' | 'corrupt';

export class BuildCache {
  constructor(readonly dir: string) {}

  /**
   * Writes the cached files of `key` into `outDir` and returns its index entry (`hit`); no entry when
   * there is none (`miss`) or when it fails its hash check (`corrupt`: it is removed, nothing is written).
   */
  async restore(key: string, outDir: string): Promise<{ entry: IndexEntry | undefined; outcome: CacheOutcome }> {
    if (!KEY.test(key)) throw new Error(`build cache: "${key}" is not a sha256 key`);
    const entryDir = path.join(this.dir, key);
    let meta: EntryFile;
    try {
      meta = JSON.parse(await readFile(path.join(entryDir, 'entry.json'), 'utf8')) as EntryFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entry: undefined, outcome: 'miss' };
      await rm(entryDir, { recursive: true, force: true });
      return { entry: undefined, outcome: 'corrupt' };
    }
    const files = await this.verified(entryDir, key, meta);
    if (!files) {
      await rm(entryDir, { recursive: true, force: true });
      return { entry: undefined, outcome: 'corrupt' };
    }
    await mkdir(outDir, { recursive: true });
    await Promise.all([...files].map(([name, bytes]) => writeFile(path.join(outDir, name), bytes)));
    // Most recently used first when pruning.
    const now = new Date();
    await utimes(entryDir, now, now).catch(() => {});
    return { entry: meta.entry, outcome: 'hit' };
  }

  /** The entry's files when every one is there with its recorded hash and nothing else is; else undefined. */
  private async verified(entryDir: string, key: string, meta: EntryFile): Promise<Map<string, Buffer> | undefined> {
    if (meta?.format !== CACHE_FORMAT || meta.key !== key || typeof meta.files !== 'object' || meta.files === null || typeof meta.entry?.version !== 'string') return undefined;
    const names = Object.keys(meta.files).sort();
    const present = (await readdir(path.join(entryDir, 'files')).catch(() => [] as string[])).sort();
    if (names.length === 0 || names.join('\n') !== present.join('\n')) return undefined;
    const out = new Map<string, Buffer>();
    for (const name of names) {
      const bytes = await readFile(path.join(entryDir, 'files', name));
      if (sha256(bytes) !== meta.files[name]) return undefined;
      out.set(name, bytes);
    }
    return out;
  }

  /** Stores the files of the version folder `fromDir` under `key` (the folder as the build wrote it). */
  async store(key: string, fromDir: string, entry: IndexEntry): Promise<void> {
    if (!KEY.test(key)) throw new Error(`build cache: "${key}" is not a sha256 key`);
    await mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.tmp-${key.slice(0, 12)}-${process.pid}-${Date.now()}`);
    try {
      await mkdir(path.join(temp, 'files'), { recursive: true });
      const files: Record<string, string> = {};
      for (const name of (await readdir(fromDir)).sort()) {
        const bytes = await readFile(path.join(fromDir, name));
        files[name] = sha256(bytes);
        await writeFile(path.join(temp, 'files', name), bytes);
      }
      const meta: EntryFile = { format: CACHE_FORMAT, key, entry, files };
      await writeFile(path.join(temp, 'entry.json'), `${JSON.stringify(meta, null, 2)}\n`);
      const target = path.join(this.dir, key);
      // A corrupt entry was removed on restore; a whole one (another build's) is as good as ours.
      await rm(target, { recursive: true, force: true });
      try {
        await rename(temp, target);
      } catch (e) {
        // Another build stored the same key between the two calls: its entry is the same bytes.
        if (!(await stat(target).catch(() => undefined))?.isDirectory()) throw e;
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  /** Removes all but the `keep` most recently used entries, and temporary folders of killed builds. */
  async prune(keep = CACHE_KEEP): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const entries: Array<{ name: string; used: number }> = [];
    for (const name of names) {
      const p = path.join(this.dir, name);
      if (name.startsWith('.tmp-')) {
        // Another build may be writing it right now: only leftovers older than an hour go.
        const s = await stat(p).catch(() => undefined);
        if (s && Date.now() - s.mtimeMs > 3_600_000) await rm(p, { recursive: true, force: true });
      } else if (KEY.test(name)) {
        const s = await stat(p).catch(() => undefined);
        if (s) entries.push({ name, used: s.mtimeMs });
      }
    }
    entries.sort((a, b) => b.used - a.used || (a.name < b.name ? -1 : 1));
    for (const e of entries.slice(keep)) await rm(path.join(this.dir, e.name), { recursive: true, force: true });
  }
}

export interface CachedBuild {
  entry: IndexEntry;
  outcome: CacheOutcome;
}

/**
 * Builds `job` through the cache: restores its files into `job.dir` when the key is there and whole,
 * else runs `build` and stores what it wrote. Without a cache, always builds (`miss`).
 */
export async function buildThroughCache(cache: BuildCache | undefined, job: VersionJob, build: (job: VersionJob) => Promise<IndexEntry>): Promise<CachedBuild> {
  if (!cache) return { entry: await build(job), outcome: 'miss' };
  const key = versionCacheKey({ version: job.version, includeDeprecated: job.includeDeprecated, sources: job.sources, code: await buildCodeVersion() });
  const restored = await cache.restore(key, job.dir);
  if (restored.entry) return { entry: restored.entry, outcome: 'hit' };
  const entry = await build(job);
  await cache.store(key, job.dir, entry);
  return { entry, outcome: restored.outcome };
}
