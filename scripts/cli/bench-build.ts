/**
 * The whole build against its floor, each measured in a fresh Node process so that time and peak
 * memory (the process's max RSS) belong to that run alone:
 *
 *   floor  gunzip + UTF-8 decoding + JSON.parse of every bundle, one after the other, nothing kept;
 *   cold   `npm run data` of the same versions from the mirror folder, with no build cache;
 *   warm   the same with every version already in the build cache (an unchanged nightly's build).
 *
 * Times are measured inside each process (from before the work to after it: no Node start-up).
 * `benchBuild()` returns the figures; `npm run bench` prints them beside their targets.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runBuild } from '../build/run.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { createFetcher } from '../sources/fetcher.ts';
import { readLock } from '../sources/lock.ts';
import { attackBundleUrl } from '../sources/upstream.ts';
import { DEFAULT_LOCK } from './data.ts';
import { isMain, parseCliArgs, runCli, UsageError } from './errors.ts';

const run = promisify(execFile);

/** Issue 14's targets: the cold build within 1.5 × the floor's time and 1.2 × its peak memory. */
export const BUILD_TARGETS = { timeRatio: 1.5, memoryRatio: 1.2, warmSeconds: 5 } as const;

export interface ProcessFigures {
  seconds: number;
  /** Peak resident memory of the whole process (Node's own ~50 MB included), MB. */
  peakMb: number;
}

export interface BuildBench {
  versions: string[];
  floor: ProcessFigures;
  cold: ProcessFigures;
  warm: ProcessFigures;
}

type Kind = 'floor' | 'cold' | 'warm';

/** Runs one measurement in this process (the child's side). */
async function measure(kind: Kind, mirror: string, versions: string[], out: string, cache: string): Promise<ProcessFigures> {
  const t0 = performance.now();
  if (kind === 'floor') {
    const fetcher = createFetcher({ kind: 'mirror', dir: mirror });
    try {
      for (const v of versions) JSON.parse((await fetcher.get(attackBundleUrl(v, 'stix-data'))).bytes.toString('utf8'));
    } finally {
      await fetcher.close();
    }
  } else {
    const lock = await readLock(DEFAULT_LOCK);
    const result = await runBuild({
      attack: versions,
      layout: 'stix-data',
      mode: { kind: 'mirror', dir: mirror },
      outDir: out,
      lock,
      lockPath: DEFAULT_LOCK,
      updateLock: false,
      includeDeprecated: false,
      ...(kind === 'warm' ? { buildCache: cache } : {}),
    });
    const expected = kind === 'warm' ? 'hit' : 'miss';
    const wrong = Object.entries(result.cache).filter(([, o]) => o !== expected);
    if (wrong.length > 0) throw new Error(`bench ${kind}: ${wrong.map(([v, o]) => `${v} was a ${o}`).join(', ')}, expected every version to be a ${expected}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, peakMb: process.resourceUsage().maxRSS / 1024 };
}

async function child(kind: Kind, mirror: string, versions: string[], out: string, cache: string): Promise<ProcessFigures> {
  const script = path.join(REPO_ROOT, 'scripts', 'cli', 'bench-build.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, kind, mirror, versions.join(','), out, cache], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ProcessFigures;
}

/** Floor, cold build and warm (all cached) build of `versions`, each in its own process. */
export async function benchBuild(o: { mirror: string; versions: string[] }): Promise<BuildBench> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-build-'));
  try {
    const cache = path.join(work, 'cache');
    const floor = await child('floor', o.mirror, o.versions, path.join(work, 'floor'), cache);
    const cold = await child('cold', o.mirror, o.versions, path.join(work, 'cold'), cache);
    // Fills the cache (a cold build through it, not measured), then the measured run copies every version.
    await fillCache(o, path.join(work, 'fill'), cache);
    const warm = await child('warm', o.mirror, o.versions, path.join(work, 'warm'), cache);
    return { versions: o.versions, floor, cold, warm };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fillCache(o: { mirror: string; versions: string[] }, out: string, cache: string): Promise<void> {
  const lock = await readLock(DEFAULT_LOCK);
  await runBuild({ attack: o.versions, layout: 'stix-data', mode: { kind: 'mirror', dir: o.mirror }, outDir: out, lock, lockPath: DEFAULT_LOCK, updateLock: false, includeDeprecated: false, buildCache: cache });
}

export function formatBuildBench(b: BuildBench): string {
  const t = BUILD_TARGETS;
  const timeRatio = b.cold.seconds / b.floor.seconds;
  const memRatio = b.cold.peakMb / b.floor.peakMb;
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const lines = [
    `| whole build of ${b.versions.length} versions (each in a fresh process) | time | peak RSS | target |`,
    '|---|---:|---:|---|',
    `| floor: gunzip + decode + JSON.parse of every bundle | ${b.floor.seconds.toFixed(2)} s | ${b.floor.peakMb.toFixed(0)} MB | |`,
    `| cold build (--no-cache) | ${b.cold.seconds.toFixed(2)} s = ${timeRatio.toFixed(2)} × floor | ${b.cold.peakMb.toFixed(0)} MB = ${memRatio.toFixed(2)} × floor | time ≤ ${t.timeRatio} × (${met(timeRatio <= t.timeRatio)}), memory ≤ ${t.memoryRatio} × (${met(memRatio <= t.memoryRatio)}) |`,
    `| unchanged rebuild (every version from the build cache) | ${b.warm.seconds.toFixed(2)} s | ${b.warm.peakMb.toFixed(0)} MB | ≤ ${t.warmSeconds} s (${met(b.warm.seconds <= t.warmSeconds)}) |`,
  ];
  return `${lines.join('\n')}\n`;
}

if (isMain(import.meta.url)) {
  // The child's side: `bench-build.ts KIND MIRROR VERSIONS OUT CACHE`, one JSON line on stdout.
  const usage = 'Usage: tsx scripts/cli/bench-build.ts floor|cold|warm MIRROR VERSIONS OUT CACHE (npm run bench runs it)\n';
  await runCli(async () => {
    const [kind, mirror, versions, out, cache] = parseCliArgs(process.argv.slice(2), {}, usage, true).positionals;
    if (kind !== 'floor' && kind !== 'cold' && kind !== 'warm') throw new UsageError(`bench-build: unknown measurement "${kind}"\n\n${usage}`);
    const figures = await measure(kind, mirror ?? '', (versions ?? '').split(','), out ?? '', cache ?? '');
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  });
}
