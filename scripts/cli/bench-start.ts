/**
 * `npm start` and `npm test` against issue 14's targets, for `npm run bench`:
 *
 *   start  `npm start` (node with package.json's flags on scripts/cli/start.ts) in a throw-away copy
 *          of site/: seconds until its home page answers 200 (target ≤ 10 s), and until every
 *          version and the search index are built;
 *   test   the README's test command (`vitest run`) in this checkout: seconds (target ≤ 120 s) and
 *          the counts of its JSON report.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { freePort } from '../local-run/free-port.ts';
import { npmScriptNodeArgs } from '../local-run/npm-script.ts';
import { benchWorkspace } from './bench-site.ts';
import { isMain, parseCliArgs, runCli } from './errors.ts';
import { DEFAULT_DATA } from './pages.ts';

export const START_TARGETS = { homeSeconds: 10, testSeconds: 120 } as const;

export interface StartBench {
  /** From the command to the home page served (200). */
  homeSeconds: number;
  /** From the command to its report that the search index of every version is written. */
  allSeconds: number;
}

export interface TestBench {
  seconds: number;
  passed: number;
  failed: number;
}

export async function benchStart(o: { dataDir?: string; timeoutSeconds?: number } = {}): Promise<StartBench> {
  const work = await benchWorkspace('bench-start-');
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...npmScriptNodeArgs('start'), '--data', o.dataDir ?? DEFAULT_DATA, '--port', String(port)], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let allSeconds = 0;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-65536);
      if (!allSeconds && /\[site\] search index of \d+ pages written/.test(output)) allSeconds = (performance.now() - t0) / 1000;
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const limit = (o.timeoutSeconds ?? 180) * 1000;
    let homeSeconds = 0;
    while (!allSeconds) {
      if (performance.now() - t0 > limit) throw new Error(`bench: npm start did not build everything within ${limit / 1000} s:\n${output.slice(-2000)}`);
      if (child.exitCode !== null) throw new Error(`bench: npm start exited (code ${child.exitCode}):\n${output.slice(-2000)}`);
      if (!homeSeconds) {
        const status = await fetch(`http://127.0.0.1:${port}/`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) homeSeconds = (performance.now() - t0) / 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { homeSeconds, allSeconds };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(work, { recursive: true, force: true });
  }
}

/** The README's test command, `vitest run`, in this checkout. */
export async function benchTests(): Promise<TestBench> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  const seconds = (performance.now() - t0) / 1000;
  const report = JSON.parse(await readFile(path.join(REPO_ROOT, 'test-output', 'vitest.json'), 'utf8')) as { numPassedTests: number; numFailedTests: number };
  if (code !== 0 && report.numFailedTests === 0) throw new Error(`bench: vitest exited with code ${code}`);
  return { seconds, passed: report.numPassedTests, failed: report.numFailedTests };
}

/** Null: skipped (`--no-site`, `--no-test`). */
export function formatStartBench(start: StartBench | null, tests: TestBench | null): string {
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const t = START_TARGETS;
  const lines = ['| waiting | time | target |', '|---|---:|---|'];
  if (start) {
    lines.push(`| npm start: the home page served | ${start.homeSeconds.toFixed(1)} s | ≤ ${t.homeSeconds} s (${met(start.homeSeconds > 0 && start.homeSeconds <= t.homeSeconds)}) |`);
    lines.push(`| npm start: every version and the search index built | ${start.allSeconds.toFixed(1)} s | |`);
  } else lines.push('| npm start | skipped (--no-site) | |');
  if (tests) lines.push(`| npm test (vitest run, in this checkout: ${tests.passed} passed, ${tests.failed} failed) | ${tests.seconds.toFixed(1)} s | ≤ ${t.testSeconds} s (${met(tests.failed === 0 && tests.seconds <= t.testSeconds)}) |`);
  else lines.push('| npm test | skipped (--no-test) | |');
  return `${lines.join('\n')}\n`;
}

const USAGE = `Usage: node --import tsx scripts/cli/bench-start.ts [--no-test] (npm run bench runs it too)

Times npm start (its home page, then every version and the search index) and npm test.

  --no-test    leave out npm test (vitest run, about 2 min)
  -h, --help   this text
`;

if (isMain(import.meta.url)) {
  await runCli(async () => {
    const { values } = parseCliArgs(process.argv.slice(2), { 'no-test': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    const start = await benchStart();
    process.stdout.write(formatStartBench(start, values['no-test'] ? null : await benchTests()));
  });
}
