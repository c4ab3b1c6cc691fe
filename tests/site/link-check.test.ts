/**
 * The site tests' link check (checkLinks in ./helpers.ts) itself: it must find what is broken, for
 * root-relative, relative and same-page links alike, and pass what is not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';
import { checkLinks } from './helpers.ts';

const temps = tempDirs();
afterAll(() => temps.cleanup());

const page = (body: string): string => `<!doctype html>\n<html lang="en"><body id="top">${body}</body></html>\n`;

describe('checkLinks', () => {
  it('reports missing pages and ids, and links that leave the base path; passes the rest', async () => {
    const dir = await temps.make('link-check-');
    await writeTree(dir, {
      'index.html': page('<a href="/a/">a</a><a href="/a/#x">x</a><a href="/a/#nope">nope</a><a href="/missing/">m</a><a href="#top">top</a><a href="#gone">gone</a><a href="https://example.org/x">out</a><a href="/plan/#group=G0016">state</a><a href="/a/?q=1&amp;r=2#x">query</a>'),
      'a/index.html': page('<h2 id="x">x</h2><a href="b/">b</a><a href="../c.css">css</a><a href="b/#y">y</a><a href="../../outside/">up</a>'),
      'a/b/index.html': page('<p id="y">y</p><a href="../#x">back</a><a href="../#z">no z</a>'),
      'c.css': 'body{}',
      'plan/index.html': page(''),
    });
    const r = await checkLinks(dir);
    expect(r.pages).toBe(4);
    expect(r.links).toBe(14);
    expect(r.broken.sort()).toEqual(['/a/b/index.html → /a/#z (no such id)', '/a/index.html → /outside/', '/index.html → /#gone (no such id)', '/index.html → /a/#nope (no such id)', '/index.html → /missing/'].sort());
    const sub = await checkLinks(dir, '/a/');
    expect(sub.broken).toContain('/index.html → /missing/ (outside /a/)');
  });
});
