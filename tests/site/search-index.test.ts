/**
 * The search index is written from the searchable pages alone (scripts/pages/search-index.ts): it
 * must be the index `pagefind --site` writes from the whole site, byte for byte, and a site with no
 * page marked searchable is indexed whole, as Pagefind does.
 */
import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { writeSearchIndex } from '../../scripts/pages/search-index.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';

const PAGEFIND = path.join(REPO_ROOT, 'node_modules', 'pagefind', 'lib', 'runner', 'bin.cjs');
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const html = (title: string, body: string, marked: boolean): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><nav>menu words</nav><main${marked ? ' data-pagefind-body' : ''}><h1>${title}</h1><p>${body}</p></main></body></html>\n`;

async function both(files: Record<string, string>): Promise<{ ours: string; whole: string; result: Awaited<ReturnType<typeof writeSearchIndex>> }> {
  const ours = await dirs.make('search-index-');
  await writeTree(ours, files);
  const whole = await dirs.make('search-index-whole-');
  await cp(ours, whole, { recursive: true });
  const result = await writeSearchIndex(ours);
  await promisify(execFile)(process.execPath, [PAGEFIND, '--site', whole]);
  return { ours, whole, result };
}

describe('writeSearchIndex', () => {
  it('gives Pagefind the marked pages only, and writes the index Pagefind writes from the whole site', async () => {
    const { ours, whole, result } = await both({
      'index.html': html('Home', 'start here', false),
      'techniques/T1003/index.html': html('OS Credential Dumping', 'lsass memory', true),
      'v/9.0/techniques/T1003/index.html': html('Credential Dumping', 'older name', false),
      'events/security-4688/index.html': html('Process creation', 'new process', true),
      'assets/site.css': 'body{}',
    });
    expect(result).toMatchObject({ htmlFiles: 4, indexedFiles: 2 });
    expect(result.output).toMatch(/Indexed 2 pages/);
    const index = await tree(path.join(ours, 'pagefind'));
    expect(index.size).toBeGreaterThan(5);
    expectSameTree(index, await tree(path.join(whole, 'pagefind')));
  });

  it('indexes every page when none is marked', async () => {
    const { ours, whole, result } = await both({
      'a/index.html': html('Alpha', 'first', false),
      'b/index.html': html('Beta', 'second', false),
    });
    expect(result).toMatchObject({ htmlFiles: 2, indexedFiles: 2 });
    expect(result.output).toMatch(/Indexed 2 pages/);
    expectSameTree(await tree(path.join(ours, 'pagefind')), await tree(path.join(whole, 'pagefind')));
  });

  it('says which folder is missing, in one line', async () => {
    await expect(writeSearchIndex(path.join(REPO_ROOT, 'no-such-site'))).rejects.toThrow(/^cannot read the site folder .*no-such-site: .*Run Eleventy first/);
  });
});
