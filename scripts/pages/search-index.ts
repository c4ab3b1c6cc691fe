/**
 * The site's search index (Pagefind), written from the searchable pages alone. Pagefind indexes
 * only the pages marked `data-pagefind-body` once any page has it, but it still reads and parses
 * every HTML file of the site: 8,300 files (160 MB) for 1,200 searchable pages, about 10 s of its
 * 11 s. So the marked pages are linked (or copied) into a throw-away folder with the same relative
 * paths, and Pagefind indexes that folder into `<site>/pagefind/`: the same index, byte for byte,
 * as `pagefind --site <site>` (the URLs come from the paths relative to the folder). A site with
 * no marked page (Pagefind then indexes every page's body) is indexed whole, as before.
 */
import { execFile } from 'node:child_process';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExpectedError } from '../lib/expected-error.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';

const PAGEFIND_BIN = path.join(REPO_ROOT, 'node_modules', 'pagefind', 'lib', 'runner', 'bin.cjs');
const MARK = Buffer.from('data-pagefind-body');

export class SearchIndexError extends ExpectedError {}

export interface SearchIndexResult {
  /** HTML files of the site, and those given to Pagefind. */
  htmlFiles: number;
  indexedFiles: number;
  /** Pagefind's own output (its summary). */
  output: string;
}

async function htmlFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? path.join(rel, d.name) : d.name;
    if (d.isDirectory()) {
      if (!(rel === '' && d.name === 'pagefind')) out.push(...(await htmlFiles(dir, r)));
    } else if (d.name.endsWith('.html')) out.push(r);
  }
  return out;
}

/** The files (relative to `siteDir`) holding the mark, read a few at a time. */
async function markedFiles(siteDir: string, files: readonly string[]): Promise<string[]> {
  const marked = new Array<boolean>(files.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      marked[i] = (await readFile(path.join(siteDir, files[i]!))).includes(MARK);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return files.filter((_, i) => marked[i]);
}

async function stage(siteDir: string, files: readonly string[], stageDir: string): Promise<void> {
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (const d of [...dirs].sort()) await mkdir(path.join(stageDir, d), { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      // A hard link costs nothing; another file system (a tmpfs /tmp) needs a copy.
      await link(path.join(siteDir, f), path.join(stageDir, f)).catch(() => copyFile(path.join(siteDir, f), path.join(stageDir, f)));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** Runs Pagefind on `siteDir`'s searchable pages, writing `<siteDir>/pagefind/`. */
export async function writeSearchIndex(siteDir: string): Promise<SearchIndexResult> {
  const site = path.resolve(siteDir);
  let all: string[];
  try {
    all = await htmlFiles(site);
  } catch (e) {
    throw new SearchIndexError(`cannot read the site folder ${site}: ${(e as Error).message}. Run Eleventy first (npm run site).`);
  }
  const marked = await markedFiles(site, all);
  const run = async (dir: string): Promise<string> => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [PAGEFIND_BIN, '--site', dir, '--output-path', path.join(site, 'pagefind')], { maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new SearchIndexError(`Pagefind failed on ${site}: ${(err.stderr || err.stdout || err.message).trim().split('\n').pop()}`);
    }
  };
  if (marked.length === 0) return { htmlFiles: all.length, indexedFiles: all.length, output: await run(site) };
  const stageDir = await mkdtemp(path.join(os.tmpdir(), 'search-pages-'));
  try {
    await stage(site, marked, stageDir);
    return { htmlFiles: all.length, indexedFiles: marked.length, output: await run(stageDir) };
  } finally {
    await rm(stageDir, { recursive: true, force: true });
  }
}
