/**
 * The install's commit point: a build stopped at any step leaves, once recovered, the old output or
 * the new one, never a mix; leftovers of killed runs are removed; the shrink guard of npm run data.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, watch } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, type IndexEntry } from '../../scripts/artifacts/build.ts';
import { JOURNAL, recoverInstall } from '../../scripts/build/install.ts';
import { runBuild, type BuildOptions } from '../../scripts/build/run.ts';
import { readLock } from '../../scripts/sources/lock.ts';
import type { LockFile } from '../../scripts/sources/types.ts';
import { repoRoot, sharedSourcesDir } from '../helpers/mirror-server.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';

const DATA = path.join(repoRoot, 'data');
const VERSIONS = ['6.3', '8.2'];
const tmp = tempDirs();
let lock: LockFile;
/**
 * One build cache for this file: the first build of VERSIONS is cold, the others copy it (what is
 * tested here is the install, not the build; one killed process below builds cold, the others
 * copy from this cache, so that most of their run is the install).
 */
let buildCache: string;
/** The output of a clean build of VERSIONS into an empty folder. */
let fresh: Map<string, Buffer>;

/** An output folder holding an older build of VERSIONS: the committed files plus a marker in each version. */
async function oldOutput(): Promise<string> {
  const out = await tmp.make('install-old-');
  const entries: IndexEntry[] = [];
  const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { versions: IndexEntry[] };
  for (const v of VERSIONS) {
    await cp(path.join(DATA, 'enterprise-attack', v), path.join(out, 'enterprise-attack', v), { recursive: true });
    await writeFile(path.join(out, 'enterprise-attack', v, 'old-marker.txt'), `old ${v}\n`);
    entries.push(...index.versions.filter((e) => e.version === v));
  }
  await writeFile(path.join(out, 'index.json'), buildIndex(entries));
  await cp(path.join(DATA, 'schemas'), path.join(out, 'schemas'), { recursive: true });
  return out;
}

async function options(outDir: string, over: Partial<BuildOptions> = {}): Promise<BuildOptions> {
  return {
    attack: VERSIONS,
    layout: 'stix-data',
    mode: { kind: 'mirror', dir: sharedSourcesDir() },
    outDir,
    lock: structuredClone(lock),
    lockPath: path.join(await tmp.make('install-lock-'), 'sources.lock.json'),
    updateLock: false,
    includeDeprecated: false,
    jobs: 1,
    buildCache,
    ...over,
  };
}

function expectOldOrNew(actual: Map<string, Buffer>, old: Map<string, Buffer>, label: string): 'old' | 'new' {
  const same = (a: Map<string, Buffer>, b: Map<string, Buffer>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k)?.equals(v) === true);
  if (same(actual, old)) return 'old';
  if (same(actual, fresh)) return 'new';
  const extra = [...actual.keys()].filter((k) => !fresh.has(k) && !old.has(k));
  throw new Error(`${label}: the output is neither the old nor the new build (files of neither: ${extra.slice(0, 5).join(', ')})`);
}

beforeAll(async () => {
  lock = await readLock(path.join(repoRoot, 'scripts', 'sources.lock.json'));
  buildCache = await tmp.make('install-build-cache-');
  const out = await tmp.make('install-fresh-');
  await runBuild(await options(out));
  fresh = await tree(out);
});
afterAll(() => tmp.cleanup());

describe('the install step', () => {
  it.each(['journal', 'move 0', 'move 1', 'move 3', 'move 9', 'cleanup'])('stopped before "%s", the next run finishes or forgets it, never a mix', async (stop) => {
    const out = await oldOutput();
    const old = await tree(out);
    const crash = new Error(`stopped before ${stop}`);
    await expect(
      runBuild(
        await options(out, {
          installHook: (step) => {
            if (step === stop) throw crash;
          },
        }),
      ),
    ).rejects.toBe(crash);
    const { finished } = await recoverInstall(out);
    expect(finished).toBe(stop !== 'journal');
    expect(expectOldOrNew(await tree(out), old, stop)).toBe(stop === 'journal' ? 'old' : 'new');
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a build started after a stopped one finishes it first, then builds', async () => {
    const out = await oldOutput();
    await expect(runBuild(await options(out, { installHook: (s) => { if (s === 'move 1') throw new Error('stop'); } }))).rejects.toThrow('stop');
    expect(await readdir(out)).toContain(JOURNAL);
    await runBuild(await options(out));
    expectSameTree(await tree(out), fresh);
  });

  it('refuses a journal it did not write, touching nothing', async () => {
    const out = await oldOutput();
    await writeFile(path.join(out, JOURNAL), '{"moves": "everything"}');
    await expect(recoverInstall(out)).rejects.toThrow(/is not an install journal this build wrote/);
  });

  it('killing a real build process at many points leaves, once recovered, the old output or the new one', async () => {
    /** Runs `npm run data` of VERSIONS over an old output; `kill` says when to SIGKILL it, if at all. */
    type Kill = { afterMs: number } | { when: (out: string) => boolean } | { onJournal: true };
    const build = async (cold: boolean, kill: Kill | null): Promise<{ outcome: string; ms: number }> => {
      const out = await oldOutput();
      const old = await tree(out);
      const t0 = performance.now();
      const cache = cold ? ['--no-cache'] : ['--build-cache', buildCache];
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'cli', 'data.ts'), '--attack', VERSIONS.join(','), '--mirror', sharedSourcesDir(), '--out', out, '--jobs', '1', ...cache, '--lock', path.join(repoRoot, 'scripts', 'sources.lock.json')], { cwd: repoRoot, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      // The journal is the install's commit point: killed the moment it appears, the build is
      // mid-install, and the next run must finish it.
      const watcher = kill && 'onJournal' in kill ? watch(out, (_event, name) => name === JOURNAL && child.kill('SIGKILL')) : undefined;
      if (kill && 'afterMs' in kill) timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
      else if (kill && 'when' in kill) {
        timer = setInterval(() => {
          if (kill.when(out)) child.kill('SIGKILL');
        }, 10);
      }
      await exited;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      clearInterval(timer);
      watcher?.close();
      await recoverInstall(out);
      const label = `${cold ? 'cold' : 'from the cache'}, ${kill === null ? 'not killed' : 'afterMs' in kill ? `killed at ${Math.round(kill.afterMs)} ms` : 'when' in kill ? 'killed mid-build' : 'killed when its journal appeared'}`;
      const outcome = expectOldOrNew(await tree(out), old, label);
      expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
      expect((await readdir(path.join(out, 'enterprise-attack'))).filter((n) => n.startsWith('.'))).toEqual([]);
      return { outcome: `${label}: ${outcome}`, ms };
    };
    // A cold build killed once it has written a version into its staging tree.
    const staged = (out: string): boolean => readdirSync(out).some((n) => n.startsWith('.staging-') && existsSync(path.join(out, n, 'enterprise-attack', VERSIONS[0] ?? '', 'manifest.json')));
    const outcomes = [(await build(true, { when: staged })).outcome];
    expect(outcomes[0]).toMatch(/: old$/);
    // Builds copied from the cache, so most of each run is the install: one run to its end (which
    // must install the new build), then kills at 20 to 97 % of its length, thickest at the end
    // (points in fixed milliseconds fell after the end on a fast machine, before the install on a slow one).
    const whole = await build(false, null);
    expect(whole.outcome).toMatch(/: new$/);
    outcomes.push(whole.outcome);
    for (const f of [0.2, 0.6, 0.85, 0.92, 0.97]) outcomes.push((await build(false, { afterMs: f * whole.ms })).outcome);
    outcomes.push((await build(false, { onJournal: true })).outcome);
    // Killed at its start, the old output stays: the kills did stop builds.
    expect(outcomes[2]).toMatch(/: old$/);
  }, 240_000);
});

describe('the shrink guard of npm run data', () => {
  it('refuses a version that would lose more than half its rows, unless allowed', async () => {
    const out = await oldOutput();
    const manifestPath = path.join(out, 'enterprise-attack', '6.3', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { counts: { rows: number } };
    manifest.counts.rows = 1_000_000;
    await writeFile(manifestPath, JSON.stringify(manifest));
    const before = await tree(out);
    await expect(runBuild(await options(out))).rejects.toThrow(/ATT&CK 6\.3 would go from 1000000 to \d+ mapping rows: refusing to update .*--allow-shrink/);
    expectSameTree(await tree(out), before);
    await runBuild(await options(out, { allowShrink: true }));
    expectSameTree(await tree(out), fresh);
  });
});

describe('leftovers', () => {
  it('staging, trash and temp files of killed runs are removed by the next run', async () => {
    const out = await oldOutput();
    await mkdir(path.join(out, '.staging-1-2', 'enterprise-attack'), { recursive: true });
    await mkdir(path.join(out, 'enterprise-attack', '.old-6.3-99'), { recursive: true });
    await writeFile(path.join(out, 'index.json.123.abc.tmp'), 'x');
    const { removed } = await recoverInstall(out);
    expect(removed.map((p) => path.relative(out, p)).sort()).toEqual(['.staging-1-2', path.join('enterprise-attack', '.old-6.3-99'), 'index.json.123.abc.tmp']);
  });
});
