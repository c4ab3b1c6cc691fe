/**
 * The search index is fed page by page during the render (site/_config/search-index.js): it must
 * hold exactly the pages marked searchable, each as `pagefind --site` indexes it from the rendered
 * site (the same fragments, byte for byte), and it must be the same bytes on every build.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGenerated } from '../../scripts/cli/pages.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { buildSite, type BuiltSite } from '../../scripts/pages/site.ts';
import { renderPages } from '../../site/_config/render-pages.js';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';
import { fixtureInput } from './fixture.ts';
import { siteWorkspace } from './helpers.ts';

const PAGEFIND = path.join(REPO_ROOT, 'node_modules', 'pagefind', 'lib', 'runner', 'bin.cjs');
const temps = tempDirs();
afterAll(() => temps.cleanup());

let built: BuiltSite;
let site: string;
let work: string;

/** Renders the fixture's records into `out` with the search index. */
async function render(out: string): Promise<{ pages: number; indexed: number }> {
  const { pages, search } = await renderPages({ inputDir: site, includesDir: path.join(site, '_includes'), outDir: out, globalData: { site: {} }, search: true });
  if (!search) throw new Error('no search index under way');
  return { pages, indexed: (await search).pages };
}

beforeAll(async () => {
  work = await temps.make('search-index-');
  built = buildSite(fixtureInput());
  site = await siteWorkspace(work);
  await writeGenerated(built.files, path.join(site, '_generated'));
});

describe('the search index written with the render', () => {
  it('holds the searchable pages alone, each as `pagefind --site` indexes the rendered site', async () => {
    const out = path.join(work, 'a');
    const { pages, indexed } = await render(out);
    const searchable = built.records.flatMap((r) => (r.record.searchable === true ? [r.record.permalink] : []));
    // Each record file counts its searchable pages on its first line, which orders the render.
    const counted = built.files.filter((f) => f.path.startsWith('pages/')).reduce((n, f) => n + Number(/^\{"searchable": (\d+),/.exec(f.text)?.[1] ?? NaN), 0);
    expect(counted).toBe(searchable.length);
    expect(searchable.length).toBeGreaterThan(3);
    expect(searchable.length).toBeLessThan(pages);
    expect(indexed).toBe(searchable.length);
    const entry = JSON.parse(await readFile(path.join(out, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: { en: { page_count: number } } };
    expect(entry.languages.en.page_count).toBe(searchable.length);

    // Pagefind's CLI on the whole rendered site (it reads every page, and keeps the marked ones).
    const whole = path.join(work, 'whole');
    await cp(out, whole, { recursive: true, filter: (src) => path.basename(src) !== 'pagefind' });
    await promisify(execFile)(process.execPath, [PAGEFIND, '--site', whole]);
    expectSameTree(await tree(path.join(out, 'pagefind', 'fragment')), await tree(path.join(whole, 'pagefind', 'fragment')));
    const urls = [...(await tree(path.join(out, 'pagefind', 'fragment'))).values()].map((gz) => /"url":"([^"]*)"/.exec(gunzipText(gz))?.[1]).sort();
    expect(urls).toEqual([...searchable].sort());
  });

  it('is the same bytes built twice, and replaces the previous index whole', async () => {
    const a = path.join(work, 'twice-a');
    await render(a);
    const first = await tree(path.join(a, 'pagefind'));
    await render(a);
    expectSameTree(await tree(path.join(a, 'pagefind')), first);
    // A killed build's leftover beside the index goes; nothing else is left beside it.
    await mkdir(path.join(a, 'pagefind.tmp-99999', 'fragment'), { recursive: true });
    await render(a);
    expect((await readdir(a)).filter((n) => n.startsWith('pagefind'))).toEqual(['pagefind']);
    const b = path.join(work, 'twice-b');
    await render(b);
    expectSameTree(await tree(path.join(b, 'pagefind')), first);
    await rm(b, { recursive: true });
  });

  it('stops the build rather than miss a searchable page it did not see coming', async () => {
    // The files that hold searchable pages render first, found by the count on their first line; a
    // file whose count is wrong would come after the index is sealed.
    const copy = path.join(work, 'odd');
    await cp(site, path.join(copy, 'site'), { recursive: true });
    const file = path.join(copy, 'site', '_generated', 'pages', 'technique', 'latest.json');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\{"searchable": [1-9]\d*,\n/);
    await writeFile(file, text.replace(/^\{"searchable": \d+,/, '{"searchable": 0,'));
    const inputDir = path.join(copy, 'site');
    await expect(renderPages({ inputDir, includesDir: path.join(inputDir, '_includes'), outDir: path.join(copy, '_site'), globalData: { site: {} }, search: true })).rejects.toThrow(
      /^_generated\/pages\/technique\/latest\.json: the searchable page \/techniques\/T\d+\/ was not found before the search index was written/,
    );
  });
});

function gunzipText(gz: Buffer): string {
  return gunzipSync(gz).toString('utf8');
}
