/**
 * The content-addressed build cache (scripts/build/cache.ts): a hit copies the same bytes a miss
 * builds; a changed input invalidates exactly the versions built from it; an entry that fails its
 * hash check is rebuilt; and the key follows the build code.
 */
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildCache, versionCacheKey } from '../../scripts/build/cache.ts';
import { hashCode, reachableModules } from '../../scripts/build/code-version.ts';
import { runBuild, type BuildOptions } from '../../scripts/build/run.ts';
import { readLock } from '../../scripts/sources/lock.ts';
import type { LockFile } from '../../scripts/sources/types.ts';
import { attackBundleUrl, OSSEM_LEGACY_URL } from '../../scripts/sources/upstream.ts';
import { mirrorPathFor } from '../../scripts/sources/url.ts';
import { repoRoot, sharedSourcesDir } from '../helpers/mirror-server.ts';
import { mirrorText } from '../helpers/real-sources.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';
import { overlayMirror } from '../nightly/overlay-mirror.ts';

const VERSIONS = ['6.3', '8.2'];
const tmp = tempDirs();
let lock: LockFile;
let cacheDir: string;
/** The first build through an empty cache (both versions missed, built and stored). */
let cold: Map<string, Buffer>;

async function options(over: Partial<BuildOptions> = {}): Promise<BuildOptions> {
  return {
    attack: VERSIONS,
    layout: 'stix-data',
    mode: { kind: 'mirror', dir: sharedSourcesDir() },
    outDir: await tmp.make('cache-out-'),
    lock: structuredClone(lock),
    lockPath: path.join(await tmp.make('cache-lock-'), 'sources.lock.json'),
    updateLock: false,
    includeDeprecated: false,
    buildCache: cacheDir,
    ...over,
  };
}

/** A mirror folder serving `files` (upstream URL → bytes) instead of the shared mirror's. */
async function changedMirror(files: Record<string, string>): Promise<string> {
  const dir = await tmp.make('cache-mirror-');
  await overlayMirror(sharedSourcesDir(), dir, Object.fromEntries(Object.entries(files).map(([url, text]) => [mirrorPathFor(url), text])));
  return dir;
}

/** The cache entries (folders) holding `version` (one per set of inputs built so far). */
async function entriesOf(version: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(cacheDir)) {
    const meta = JSON.parse(await readFile(path.join(cacheDir, name, 'entry.json'), 'utf8').catch(() => '{}')) as { entry?: { version: string } };
    if (meta.entry?.version === version) out.push(path.join(cacheDir, name));
  }
  expect(out.length).toBeGreaterThan(0);
  return out;
}

beforeAll(async () => {
  lock = await readLock(path.join(repoRoot, 'scripts', 'sources.lock.json'));
  cacheDir = path.join(await tmp.make('build-cache-'), 'builds');
  const o = await options();
  const result = await runBuild(o);
  expect(result.cache).toEqual({ '6.3': 'miss', '8.2': 'miss' });
  cold = await tree(o.outDir);
});
afterAll(() => tmp.cleanup());

describe('the build cache', () => {
  it('copies unchanged versions: a hit gives the bytes a miss built, and so does --no-cache', async () => {
    const hit = await options();
    const logged: string[] = [];
    expect((await runBuild({ ...hit, log: (l) => logged.push(l) })).cache).toEqual({ '6.3': 'hit', '8.2': 'hit' });
    expectSameTree(await tree(hit.outDir), cold);
    expect(logged.filter((l) => l.endsWith('copied from the build cache'))).toHaveLength(2);
    const none = await options({ attack: ['6.3'], buildCache: undefined });
    expect((await runBuild(none)).cache).toEqual({ '6.3': 'miss' });
    expectSameTree(await tree(path.join(none.outDir, 'enterprise-attack', '6.3')), await tree(await cpVersion('6.3')));
  });

  it('rebuilds exactly the version whose bundle changed', async () => {
    const url = attackBundleUrl('8.2', 'stix-data');
    // The same objects, other bytes: a new sha256 (the lock is re-pinned) for 8.2 only.
    const mirror = await changedMirror({ [url]: `${mirrorText(url)}\n` });
    const o = await options({ mode: { kind: 'mirror', dir: mirror }, updateLock: true });
    expect((await runBuild(o)).cache).toEqual({ '6.3': 'hit', '8.2': 'miss' });
    const manifest = JSON.parse(await readFile(path.join(o.outDir, 'enterprise-attack', '8.2', 'manifest.json'), 'utf8')) as { sources: Array<{ url: string; sha256: string }> };
    expect(manifest.sources.find((s) => s.url === url)?.sha256).not.toBe(lock.files[url]?.sha256);
    // 6.3 is the same bytes as the cold build.
    const got = await tree(o.outDir);
    for (const [rel, bytes] of cold) if (rel.startsWith(path.join('enterprise-attack', '6.3'))) expect(got.get(rel)?.equals(bytes), rel).toBe(true);
  });

  it('rebuilds every version when a shared source changed', async () => {
    const mirror = await changedMirror({ [OSSEM_LEGACY_URL]: `${mirrorText(OSSEM_LEGACY_URL)}\n` });
    const o = await options({ mode: { kind: 'mirror', dir: mirror }, updateLock: true });
    expect((await runBuild(o)).cache).toEqual({ '6.3': 'miss', '8.2': 'miss' });
  });

  it('detects a changed file in an entry, rebuilds the version, and stores it whole again', async () => {
    for (const dir of await entriesOf('6.3')) await writeFile(path.join(dir, 'files', 'mapping.csv'), 'technique_id\nT0000\n');
    const o = await options({ attack: ['6.3'] });
    expect((await runBuild(o)).cache).toEqual({ '6.3': 'corrupt' });
    expectSameTree(await tree(path.join(o.outDir, 'enterprise-attack', '6.3')), await tree(await cpVersion('6.3')));
    expect((await runBuild(await options({ attack: ['6.3'] }))).cache).toEqual({ '6.3': 'hit' });
  });

  it.each([
    ['a changed file', async (dir: string) => writeFile(path.join(dir, 'files', 'a.json'), '{"a": 2}\n')],
    ['a truncated file', async (dir: string) => writeFile(path.join(dir, 'files', 'a.json'), '{"a"')],
    ['a missing file', async (dir: string) => rm(path.join(dir, 'files', 'b.csv'))],
    ['an added file', async (dir: string) => writeFile(path.join(dir, 'files', 'extra.json'), '{}\n')],
    ['an unreadable entry.json', async (dir: string) => writeFile(path.join(dir, 'entry.json'), '{"format": 1, "ke')],
    ['an entry.json of another key', async (dir: string) => writeFile(path.join(dir, 'entry.json'), (await readFile(path.join(dir, 'entry.json'), 'utf8')).replace(/"key": "[0-9a-f]+"/, `"key": "${'0'.repeat(64)}"`))],
  ])('detects %s in an entry and removes it', async (_name, corrupt) => {
    const cache = new BuildCache(await tmp.make('cache-unit-'));
    const key = 'e'.repeat(64);
    const from = await tmp.make('cache-from-');
    await writeTree(from, { 'a.json': '{"a": 1}\n', 'b.csv': 'x,y\n1,2\n' });
    const entry = { version: '1.0', era: 'data-components' as const, path: 'enterprise-attack/1.0', counts: {} as never };
    await cache.store(key, from, entry);
    const whole = await cache.restore(key, await tmp.make('cache-to-'));
    expect(whole).toEqual({ entry, outcome: 'hit' });
    await corrupt(path.join(cache.dir, key));
    const to = await tmp.make('cache-to-');
    expect(await cache.restore(key, to)).toEqual({ entry: undefined, outcome: 'corrupt' });
    expect(await readdir(to)).toEqual([]);
    expect(await readdir(cache.dir)).toEqual([]);
  });

  it('keeps the most recently used entries when pruning, and removes leftovers of killed builds', async () => {
    const dir = await tmp.make('cache-prune-');
    const keys = ['a', 'b', 'c'].map((c) => c.repeat(64));
    for (const [i, key] of keys.entries()) {
      await writeTree(path.join(dir, key), { 'entry.json': '{}' });
      const t = new Date(Date.now() - (3 - i) * 60_000);
      await utimes(path.join(dir, key), t, t);
    }
    await mkdir(path.join(dir, '.tmp-old'));
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(path.join(dir, '.tmp-old'), old, old);
    await mkdir(path.join(dir, '.tmp-running'));
    await new BuildCache(dir).prune(2);
    expect((await readdir(dir)).sort()).toEqual(['.tmp-running', keys[1], keys[2]].sort());
  });
});

describe('the cache key', () => {
  const base = { version: '18.1', includeDeprecated: false, sources: [{ role: 'attack-bundle', url: 'https://x/b.json', sha256: '1'.repeat(64), size: 10 }], code: 'c'.repeat(64) };

  it('changes with every input and with the build code', () => {
    const key = versionCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(versionCacheKey(structuredClone(base))).toBe(key);
    const variants = [
      { ...base, version: '18.0' },
      { ...base, includeDeprecated: true },
      { ...base, code: 'd'.repeat(64) },
      { ...base, sources: [{ ...base.sources[0]!, sha256: '2'.repeat(64) }] },
      { ...base, sources: [{ ...base.sources[0]!, url: 'https://x/c.json' }] },
      { ...base, sources: [...base.sources, { role: 'ossem-dm', url: 'https://x/dm.yml', sha256: '3'.repeat(64), size: 1 }] },
    ];
    const keys = new Set(variants.map(versionCacheKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(key)).toBe(false);
  });

  it('follows the modules a build imports, and no others', async () => {
    const dir = await tmp.make('code-version-');
    await writeTree(dir, {
      'build/version.ts': "import { a } from '../lib/a.ts';\nimport type { T } from './types.ts';\nexport const v = a;\n",
      'build/types.ts': 'export type T = 1;\n',
      'lib/a.ts': "export { b as a } from './b.ts';\nconst later = () => import('./c.ts');\n",
      'lib/b.ts': 'export const b = 1;\n',
      'lib/c.ts': 'export const c = 2;\n',
      'cli/unrelated.ts': "import { v } from '../build/version.ts';\n",
    });
    const modules = await reachableModules([path.join(dir, 'build', 'version.ts')]);
    expect(modules.map((m) => path.relative(dir, m).split(path.sep).join('/'))).toEqual(['build/types.ts', 'build/version.ts', 'lib/a.ts', 'lib/b.ts', 'lib/c.ts']);
    const before = await hashCode(modules, dir);
    await writeFile(path.join(dir, 'cli', 'unrelated.ts'), '// edited\n');
    expect(await hashCode(modules, dir)).toBe(before);
    await writeFile(path.join(dir, 'lib', 'b.ts'), 'export const b = 2;\n');
    expect(await hashCode(modules, dir)).not.toBe(before);
  });
});

/** The cold build's folder of `version`, copied out of `cold` into a folder of its own. */
async function cpVersion(version: string): Promise<string> {
  const dir = await tmp.make('cache-cold-');
  const prefix = path.join('enterprise-attack', version) + path.sep;
  for (const [rel, bytes] of cold) if (rel.startsWith(prefix)) await writeTree(dir, { [rel.slice(prefix.length)]: bytes });
  return dir;
}
