/** The download cache: round trip, integrity checks on read, no temp files left behind. */

import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePaths, readCacheEntry, readCacheMeta, writeCacheEntry } from '../../scripts/sources/cache.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';

const URL_A = 'https://example.org/a.json';
const temps = tempDirs();
afterEach(() => temps.cleanup());

describe('cache', () => {
  it('round-trips bytes and validators, leaving exactly a body and a meta file', async () => {
    const dir = path.join(await temps.make(), 'nested', 'cache');
    const meta = await writeCacheEntry(dir, URL_A, Buffer.from('{"a":1}'), { etag: '"abc"', lastModified: null });
    expect(meta).toMatchObject({ url: URL_A, etag: '"abc"', lastModified: null, size: 7 });
    expect(await readCacheEntry(dir, URL_A)).toEqual({ meta, bytes: Buffer.from('{"a":1}') });
    const paths = cachePaths(dir, URL_A);
    expect((await readdir(dir)).sort()).toEqual([path.basename(paths.body), path.basename(paths.meta)].sort());
  });

  it('treats a body that disagrees with its meta as absent (e.g. a crash between the two renames)', async () => {
    const dir = await temps.make();
    await writeCacheEntry(dir, URL_A, Buffer.from('complete'), { etag: null, lastModified: null });
    await writeFile(cachePaths(dir, URL_A).body, 'compl');
    expect(await readCacheEntry(dir, URL_A)).toBeNull();
  });

  it('treats a damaged or foreign meta as absent', async () => {
    const dir = await temps.make();
    await writeCacheEntry(dir, URL_A, Buffer.from('x'), { etag: null, lastModified: null });
    await writeFile(cachePaths(dir, URL_A).meta, '{"url":');
    expect(await readCacheMeta(dir, URL_A)).toBeNull();
    // A meta recording another URL (hash collision or hand edit) must not be served for this one.
    await writeFile(cachePaths(dir, URL_A).meta, JSON.stringify({ url: 'https://other/', etag: null, lastModified: null, sha256: 'x', size: 1 }));
    expect(await readCacheMeta(dir, URL_A)).toBeNull();
  });

  it('replaces an entry whole, and a leftover temp file from a killed run does not count as an entry', async () => {
    const dir = await temps.make();
    await writeCacheEntry(dir, URL_A, Buffer.from('v1'), { etag: '"1"', lastModified: null });
    await writeFile(`${cachePaths(dir, URL_A).body}.999.deadbeef.tmp`, 'half a v');
    await writeCacheEntry(dir, URL_A, Buffer.from('version 2'), { etag: '"2"', lastModified: null });
    const entry = await readCacheEntry(dir, URL_A);
    expect(entry?.bytes.toString()).toBe('version 2');
    expect(entry?.meta.etag).toBe('"2"');
  });
});
