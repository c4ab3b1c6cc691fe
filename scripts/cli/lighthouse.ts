/**
 * `npm run lighthouse -- [--site DIR] [--page PATH]…`: Lighthouse's mobile preset (its default:
 * a mid-range phone, simulated slow 4G and a 4× slower CPU) on pages of an already built site,
 * printing the performance and accessibility scores and the figures behind performance. It builds
 * nothing: run `npm run site` first. Too slow for `npm test` (about 20 s a page); the browser tests
 * in tests/site check what it found (no sideways overflow on a phone, labels, the coverage page's
 * data file).
 *
 * The site is served on 127.0.0.1 with gzip, as GitHub Pages serves it. Chromium is found as the
 * browser tests find it (scripts/chromium/launch.ts): CHROMIUM_PATH, a system Chromium, else the one
 * in the @sparticuz/chromium npm package.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium } from '../chromium/launch.ts';
import { ExpectedError } from '../lib/expected-error.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { freePort } from '../local-run/free-port.ts';
import { siteFileFor } from '../local-run/site-file.ts';
import { isMain, parseCliArgs, runCli } from './errors.ts';

const LIGHTHOUSE_VERSION = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('lighthouse/package.json'), 'utf8')) as { version: string }).version;

const USAGE = `Usage: npm run lighthouse -- [--site DIR] [--page PATH]…

Runs Lighthouse (mobile preset) on pages of a built site and prints their performance and
accessibility scores. Build the site first: npm run site.

  --site DIR    the built site (default: _site)
  --page PATH   a page to measure, repeatable (default: /, /techniques/T1003.001/,
                /events/security-4688/, /coverage/)
  -h, --help    this text
`;

export const DEFAULT_PAGES = ['/', '/techniques/T1003.001/', '/events/security-4688/', '/coverage/'];

class LighthouseError extends ExpectedError {}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** A static server for `dir` on 127.0.0.1, gzipping text as GitHub Pages does. */
export async function serveSite(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = siteFileFor(dir, urlPath);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && type !== 'application/wasm';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'max-age=600', ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}) });
    const body = createReadStream(file);
    (gzip ? body.pipe(createGzip()) : body).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Chromium as the browser tests start it (CHROMIUM_PATH, a system one, the npm one), with a DevTools port for Lighthouse. */
async function startChromium(port: number): Promise<{ browser: Browser; source: string }> {
  try {
    return await launchChromium({
      launch: async (executablePath, env) => (await import('playwright-core')).chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`], headless: true, timeout: 60_000, env: env as Record<string, string> }),
    });
  } catch (e) {
    throw new LighthouseError((e as Error).message.split('\n').join(' '));
  }
}

export interface PageScores {
  page: string;
  performance: number;
  accessibility: number;
  /** Milliseconds (CLS unitless): first and largest contentful paint, total blocking time, layout shift. */
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  /** Failed accessibility audits, by ID. */
  failed: string[];
}

/**
 * What this command reads of Lighthouse's report. Lighthouse's own types pull in 300 declaration
 * files (its trace engine, two copies of the DevTools protocol, the DOM library): a third of the
 * type-check's time, for the five fields below.
 */
interface LighthouseReport {
  runtimeError?: { message: string };
  audits: Record<string, { numericValue?: number; score: number | null } | undefined>;
  categories: Record<string, { score: number | null; auditRefs: Array<{ id: string; weight: number }> } | undefined>;
}
type RunLighthouse = (url: string, flags: { port: number; output: 'json'; logLevel: 'error'; onlyCategories: string[] }) => Promise<{ lhr: LighthouseReport } | undefined>;
/** A variable, not a literal, so that the type-check does not resolve the package (see LighthouseReport). */
const LIGHTHOUSE_MODULE: string = 'lighthouse';

async function measure(port: number, url: string): Promise<PageScores> {
  // Loaded when a page is measured: Lighthouse takes over a second to import, which a usage error need not wait for.
  const { default: lighthouse } = (await import(LIGHTHOUSE_MODULE)) as { default: RunLighthouse };
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
  const lhr = result?.lhr;
  if (!lhr) throw new LighthouseError(`Lighthouse returned no result for ${url}`);
  if (lhr.runtimeError) throw new LighthouseError(`Lighthouse could not load ${url}: ${lhr.runtimeError.message}`);
  const num = (id: string): number => lhr.audits[id]?.numericValue ?? NaN;
  const a11y = lhr.categories.accessibility;
  return {
    page: new URL(url).pathname,
    performance: lhr.categories.performance?.score ?? 0,
    accessibility: a11y?.score ?? 0,
    fcp: num('first-contentful-paint'),
    lcp: num('largest-contentful-paint'),
    tbt: num('total-blocking-time'),
    cls: num('cumulative-layout-shift'),
    failed: (a11y?.auditRefs ?? []).filter((r) => r.weight > 0 && lhr.audits[r.id]?.score === 0).map((r) => r.id),
  };
}

export function formatScores(rows: readonly PageScores[]): string {
  const head = '| page | performance | accessibility | FCP | LCP | TBT | CLS |\n|---|---:|---:|---:|---:|---:|---:|';
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const body = rows.map((r) => `| ${r.page} | ${r.performance.toFixed(2)} | ${r.accessibility.toFixed(2)}${r.failed.length > 0 ? ` (${r.failed.join(', ')})` : ''} | ${s(r.fcp)} | ${s(r.lcp)} | ${Math.round(r.tbt)} ms | ${r.cls.toFixed(3)} |`);
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseCliArgs(process.argv.slice(2), { site: { type: 'string' }, page: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const site = path.resolve(values.site ?? path.join(REPO_ROOT, '_site'));
  if (!existsSync(path.join(site, 'index.html'))) throw new LighthouseError(`${site} holds no built site (no index.html): run npm run site first, or pass --site DIR`);
  const pages = values.page ?? DEFAULT_PAGES;
  const server = await serveSite(site);
  const port = await freePort();
  const { browser, source } = await startChromium(port);
  process.stderr.write(`Lighthouse ${LIGHTHOUSE_VERSION}, mobile preset, on ${source}\n`);
  const rows: PageScores[] = [];
  try {
    for (const p of pages) {
      const row = await measure(port, server.url + p);
      process.stderr.write(`${row.page}: performance ${row.performance.toFixed(2)}, accessibility ${row.accessibility.toFixed(2)}\n`);
      rows.push(row);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.stdout.write(`${formatScores(rows)}\n`);
  const low = rows.filter((r) => r.performance < 0.9 || r.accessibility < 1);
  if (low.length > 0) process.stdout.write(`Below the targets (performance ≥ 0.90, accessibility 1.00): ${low.map((r) => r.page).join(', ')}\n`);
}

if (isMain(import.meta.url)) await runCli(main);
