/**
 * Speed of the documentation site build: page generation per version (pages/s, in process) and the
 * whole site's Eleventy build (the generated pages' render, Pagefind's index written alongside, the
 * hand-written pages), in a throw-away copy of site/ so the
 * repository's site/_generated/ and _site/ are left alone. `benchSite()` returns the figures;
 * `tsx scripts/cli/bench-site.ts` prints them as a Markdown table.
 *
 * Targets: at least 1,000 generated pages per second, and the whole site (pages, Eleventy and
 * Pagefind) within 15 s on the project's 2-core machine (issue 14).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { coverageDataPath } from '../pages/coverage.ts';
import { buildSite } from '../pages/site.ts';
import type { SiteInput } from '../pages/types.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { npmScriptNodeArgs } from '../local-run/npm-script.ts';
import { siteWorkspace } from '../local-run/workspace.ts';
import { isMain, parseCliArgs, runCli } from './errors.ts';
import { DEFAULT_DATA, readSiteInput } from './pages.ts';

const run = promisify(execFile);

export const SITE_TARGETS = { pagesPerSecond: 1000, siteSeconds: 15 } as const;

export interface SiteBenchVersion {
  version: string;
  /** Pages generated for this version alone, built as if it were the latest (root and /v/<version>/ sets, downloads). */
  pages: number;
  ms: number;
  pagesPerSecond: number;
}

export interface SiteBench {
  versions: SiteBenchVersion[];
  /** All versions at once, by `npm run site:pages` in its own process (cross-version links included): its stages as it reports them, and the whole process. */
  generation: { pages: number; seconds: number; readMs: number; buildMs: number; bundlesMs: number; writeMs: number; pagesPerSecond: number };
  /** The Eleventy build: `renderSeconds` of it render the generated pages (site/_config/render-pages.js). */
  eleventy: { seconds: number; htmlFiles: number; generatedPages: number; renderSeconds: number };
  /**
   * The search index, fed page by page during the render (site/_config/search-index.js): its pages,
   * when it was written counted from the render's start, and how long after the render's end.
   */
  pagefind: { pages: number; sinceRenderStart: number; afterRender: number };
  /** The latest version's coverage page data file (what /coverage/ loads first), raw and gzipped. */
  coverageData: { version: string; bytes: number; gzipBytes: number };
  /** The pages CLI's process and Eleventy's (the index included): the whole `npm run site`. */
  siteSeconds: number;
  targets: typeof SITE_TARGETS & { met: boolean };
}

const bin = {
  eleventy: path.join(REPO_ROOT, 'node_modules', '@11ty', 'eleventy', 'cmd.cjs'),
};

async function timedNode(nodeArgs: string[], cwd: string): Promise<{ seconds: number; stdout: string; stderr: string }> {
  const t0 = performance.now();
  const { stdout, stderr } = await run(process.execPath, nodeArgs, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - t0) / 1000, stdout, stderr };
}

/** Generation of one version alone, best of `repeat` runs (the first warms the JIT). */
function benchVersion(input: SiteInput, version: string, repeat: number): SiteBenchVersion {
  const one = { ...input, versions: input.versions.filter((v) => v.version === version), latest: version };
  let best = Infinity;
  let pages = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    pages = buildSite(one).pages;
    best = Math.min(best, performance.now() - t0);
  }
  return { version, pages, ms: best, pagesPerSecond: Math.round(pages / (best / 1000)) };
}

/** A throw-away site workspace (see siteWorkspace) in a new temporary folder; the caller removes it. */
export async function benchWorkspace(prefix: string): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), prefix));
  await siteWorkspace(work);
  return work;
}

export async function benchSite(o: { dataDir?: string; repeat?: number } = {}): Promise<SiteBench> {
  const dataDir = o.dataDir ?? DEFAULT_DATA;
  const work = await benchWorkspace('bench-site-');
  try {

    // The pages CLI as `npm run site:pages` runs it (its own process, package.json's node flags).
    const generated = path.join(work, 'site', '_generated');
    const pagesRun = await timedNode([...npmScriptNodeArgs('site:pages'), '--data', dataDir, '--out', generated], REPO_ROOT);
    const line = /wrote (\d+) pages of \d+ versions? to .* \(read and diff (\d+) ms, build (\d+) ms, (\d+) pages\/s, bundles (\d+) ms, .*write (\d+) ms\)/.exec(pagesRun.stderr);
    if (!line) throw new Error(`bench: the pages CLI did not report its stages:\n${pagesRun.stderr}`);
    const generation = { pages: Number(line[1]), seconds: pagesRun.seconds, readMs: Number(line[2]), buildMs: Number(line[3]), pagesPerSecond: Number(line[4]), bundlesMs: Number(line[5]), writeMs: Number(line[6]) };
    const eleventy = await timedNode([bin.eleventy, '--config=site/eleventy.config.js', '--quiet'], work);
    const written = /Wrote (\d+) files?/.exec(eleventy.stdout);
    const rendered = /\[site\] (\d+) generated pages rendered in ([\d.]+) s/.exec(eleventy.stdout);
    const indexed = /\[site\] search index of (\d+) pages written \(Pagefind, ([\d.]+) s since the render began\)/.exec(eleventy.stdout);
    if (!rendered || !indexed) throw new Error(`bench: Eleventy did not report the render and the search index:\n${eleventy.stdout}`);
    const renderSeconds = Number(rendered[2]);
    const pagefind = { pages: Number(indexed[1]), sinceRenderStart: Number(indexed[2]), afterRender: Math.max(0, Number(indexed[2]) - renderSeconds) };

    // Per version, in this process (each version built alone, as if it were the latest).
    const input = await readSiteInput(dataDir);
    const versions = input.versions.map((v) => benchVersion(input, v.version, o.repeat ?? 3));
    const coverageText = await readFile(path.join(generated, coverageDataPath(input.latest)), 'utf8');
    const siteSeconds = generation.seconds + eleventy.seconds;
    return {
      versions,
      generation,
      eleventy: { seconds: eleventy.seconds, htmlFiles: Number(written?.[1] ?? 0) + Number(rendered[1]), generatedPages: Number(rendered[1]), renderSeconds },
      pagefind,
      coverageData: { version: input.latest, bytes: Buffer.byteLength(coverageText), gzipBytes: gzipSync(coverageText).length },
      siteSeconds,
      targets: { ...SITE_TARGETS, met: generation.pagesPerSecond >= SITE_TARGETS.pagesPerSecond && siteSeconds <= SITE_TARGETS.siteSeconds },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function formatSiteBench(b: SiteBench): string {
  const f = (n: number, d = 0): string => n.toFixed(d);
  const lines = [
    '| ATT&CK version | pages | generation (ms) | pages/s |',
    '|---|---:|---:|---:|',
    ...b.versions.map((v) => `| ${v.version} | ${v.pages} | ${f(v.ms, 1)} | ${v.pagesPerSecond} |`),
    '',
    '| whole site | figure |',
    '|---|---:|',
    `| pages CLI, in all (its own process, as npm run site runs it) | ${f(b.generation.seconds, 1)} s (${b.generation.pages} pages) |`,
    `| read data/ and the change reports | ${f(b.generation.readMs)} ms |`,
    `| generate | ${f(b.generation.buildMs)} ms (${b.generation.pagesPerSecond} pages/s) |`,
    `| browser bundles (coverage, plan) | ${f(b.generation.bundlesMs)} ms |`,
    `| write site/_generated | ${f(b.generation.writeMs)} ms |`,
    `| render the generated pages | ${f(b.eleventy.renderSeconds, 1)} s (${b.eleventy.generatedPages} pages) |`,
    `| Pagefind index (fed during the render) | ${b.pagefind.pages} searchable pages, written ${f(b.pagefind.sinceRenderStart, 1)} s after the render began, ${f(b.pagefind.afterRender, 1)} s after it ended |`,
    `| Eleventy, in all (that render and the index, the hand-written pages, copies) | ${f(b.eleventy.seconds, 1)} s (${b.eleventy.htmlFiles} HTML files) |`,
    `| coverage page data (${b.coverageData.version}) | ${f(b.coverageData.bytes / 1024)} KiB, ${f(b.coverageData.gzipBytes / 1024)} KiB gzipped |`,
    `| npm run site, in all | ${f(b.siteSeconds, 1)} s (target ≤ ${b.targets.siteSeconds} s, ≥ ${b.targets.pagesPerSecond} pages/s: ${b.targets.met ? 'met' : 'NOT met'}) |`,
  ];
  return `${lines.join('\n')}\n`;
}

const USAGE = `Usage: node --import tsx scripts/cli/bench-site.ts

  -h, --help      this text
`;

if (isMain(import.meta.url)) {
  await runCli(async () => {
    const { values } = parseCliArgs(process.argv.slice(2), { help: { type: 'boolean', short: 'h' } }, USAGE);
    process.stdout.write(values.help ? USAGE : formatSiteBench(await benchSite()));
  });
}
