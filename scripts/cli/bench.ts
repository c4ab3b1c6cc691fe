/**
 * `npm run bench`: speed and memory of the build, per stage and per version, against the floor of
 * `JSON.parse` of the same bundle in the same run; then the whole offline build of every version.
 * Figures go to stdout as a Markdown table (paste into the README with the machine they came from).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readBundle } from '../attack/stix.ts';
import { buildVersionArtifacts } from '../artifacts/build.ts';
import { writeVersionFiles } from '../build/version.ts';
import { publishedLayerFiles } from '../coverage/layers.ts';
import { validateArtifact } from '../artifacts/schemas.ts';
import { mapVersion } from '../mapping/map.ts';
import { createFetcher } from '../sources/fetcher.ts';
import { readLock } from '../sources/lock.ts';
import { attackBundleUrl } from '../sources/upstream.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { DEFAULT_LOCK } from './data.ts';
import { parseCliArgs, runCli } from './errors.ts';
import { benchBuild, formatBuildBench } from './bench-build.ts';
import { benchSite, formatSiteBench } from './bench-site.ts';
import { benchStart, benchTests, formatStartBench } from './bench-start.ts';
import { loadShared, runBuild } from '../build/run.ts';

interface Row {
  version: string;
  read: number;
  decode: number;
  /** UTF-8 decoding + JSON.parse. */
  floor: number;
  parse: number;
  map: number;
  write: number;
  total: number;
  peakMb: number;
}

const ms = (n: number): string => n.toFixed(0);

/** Peak resident memory, sampled: good enough to compare versions, not to the byte. */
class PeakMemory {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => this.sample(), 5);
  }
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  stop(): number {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return this.peak / 1024 / 1024;
  }
}

const USAGE = `Usage: npm run bench -- [--mirror DIR] [--attack V[,V…]] [--no-site] [--no-test]

  --mirror DIR    the offline mirror to build from (default: ../shared/sources)
  --attack LIST   versions to time (default: the lock's attackVersions)
  --no-site       leave out the site build and npm start
  --no-test       leave out npm test (vitest run, about 2 min)
  -h, --help      this text
`;

async function main(): Promise<void> {
  const { values } = parseCliArgs(process.argv.slice(2), { mirror: { type: 'string' }, attack: { type: 'string' }, 'no-site': { type: 'boolean' }, 'no-test': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const mirror = path.resolve(values.mirror ?? path.join(REPO_ROOT, '..', 'shared', 'sources'));
  const lock = await readLock(DEFAULT_LOCK);
  const versions = values.attack ? values.attack.split(',') : lock.attackVersions;
  const fetcher = createFetcher({ kind: 'mirror', dir: mirror });
  const out = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
  try {
    const buildOptions = {
      attack: versions,
      layout: 'stix-data' as const,
      mode: { kind: 'mirror' as const, dir: mirror },
      outDir: path.join(out, 'whole'),
      lock,
      lockPath: DEFAULT_LOCK,
      updateLock: false,
      includeDeprecated: false,
    };
    const c0 = performance.now();
    const shared = await loadShared(buildOptions, fetcher);
    const { catalog } = shared;
    const catalogMs = performance.now() - c0;

    const rows: Row[] = [];
    for (const version of versions) {
      global.gc?.();
      const mem = new PeakMemory();
      mem.start();
      const t0 = performance.now();
      const bytes = (await fetcher.get(attackBundleUrl(version, 'stix-data'))).bytes;
      const t1 = performance.now();
      // The floor: gunzip (above), UTF-8 decoding (JSON.parse reads a string) and JSON.parse of the
      // same bundle, and nothing else.
      const d0 = performance.now();
      const raw = bytes.toString('utf8');
      const decode = performance.now() - d0;
      const f0 = performance.now();
      JSON.parse(raw);
      const floor = performance.now() - f0;
      const p0 = performance.now();
      const bundle = readBundle(JSON.parse(raw) as Parameters<typeof readBundle>[0], version);
      const p1 = performance.now();
      const mapping = mapVersion(bundle, catalog, version, { rules: shared.rules, extraProblems: shared.ruleProblems });
      const p2 = performance.now();
      const built = buildVersionArtifacts(mapping, [], publishedLayerFiles);
      for (const [name, value] of built.json) validateArtifact(name, value);
      await writeVersionFiles(path.join(out, version), built.bytes);
      const p3 = performance.now();
      rows.push({ version, read: t1 - t0, decode, floor: decode + floor, parse: p1 - p0, map: p2 - p1, write: p3 - p2, total: p3 - t0 - floor, peakMb: mem.stop() });
    }

    const wholeRun = async (jobs: number): Promise<number> => {
      const w0 = performance.now();
      await runBuild({ ...buildOptions, lock: structuredClone(lock), outDir: path.join(out, `whole-${jobs}`), jobs });
      return performance.now() - w0;
    };
    const wholeSerial = await wholeRun(1);
    const wholeWorkers = await wholeRun(2);
    const whole = Math.min(wholeSerial, wholeWorkers);
    // The floor of the whole build: gunzip + UTF-8 decoding + JSON.parse of every bundle, measured above in this run.
    const floorAll = rows.reduce((n, r) => n + r.read + r.floor, 0);

    const lines = [
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      `Shared sources, once per build (OSSEM legacy + DM, the OSSEM-DD archive, Splunk Security Content and MITRE CAR archives: unpack, parse, resolve ${shared.rules.length} rules): ${ms(catalogMs)} ms`,
      '',
      '| ATT&CK | read (gunzip) ms | decode + JSON.parse ms | parse ms | map ms | write ms | read→write / (gunzip + decode + JSON.parse) | peak RSS MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.version} | ${ms(r.read)} | ${ms(r.floor)} | ${ms(r.parse)} | ${ms(r.map)} | ${ms(r.write)} | ${(r.total / (r.read + r.floor)).toFixed(1)}× | ${r.peakMb.toFixed(0)} |`,
      ),
      '',
      `Whole offline build of ${versions.length} versions (every stage, from the mirror folder): ${(wholeSerial / 1000).toFixed(2)} s in this thread (${(wholeSerial / floorAll).toFixed(2)} × the floor), ${(wholeWorkers / 1000).toFixed(2)} s with 2 worker threads (${(wholeWorkers / floorAll).toFixed(2)} ×); floor = gunzip + UTF-8 decoding + JSON.parse of the same bundles in this run, ${(floorAll / 1000).toFixed(2)} s (best: ${(whole / floorAll).toFixed(2)} ×; the 1.5 × bound is measured below, each run in a fresh process)`,
    ];
    // The figures of issue 14, beside their targets: time and peak memory against the floor, each run in its own process.
    lines.push('', formatBuildBench(await benchBuild({ mirror, versions })));
    if (!values['no-site']) lines.push('', formatSiteBench(await benchSite()));
    // Last, each alone on the machine: npm start, then the test suite.
    const start = values['no-site'] ? null : await benchStart();
    const tests = values['no-test'] ? null : await benchTests();
    lines.push('', formatStartBench(start, tests));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await fetcher.close();
    await rm(out, { recursive: true, force: true });
  }
}

await runCli(main);
