/**
 * Renders the generated pages (scripts/pages/, `npm run site:pages`) into the output folder with the
 * site's own Nunjucks layouts, before Eleventy builds the hand-written pages.
 *
 * Why not as Eleventy templates: each of the ~8,300 pages is data only (a JSON record and a
 * one-paragraph summary), and Eleventy's per-template work (reading and parsing a Markdown file,
 * looking for its data files, the data cascade, its dependency graph, keeping every page's data and
 * output until the end) cost more than the rendering itself: 19.5 s against 7 to 9 s here for the
 * same HTML, byte for byte. The layouts, filters, Markdown options and global data are the ones Eleventy uses,
 * so a page renders the same either way; the site tests compare the output.
 *
 * Input: `_generated/pages/<kind>/<latest|v<version>>.json`, each `{ searchable, layout, pages: [{
 * permalink, …, view, body }] }` (`searchable`: how many of its pages are); a page's `body` is
 * Markdown (an HTML summary, and the "what changed" report).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import markdownIt from 'markdown-it';
import nunjucks from 'nunjucks';
import { FILTERS } from './filters.js';
import { tableCaptions } from './markdown.js';
import { SearchIndex } from './search-index.js';
import { splitFrontMatter } from './site-meta.js';

/** Where the page records are, under the input folder. */
export const PAGES_DIR = path.join('_generated', 'pages');

/** A failure the user acts on (the message names the file): Eleventy prints it without a stack trace. */
export class RenderPagesError extends Error {
  skipOriginalStack = true;
}

/**
 * The output file of a permalink, inside `outDir`. Permalinks come from our own pipeline, but they
 * carry upstream IDs: anything that could leave the output folder is refused.
 * @param {string} outDir
 * @param {unknown} permalink
 */
export function outputPath(outDir, permalink) {
  if (typeof permalink !== 'string' || !permalink.startsWith('/') || /[\\\0]/.test(permalink)) {
    throw new RenderPagesError(`refusing the permalink ${JSON.stringify(permalink)}: it must be a path starting with /`);
  }
  const segments = permalink.split('/').slice(1);
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1))) {
    throw new RenderPagesError(`refusing the permalink ${JSON.stringify(permalink)}: empty, . or .. segment`);
  }
  const file = permalink.endsWith('/') ? `${permalink}index.html` : permalink;
  return path.join(outDir, ...file.split('/').slice(1));
}

/**
 * A layout file: its compiled body, the layout it sits in (front matter `layout:`) as Eleventy
 * chains them, and the rest of its front matter, which Eleventy gives the page as data (under the
 * page's own: `stylesheets` of the plan layout).
 * @typedef {{ template: Site.NunjucksTemplate; parent: string | null; data: Record<string, unknown> }} Layout
 */

/**
 * @param {Site.NunjucksEnvironment} env
 * @param {string} includesDir
 * @param {string} name
 * @returns {Layout}
 */
function readLayout(env, includesDir, name) {
  const file = path.join(includesDir, name);
  const { data: front, body } = splitFrontMatter(readFileSync(file, 'utf8'));
  const { layout, ...data } = front;
  return { template: new nunjucks.Template(body, env, file, true), parent: typeof layout === 'string' ? layout : null, data };
}

/**
 * The page-record files under `inputDir`, sorted (a stable order of output).
 * @param {string} inputDir
 * @returns {string[]}
 */
export function pageFiles(inputDir) {
  const root = path.join(inputDir, PAGES_DIR);
  /** @type {string[]} */
  let kinds;
  try {
    kinds = readdirSync(root).sort();
  } catch {
    return [];
  }
  return kinds.flatMap((k) =>
    readdirSync(path.join(root, k))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => path.join(root, k, f)),
  );
}

/**
 * A key of everything a render reads (page records, layouts, global data, this configuration): the
 * dev server rebuilds on any change (a stylesheet too) and skips the pages when this is the same.
 * @param {string} inputDir
 * @param {string} includesDir
 */
export function inputKey(inputDir, includesDir) {
  /** @param {string} dir @returns {string[]} */
  const files = (dir) => {
    try {
      return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  };
  const all = [...pageFiles(inputDir), ...files(includesDir), ...files(path.join(inputDir, '_data')), ...files(path.join(inputDir, '_config')), path.join(inputDir, '_generated', 'site.yaml')];
  return all
    .map((f) => {
      try {
        const s = statSync(f);
        return `${f}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${f}:-`;
      }
    })
    .join('\n');
}

/**
 * `search`: also write the search index (`<outDir>/pagefind/`) of the pages marked searchable.
 * @typedef {{ inputDir: string; includesDir: string; outDir: string; globalData: Record<string, unknown>; search?: boolean }} RenderOptions
 * @typedef {{ pages: number; targets: Array<[string, string]> }} RenderResult
 * @typedef {{ pages: number; seconds: number }} SearchResult
 */

/**
 * How many searchable pages a record file holds, from its first line (`{"searchable": 3,`, as
 * scripts/pages/records.ts writes it), read without reading the file; null when it does not say.
 * @param {string} file
 * @returns {number | null}
 */
function searchableCount(file) {
  const head = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    const m = /^\{"searchable": (\d+),/.exec(head.subarray(0, n).toString('utf8'));
    return m ? Number(m[1]) : null;
  } finally {
    closeSync(fd);
  }
}

/**
 * What the render thread tells the main thread: a searchable page (its file under the output
 * folder and its HTML), that every searchable page has been sent, the result, or what went wrong.
 * @typedef {{ page: [string, string] } | { searchableSent: true } | { result: RenderResult } | { error: string }} RenderMessage
 */

/**
 * Renders the pages of the record files `files` into `o.outDir`. With `toSearch`, the files holding
 * searchable pages come first (18 of 140 for the whole site), each such page handed to `toSearch`
 * as it is rendered, then `searchableSent()`: the index can be written while the others render.
 * @param {string[]} files
 * @param {RenderOptions} o
 * @param {{ page: (relPath: string, html: string) => void; searchableSent: () => void } | undefined} toSearch
 * @returns {RenderResult}
 */
function renderFiles(files, o, toSearch) {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(o.includesDir), { autoescape: true });
  for (const [name, filter] of Object.entries(FILTERS)) env.addFilter(name, filter);
  // Eleventy's markdown-it options ({ html: true }) and the site's own addition.
  const md = markdownIt({ html: true });
  tableCaptions(md);
  /** @type {Map<string, Layout>} */
  const layouts = new Map();
  /** @param {string} name */
  const layout = (name) => {
    let l = layouts.get(name);
    if (!l) {
      l = readLayout(env, o.includesDir, name);
      layouts.set(name, l);
    }
    return l;
  };
  /** @type {Array<[string, string]>} */
  const targets = [];
  const madeDirs = new Set();
  let pages = 0;
  let sealed = false;
  /** @param {string} file @param {string} text */
  const renderFile = (file, text) => {
    const rel = path.relative(o.inputDir, file);
    /** @type {{ layout?: unknown; pages?: unknown }} */
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new RenderPagesError(`cannot read the page records ${rel}: ${/** @type {Error} */ (e).message}. Run \`npm run site:pages\` again.`);
    }
    if (typeof doc.layout !== 'string' || !Array.isArray(doc.pages)) throw new RenderPagesError(`${rel} is not a page-record file (no layout or pages): run \`npm run site:pages\` again`);
    const first = layout(doc.layout);
    /** @type {Record<string, unknown>} */
    let layoutData = {};
    for (let l = /** @type {Layout | null} */ (first); l; l = l.parent ? layout(l.parent) : null) layoutData = { ...l.data, ...layoutData };
    for (const page of /** @type {Array<Record<string, unknown>>} */ (doc.pages)) {
      const target = outputPath(o.outDir, page['permalink']);
      targets.push([target, rel]);
      const data = { ...o.globalData, ...layoutData, ...page, page: { url: page['permalink'] } };
      let content = md.render(typeof page['body'] === 'string' ? page['body'] : '');
      /** @type {Layout | null} */
      let l = first;
      try {
        while (l) {
          content = l.template.render({ ...data, content });
          l = l.parent ? layout(l.parent) : null;
        }
      } catch (e) {
        throw new RenderPagesError(`rendering ${String(page['permalink'])} (${rel}) with ${doc.layout}: ${/** @type {Error} */ (e).message}`);
      }
      const dir = path.dirname(target);
      if (!madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        madeDirs.add(dir);
      }
      // A page that is already there, byte for byte, is left alone: rewriting a file costs more
      // here than reading it (a rebuild, the dev server's second pass).
      const bytes = Buffer.from(content);
      const existing = statSync(target, { throwIfNoEntry: false });
      if (!(existing?.size === bytes.length && readFileSync(target).equals(bytes))) writeFileSync(target, bytes);
      if (toSearch && page['searchable'] === true) {
        // Cannot happen while records.ts counts the file's searchable pages; if it ever did, the
        // index would miss the page, so the build stops instead.
        if (sealed) throw new RenderPagesError(`${rel}: the searchable page ${String(page['permalink'])} was not found before the search index was written (the file's first line counts no searchable page)`);
        toSearch.page(path.relative(o.outDir, target), content);
      }
      pages++;
    }
  };
  /** @type {string[]} */
  const later = [];
  for (const file of files) {
    // A file that does not say how many it holds is rendered first, as one that holds some.
    if (toSearch && searchableCount(file) === 0) later.push(file);
    else renderFile(file, readFileSync(file, 'utf8'));
  }
  if (toSearch) {
    sealed = true;
    toSearch.searchableSent();
  }
  for (const file of later) renderFile(file, readFileSync(file, 'utf8'));
  return { pages, targets };
}

/**
 * Renders every page record under `o.inputDir` into `o.outDir`, on a worker thread with a larger
 * young generation: rendering makes short-lived strings by the gigabyte, and V8's default nursery
 * spent a quarter of the time collecting them (8.1 s against 6.5 s for the whole site here). Two
 * threads were no faster than one on this 2-core machine: allocation, not the CPU, is the limit.
 * Resolves once the pages are written; with `o.search`, `search` resolves once the index is too
 * (Pagefind's process writes it while Eleventy goes on with its own pages).
 * @param {RenderOptions} o
 * @returns {Promise<{ pages: number; search: Promise<SearchResult> | null }>}
 */
export async function renderPages(o) {
  const files = pageFiles(o.inputDir);
  const t0 = performance.now();
  // Pagefind is fed from this thread, idle while the render thread works, so that the pages flow
  // to its process as they come (the render thread's own event loop is blocked while it renders).
  const index = o.search ? await SearchIndex.create() : undefined;
  const worker = new Worker(new URL(import.meta.url), { workerData: { renderPages: { files, options: o } }, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
  /** @type {{ resolve: (r: RenderResult) => void; reject: (e: Error) => void }} */
  let rendered = { resolve: () => {}, reject: () => {} };
  const result = new Promise((resolve, reject) => (rendered = { resolve, reject }));
  /** @type {Promise<void> | undefined} */
  let written;
  // A render that fails before the index is being written leaves the previous index; Pagefind's process goes.
  const abandonIndex = () => {
    if (index && !written) void index.close();
  };
  const fail = (/** @type {Error} */ e) => {
    rendered.reject(e);
    abandonIndex();
  };
  worker.on('message', (/** @type {RenderMessage} */ m) => {
    if ('page' in m) index?.add(m.page[0], m.page[1]);
    else if ('searchableSent' in m) {
      written = index?.write(path.join(o.outDir, 'pagefind'));
      // Awaited through `search` below; if the render fails first, nobody awaits it.
      written?.catch(() => {});
    }
    else if ('result' in m) rendered.resolve(m.result);
    else if ('error' in m) fail(new RenderPagesError(m.error));
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new RenderPagesError(`the render thread exited (code ${code}) before it was done`)));
  /** @type {RenderResult} */
  const { pages, targets } = await result;
  /** @type {Map<string, string>} */
  const seen = new Map();
  for (const [target, rel] of targets) {
    const earlier = seen.get(target);
    if (earlier) {
      abandonIndex();
      throw new RenderPagesError(`two pages are written to ${path.relative(o.outDir, target)}: from ${earlier} and ${rel}`);
    }
    seen.set(target, rel);
  }
  const search = written && index ? written.then(() => ({ pages: index.pages, seconds: (performance.now() - t0) / 1000 })) : null;
  // Awaited by the caller (Eleventy's after-build hook); not unhandled meanwhile.
  search?.catch(() => {});
  return { pages, search };
}

// The render thread: the searchable pages as they come, then the result (or the one line of what went wrong).
if (!isMainThread && workerData?.renderPages) {
  const { files, options } = /** @type {{ files: string[]; options: RenderOptions }} */ (workerData.renderPages);
  /** @param {RenderMessage} m */
  const post = (m) => parentPort?.postMessage(m);
  const toSearch = options.search ? { page: (/** @type {string} */ rel, /** @type {string} */ html) => post({ page: [rel, html] }), searchableSent: () => post({ searchableSent: true }) } : undefined;
  try {
    post({ result: renderFiles(files, options, toSearch) });
  } catch (e) {
    post({ error: e instanceof RenderPagesError ? e.message : String(/** @type {Error} */ (e).stack ?? e) });
  }
}
