/**
 * Building the site into a throw-away folder, serving it, and checking its links. The build runs
 * the real commands (pages CLI, then Eleventy, which writes Pagefind's index too), on a copy of site/ so a test never touches the
 * repository's site/_generated/ or _site/. Each is started with node on its own script, as npx would
 * after resolving it (npx's own start-up costs about a second per command here).
 */
import { execFile } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { npmScriptNodeArgs } from '../../scripts/local-run/npm-script.ts';
import { siteFileFor } from '../../scripts/local-run/site-file.ts';
import { siteWorkspace } from '../../scripts/local-run/workspace.ts';

const run = promisify(execFile);

export interface BuiltSite {
  /** The rendered site (`_site`). */
  dir: string;
  /** The generated Markdown (`site/_generated`). */
  generated: string;
  /** Eleventy's build includes the search index (site/_config/search-index.js). */
  seconds: { pages: number; eleventy: number; total: number };
}

/** The script npx would run for `eleventy` (the pages CLI runs with tsx as node's loader). */
const BIN = {
  eleventy: path.join(REPO_ROOT, 'node_modules', '@11ty', 'eleventy', 'cmd.cjs'),
};

async function timed(cmd: string, args: string[], cwd: string): Promise<number> {
  const t0 = performance.now();
  try {
    await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stderr ?? ''}\n${err.stdout ?? ''}\n${err.message}`);
  }
  return (performance.now() - t0) / 1000;
}

/** A folder Eleventy can build in, apart from the repository (scripts/local-run/workspace.ts). */
export { siteWorkspace };

/** `npm run site`, into `work/` (a `siteWorkspace`): runs the pages CLI on `dataDir`, then Eleventy. */
export async function buildSite(work: string, dataDir: string, o: { base?: string } = {}): Promise<BuiltSite> {
  const t0 = performance.now();
  await siteWorkspace(work);
  const generated = path.join(work, 'site', '_generated');
  // As `npm run site:pages` runs it, with package.json's node flags.
  const pages = await timed(process.execPath, [...npmScriptNodeArgs('site:pages'), '--data', dataDir, '--out', generated, '--base', o.base ?? '/'], REPO_ROOT);
  const eleventy = await timed(process.execPath, [BIN.eleventy, '--config=site/eleventy.config.js', '--quiet'], work);
  return { dir: path.join(work, '_site'), generated, seconds: { pages, eleventy, total: (performance.now() - t0) / 1000 } };
}

/** Every file under `dir`, as `/`-separated paths relative to it. */
export async function walk(dir: string, filter: (rel: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const d of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await visit(r);
      else if (filter(r)) out.push(r);
    }
  };
  await visit('');
  return out.sort();
}

export interface LinkReport {
  pages: number;
  links: number;
  /** `page → target` of every internal link whose target (or #fragment) does not exist. */
  broken: string[];
}

const ATTR = /\s(?:href|src|action)="([^"]*)"/g;
const ID = /\sid="([^"]*)"/g;

/**
 * Checks every internal href/src/action of every HTML page, fragments included. `prefix` is the URL
 * path the site is served from: a link outside it is broken too. The site has some 740,000 links
 * over 8,300 pages, mostly the same few thousand paths: each distinct link is resolved once per
 * folder it appears in, and each distinct path looked up once.
 */
export async function checkLinks(siteDir: string, prefix = '/'): Promise<LinkReport> {
  const pages = await walk(siteDir, (r) => r.endsWith('.html'));
  const ids = new Map<string, Set<string>>();
  /** Links with a fragment, checked once every page's ids are known. */
  const fragments: Array<{ from: string; pathname: string; file: string; frag: string }> = [];
  const broken: string[] = [];
  const files = new Map<string, string | null>();
  const resolved = new Map<string, URL>();
  let links = 0;
  for (const rel of pages) {
    const from = `/${rel}`;
    const html = readFileSync(path.join(siteDir, rel), 'utf8');
    ids.set(path.join(siteDir, rel), new Set([...html.matchAll(ID)].map((m) => m[1] ?? '')));
    const pageUrl = `http://site.invalid${prefix}${rel.replace(/(^|\/)index\.html$/, '$1')}`;
    // A link's meaning depends on the page's folder only when it is relative.
    const folder = pageUrl.slice(0, pageUrl.lastIndexOf('/') + 1);
    for (const m of html.matchAll(ATTR)) {
      const raw = (m[1] ?? '').replace(/&amp;/g, '&');
      // Absolute URLs (https:, mailto:) and protocol-relative ones leave the site.
      if (!raw || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) continue;
      links++;
      // `#frag` alone points into this very page.
      const key = raw.startsWith('#') ? `${pageUrl}\n${raw}` : raw.startsWith('/') ? raw : `${folder}\n${raw}`;
      let url = resolved.get(key);
      if (!url) {
        url = new URL(raw, pageUrl);
        resolved.set(key, url);
      }
      if (!url.pathname.startsWith(prefix)) {
        broken.push(`${from} → ${url.pathname} (outside ${prefix})`);
        continue;
      }
      let file = files.get(url.pathname);
      if (file === undefined) {
        file = siteFileFor(siteDir, `/${url.pathname.slice(prefix.length)}`);
        files.set(url.pathname, file);
      }
      if (!file) {
        broken.push(`${from} → ${url.pathname}`);
        continue;
      }
      if (url.hash) fragments.push({ from, pathname: url.pathname, file, frag: url.hash.slice(1) });
    }
  }
  for (const { from, pathname, file, frag: encoded } of fragments) {
    const frag = decodeURIComponent(encoded);
    // `#group=G0016`, `#events=…`: state that the plan and coverage pages read from the address, not an element id.
    if (/^[a-z-]+=/.test(frag)) continue;
    if (frag && file.endsWith('.html') && !ids.get(file)?.has(frag)) broken.push(`${from} → ${pathname}#${frag} (no such id)`);
  }
  return { pages: pages.length, links, broken };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for `dir` on 127.0.0.1 (a free port), answering 404 with /404.html. */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = siteFileFor(dir, urlPath);
    if (!file) {
      res.writeHead(404, { 'content-type': TYPES['.html'] ?? '' });
      createReadStream(path.join(dir, '404.html')).on('error', () => res.end('not found')).pipe(res);
      return;
    }
    if (!urlPath.endsWith('/') && file.endsWith(`${path.sep}index.html`) && !urlPath.endsWith('index.html')) {
      res.writeHead(301, { location: `${urlPath}/` });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
