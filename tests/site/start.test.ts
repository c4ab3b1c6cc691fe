/**
 * `npm start` (scripts/cli/start.ts) on the hand-made two-version data folder: the dev server comes
 * up on the latest version's pages alone (home and technique pages served, the older version not
 * built yet, no search index), then every version and the search index follow without a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local-run/free-port.ts';
import { npmScriptNodeArgs } from '../../scripts/local-run/npm-script.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { writeFixtureData } from './fixture.ts';
import { siteWorkspace } from './helpers.ts';

const temps = tempDirs();
let child: ChildProcess | undefined;
let work: string;
let data: string;
/** Every line the command printed (stdout and stderr), in order. */
const lines: string[] = [];
/** What was on disk and served at the moment the command said it was serving. */
let atServing: { home: boolean; technique: boolean; older: boolean; pagefind: boolean; homeStatus: number; techniqueStatus: number } | undefined;

/** Resolves with the first line matching `re` (already printed or to come), or rejects after `ms`. */
function lineMatching(re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = lines.find((l) => re.test(l));
    if (found) return resolve(found);
    const timer = setInterval(() => {
      const l = lines.find((x) => re.test(x));
      if (l) {
        clearInterval(timer);
        clearTimeout(limit);
        resolve(l);
      }
    }, 20);
    const limit = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`no line matching ${re} within ${ms} ms; printed:\n${lines.slice(-30).join('\n')}`));
    }, ms);
  });
}

const status = async (url: string): Promise<number> => (await fetch(url)).status;

beforeAll(async () => {
  const root = await temps.make('start-');
  data = path.join(root, 'data');
  await writeFixtureData(data);
  work = path.join(root, 'work');
  await siteWorkspace(work);
  // A free port: the OS picks one, handed to Eleventy.
  const port = await freePort();
  const site = path.join(work, '_site');
  // As `npm start` runs it, with package.json's node flags.
  child = spawn(process.execPath, [...npmScriptNodeArgs('start'), '--data', data, '--port', String(port)], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let checking: Promise<void> | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        // Looked at the moment the command says it serves, before the older version can be rendered.
        if (!checking && line.startsWith('[start] serving')) {
          const state = {
            home: existsSync(path.join(site, 'index.html')),
            technique: existsSync(path.join(site, 'techniques', 'T9001', 'index.html')),
            older: existsSync(path.join(site, 'v', '1.0', 'index.html')),
            pagefind: existsSync(path.join(site, 'pagefind')),
          };
          const url = /at (http\S+?)\/? after/.exec(line)?.[1] ?? `http://localhost:${port}`;
          checking = Promise.all([status(`${url}/`), status(`${url}/techniques/T9001/`)]).then(([homeStatus, techniqueStatus]) => {
            atServing = { ...state, homeStatus, techniqueStatus };
          });
        }
      }
    });
  }
  await lineMatching(/^\[start\] serving/, 110_000);
  await checking;
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await temps.cleanup();
});

describe('npm start', () => {
  it('serves the latest version first: home and technique pages, before the older version and the search index', () => {
    expect(lines[0]).toMatch(/^\[start\] ATT&CK 2\.0: \d+ pages generated in/);
    expect(lines.find((l) => l.startsWith('[start] serving'))).toMatch(/^\[start\] serving ATT&CK 2\.0 at http:\/\/\S+ after [\d.]+ s; still building: ATT&CK 1\.0 and the search index$/);
    expect(atServing).toEqual({ home: true, technique: true, older: false, pagefind: false, homeStatus: 200, techniqueStatus: 200 });
  });

  it('then builds every version and the search index, served without a restart', async () => {
    await lineMatching(/^\[start\] every version's pages written/, 110_000);
    await lineMatching(/^\[site\] search index of \d+ pages written \(Pagefind/, 110_000);
    const site = path.join(work, '_site');
    expect(existsSync(path.join(site, 'v', '1.0', 'index.html'))).toBe(true);
    expect(existsSync(path.join(site, 'v', '1.0', 'techniques', 'T9003', 'index.html'))).toBe(true);
    expect(existsSync(path.join(site, 'pagefind', 'pagefind.js'))).toBe(true);
    const url = /at (http\S+?)\/? after/.exec(lines.find((l) => l.startsWith('[start] serving')) ?? '')?.[1] ?? '';
    expect(await status(`${url}/v/1.0/`)).toBe(200);
    expect(await status(`${url}/changes/`)).toBe(200);
    // The generated pages were swapped in whole: nothing left beside them.
    expect(existsSync(path.join(work, '.cache', 'start', 'generated'))).toBe(false);
    expect(existsSync(path.join(work, 'site', '_generated', '.partial'))).toBe(false);
  }, 240_000);
});
