/**
 * `npm start -- [--data DIR] [--port N]`: the site on screen in seconds, then all of it.
 *
 *   1. the pages of the latest version alone (one version read, no change report to compute) into
 *      site/_generated/, marked `.partial`;
 *   2. Eleventy's dev server on them (live reload for templates, CSS and data, as before); the
 *      console says what is still building;
 *   3. the pages of every version (with the "what changed" pages) into site/_generated/: Eleventy
 *      sees them and rebuilds, the browser reloads;
 *   4. that build, `.partial` gone, also writes the search index: the render hands the searchable
 *      pages to Pagefind as it goes (site/eleventy.config.js, site/_config/search-index.js).
 *
 * Run from the folder holding site/ (the repository root for `npm start`). `npm run site:pages`
 * while it runs still regenerates everything, as before.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pageScripts } from '../pages/bundle.ts';
import { recordFilePath } from '../pages/records.ts';
import { buildSite, PAGE_KINDS } from '../pages/site.ts';
import type { GeneratedFile } from '../pages/types.ts';
import { ExpectedError } from '../lib/expected-error.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { isMain, parseCliArgs, runCli, UsageError } from './errors.ts';
import { DEFAULT_DATA, readSiteInput, writeGenerated } from './pages.ts';

const USAGE = `Usage: npm start -- [--data DIR] [--port N]

Serves the documentation site with live reload: the latest version first (in seconds), then every
other version and the search index.

  --data DIR   data folder (default: data)
  --port N     the dev server's port (default: Eleventy's, 8080)
  -h, --help   this text
`;

/** Marks site/_generated/ as holding the latest version alone (read by site/eleventy.config.js). */
export const PARTIAL_MARKER = '.partial';

/** Eleventy stopped before serving (its own errors are printed above this one line). */
export class StartError extends ExpectedError {}

const ELEVENTY = path.join(REPO_ROOT, 'node_modules', '@11ty', 'eleventy', 'cmd.cjs');

const say = (line: string): void => void process.stdout.write(`[start] ${line}\n`);
const seconds = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/**
 * Writes the pages of the versions `only` keeps (every version without it). `rootOnly`: the latest
 * version's pages at the site root alone, not their copies under /v/<latest>/ (written in step 3).
 */
async function generate(dataDir: string, outDir: string, o: { only?: (v: string) => boolean; rootOnly?: string } = {}): Promise<{ pages: number; versions: string[]; timing: string }> {
  const t0 = performance.now();
  const input = await readSiteInput(dataDir, process.env['SITE_BASE'] ?? '/', o.only);
  const t1 = performance.now();
  const site = buildSite(input);
  const t2 = performance.now();
  const scripts = await pageScripts();
  const t3 = performance.now();
  const copy = o.rootOnly === undefined ? undefined : `v${o.rootOnly}`;
  // The latest version's /v/<latest>/ copy is left to step 3: its record files are simply not written.
  const left = new Set(copy === undefined ? [] : PAGE_KINDS.map((k) => recordFilePath(k, copy)));
  const kept = site.files.filter((f) => !left.has(f.path));
  const files: GeneratedFile[] = [...kept, ...scripts];
  await writeGenerated(files, outDir);
  const t4 = performance.now();
  const ms = (a: number, b: number): string => `${(b - a).toFixed(0)} ms`;
  const timing = `read ${ms(t0, t1)}, pages ${ms(t1, t2)}, script ${ms(t2, t3)}, write ${ms(t3, t4)}`;
  return { pages: site.records.filter((r) => r.dir !== copy).length, versions: input.versions.map((v) => v.version), timing };
}

async function main(): Promise<void> {
  const { values } = parseCliArgs(process.argv.slice(2), { data: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) throw new UsageError(`--port: "${values.port}" is not a port number`);
  const dataDir = path.resolve(values.data ?? DEFAULT_DATA);
  const outDir = path.resolve('site', '_generated');
  const t0 = performance.now();
  // index.json names the latest version (readSiteInput reports a missing or malformed one).
  const index = JSON.parse(await readFile(path.join(dataDir, 'index.json'), 'utf8').catch(() => '{}')) as { latest?: string; versions?: Array<{ version: string }> };
  const latest = index.latest;

  // 1. The latest version alone.
  const first = await generate(dataDir, outDir, latest ? { only: (v) => v === latest, rootOnly: latest } : {});
  const rest = (index.versions ?? []).map((v) => v.version).filter((v) => !first.versions.includes(v));
  if (rest.length > 0) await writeFile(path.join(outDir, PARTIAL_MARKER), `latest version only (${first.versions.join(', ')}): npm start is writing the others\n`);
  say(`ATT&CK ${first.versions.join(', ')}: ${first.pages} pages generated in ${seconds(t0)} (${first.timing}); starting Eleventy's dev server`);

  // 2. The dev server, on the latest version's pages.
  const args = [ELEVENTY, '--config=site/eleventy.config.js', '--serve', ...(values.port ? [`--port=${values.port}`] : [])];
  const eleventy = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'pipe'] });
  const stop = (): void => void eleventy.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const exited = new Promise<number>((resolve) => eleventy.once('exit', (code) => resolve(code ?? 1)));
  // Eleventy's output goes through as it is; its dev server announces its URL on stderr.
  const served = new Promise<string>((resolve) => {
    for (const [from, to] of [
      [eleventy.stdout, process.stdout],
      [eleventy.stderr, process.stderr],
    ] as const) {
      let buffer = '';
      from.on('data', (chunk: Buffer) => {
        to.write(chunk);
        buffer = (buffer + chunk.toString('utf8')).slice(-4096);
        const url = /Server at (\S+)/.exec(buffer)?.[1];
        if (url) resolve(url);
      });
    }
  });
  const url = await Promise.race([served, exited.then((code) => Promise.reject(new StartError(`Eleventy's dev server exited (code ${code}) before serving: see its errors above`)))]);
  say(
    rest.length > 0
      ? `serving ATT&CK ${first.versions.join(', ')} at ${url} after ${seconds(t0)}; still building: ATT&CK ${rest.join(', ')} and the search index`
      : `serving ${url} after ${seconds(t0)}; still building: the search index`,
  );

  // 3. Every version: Eleventy rebuilds on the new pages, and writes the search index with them.
  if (rest.length > 0) {
    // Written beside, then swapped in with two renames: a rebuild sees one whole set or the other.
    const staging = path.resolve('.cache', 'start', 'generated');
    const trash = path.resolve('.cache', 'start', 'previous');
    await rm(path.dirname(staging), { recursive: true, force: true });
    await mkdir(path.dirname(staging), { recursive: true });
    const all = await generate(dataDir, staging);
    await rename(outDir, trash);
    await rename(staging, outDir);
    await rm(trash, { recursive: true, force: true });
    say(`every version's pages written (${all.pages} pages, ${seconds(t0)} after start: ${all.timing}); Eleventy is rendering them, then the search index`);
  }
  process.exitCode = await exited;
}

if (isMain(import.meta.url)) await runCli(main);
