/** The HTTP path (network and mirror-url modes) against a real local server with injected faults. */

import { readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachePaths, readCacheEntry } from '../../scripts/sources/cache.ts';
import { createFetcher, type Fetcher } from '../../scripts/sources/fetcher.ts';
import type { FetchTuning } from '../../scripts/sources/types.ts';
import { sourceErrorOf } from '../helpers/expect-source-error.ts';
import { startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const FAST: Partial<FetchTuning> = { retries: 2, backoffMs: 10, headersTimeoutMs: 2000, bodyTimeoutMs: 300 };
const A_URL = 'https://example.org/files/a.txt';
const A_BODY = 'alpha '.repeat(2000);
const B_URL = 'https://example.org/files/b.json';
const B_BODY = JSON.stringify({ hello: 'world', list: Array.from({ length: 500 }, (_, i) => i) });

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const temps = tempDirs();
let server: MirrorServer;
let cacheDir: string;
const fetchers: Fetcher[] = [];

function mirrorUrlFetcher(tuning: Partial<FetchTuning> = FAST): Fetcher {
  const fetcher = createFetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }, tuning);
  fetchers.push(fetcher);
  return fetcher;
}

beforeEach(async () => {
  const root = await temps.make();
  await writeTree(root, { 'example.org/files/a.txt': A_BODY, 'example.org/files/b.json': B_BODY });
  server = await startMirrorServer(root);
  cacheDir = await temps.make('sources-cache-');
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await server.close();
  await temps.cleanup();
});

describe('retries', () => {
  it('retries a 500 and then returns the body', async () => {
    server.faults.fail500('a.txt', 1);
    const fetched = await mirrorUrlFetcher().get(A_URL);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect(fetched.origin).toBe('download');
    expect(server.requestsFor('a.txt').map((r) => r.status)).toEqual([500, 200]);
  });

  it('retries a 429 (Retry-After: 0) and then returns the body', async () => {
    server.faults.fail('a.txt', 429, 2);
    const fetched = await mirrorUrlFetcher().get(A_URL);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect(server.requestsFor('a.txt').map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('gives up on a persistent 503 after retries+1 attempts, naming the URL', async () => {
    server.faults.fail('a.txt', 503, 100);
    const error = await sourceErrorOf(mirrorUrlFetcher().get(A_URL));
    expect(error.reason).toBe('http-status');
    expect(error.url).toBe(A_URL);
    expect(error.message).toContain(A_URL);
    expect(error.message).toContain('503');
    expect(error.message).toContain('3 attempts');
    expect(server.requestsFor('a.txt')).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    const url = 'https://example.org/files/missing.txt';
    const error = await sourceErrorOf(mirrorUrlFetcher().get(url));
    expect(error.reason).toBe('http-status');
    expect(error.message).toContain('404');
    expect(server.requestsFor('missing.txt')).toHaveLength(1);
  });

  it('waits with exponential backoff between attempts', async () => {
    server.faults.fail500('a.txt', 2);
    const started = Date.now();
    await mirrorUrlFetcher({ ...FAST, backoffMs: 100 }).get(A_URL);
    // 100 ms then 200 ms of backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('incomplete transfers', () => {
  it('fails a stalled body by the body timeout, after retries, with reason timeout', async () => {
    server.faults.stall('a.txt');
    const started = Date.now();
    const error = await sourceErrorOf(mirrorUrlFetcher({ ...FAST, retries: 1, bodyTimeoutMs: 300 }).get(A_URL));
    const elapsed = Date.now() - started;
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain(A_URL);
    expect(error.message).toContain('300 ms');
    expect(server.requestsFor('a.txt').map((r) => r.fault)).toEqual(['stall', 'stall']);
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300 - 50);
    // undici runs body timeouts on coarse "fast timers" (about 0.5-1 s of slack per attempt).
    expect(elapsed).toBeLessThan(2 * (300 + 1000) + 500);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('fails a body shorter than Content-Length with reason truncated and caches nothing', async () => {
    server.faults.truncate('a.txt');
    const error = await sourceErrorOf(mirrorUrlFetcher().get(A_URL));
    expect(error.reason).toBe('truncated');
    expect(error.message).toContain(A_URL);
    expect(error.message).toContain(`of ${Buffer.byteLength(A_BODY)}`);
    expect(server.requestsFor('a.txt')).toHaveLength(3);
    // No body, meta or temp file: an interrupted download leaves nothing behind.
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('recovers from a one-off truncation', async () => {
    server.faults.truncate('a.txt', 1);
    const fetched = await mirrorUrlFetcher().get(A_URL);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect(server.requestsFor('a.txt').map((r) => r.fault)).toEqual(['truncate', null]);
  });

  it('keeps the previous cached copy intact when a refresh is truncated', async () => {
    await mirrorUrlFetcher().get(A_URL);
    const before = await readCacheEntry(cacheDir, A_URL);
    expect(before?.bytes.toString()).toBe(A_BODY);

    server.faults.override('a.txt', 'changed upstream '.repeat(100));
    server.faults.truncate('a.txt');
    const error = await sourceErrorOf(mirrorUrlFetcher().get(A_URL));
    expect(error.reason).toBe('truncated');

    const after = await readCacheEntry(cacheDir, A_URL);
    expect(after).toEqual(before);
    const files = (await readdir(cacheDir)).sort();
    const paths = cachePaths(cacheDir, A_URL);
    expect(files).toEqual([paths.body, paths.meta].map((p) => p.slice(cacheDir.length + 1)).sort());
  });
});

describe('revalidation', () => {
  it('sends If-None-Match with a warm cache, gets 304 and returns the cached bytes', async () => {
    const first = await mirrorUrlFetcher().get(B_URL);
    expect(first.origin).toBe('download');
    expect(server.requestsFor('b.json')[0]?.headers['if-none-match']).toBeUndefined();

    const second = await mirrorUrlFetcher().get(B_URL);
    const [, revalidation] = server.requestsFor('b.json');
    expect(revalidation?.headers['if-none-match']).toBe(`"${sha256(B_BODY)}"`);
    expect(revalidation?.status).toBe(304);
    expect(second.origin).toBe('not-modified');
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(sha256(B_BODY));
    expect(second.size).toBe(Buffer.byteLength(B_BODY));
  });

  it('sends If-Modified-Since when the server gave Last-Modified and no ETag', async () => {
    await server.close();
    const root = await temps.make();
    await writeTree(root, { 'example.org/files/b.json': B_BODY });
    server = await startMirrorServer(root, { etag: false, lastModified: true });
    await mirrorUrlFetcher().get(B_URL);
    const second = await mirrorUrlFetcher().get(B_URL);
    const [, revalidation] = server.requestsFor('b.json');
    expect(revalidation?.headers['if-modified-since']).toMatch(/GMT$/);
    expect(revalidation?.status).toBe(304);
    expect(second.origin).toBe('not-modified');
  });

  it('downloads again when upstream changed (ETag differs)', async () => {
    await mirrorUrlFetcher().get(B_URL);
    server.faults.override('b.json', '{"changed":true}');
    const second = await mirrorUrlFetcher().get(B_URL);
    expect(second.origin).toBe('download');
    expect(second.bytes.toString()).toBe('{"changed":true}');
    expect((await readCacheEntry(cacheDir, B_URL))?.bytes.toString()).toBe('{"changed":true}');
  });

  it('asks again without validators when the cached body is damaged', async () => {
    await mirrorUrlFetcher().get(B_URL);
    await writeFile(cachePaths(cacheDir, B_URL).body, 'garbage');
    const second = await mirrorUrlFetcher().get(B_URL);
    expect(second.bytes.toString()).toBe(B_BODY);
    expect(second.origin).toBe('download');
    expect(server.requestsFor('b.json').map((r) => r.status)).toEqual([200, 304, 200]);
    expect(server.requestsFor('b.json')[2]?.headers['if-none-match']).toBeUndefined();
  });
});

describe('network mode', () => {
  it('retries a refused connection, then fails with reason network', async () => {
    const closed = await startMirrorServer(await temps.make());
    const deadBase = closed.baseUrl;
    await closed.close();
    const fetcher = createFetcher({ kind: 'mirror-url', baseUrl: deadBase, cacheDir }, { ...FAST, retries: 1 });
    fetchers.push(fetcher);
    const error = await sourceErrorOf(fetcher.get(A_URL));
    expect(error.reason).toBe('network');
    expect(error.message).toContain(A_URL);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('2 attempts');
  });

  it('fetches the URL itself and caches it under that URL', async () => {
    const url = `${server.baseUrl}/example.org/files/a.txt`;
    const fetcher = createFetcher({ kind: 'network', cacheDir }, FAST);
    fetchers.push(fetcher);
    const fetched = await fetcher.get(url);
    expect(fetched.url).toBe(url);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect((await readCacheEntry(cacheDir, url))?.meta.sha256).toBe(sha256(A_BODY));
    expect(server.requests[0]?.headers['accept-encoding']).toBe('gzip');
  });
});
