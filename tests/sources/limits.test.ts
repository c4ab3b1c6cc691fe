/**
 * Body limits against a real local server (no mocked network): a body larger than its pin or the
 * default limit is refused after little more than the limit is read, a gzip bomb fails while it
 * inflates, and nothing but complete, verified bodies ever stays in the cache folder. Memory is
 * not measured: the bytes read (stated in the error) and the bytes cached are.
 */

import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCacheEntry, writeCacheEntry } from '../../scripts/sources/cache.ts';
import { createFetcher, DEFAULT_TUNING, type Fetcher } from '../../scripts/sources/fetcher.ts';
import { inflateChunkSize, readFromMirror } from '../../scripts/sources/mirror.ts';
import { DEFAULT_MAX_BODY_BYTES, type FetchTuning, type SourceMode } from '../../scripts/sources/types.ts';
import { sourceErrorOf } from '../helpers/expect-source-error.ts';
import { startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const MiB = 2 ** 20;
const FAST: Partial<FetchTuning> = { retries: 2, backoffMs: 10, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };
const A_URL = 'https://example.org/files/a.txt';
const A_BODY = 'alpha '.repeat(2000);
const BIG_URL = 'https://example.org/files/big.bin';
const BOMB_URL = 'https://example.org/files/bomb.json';
const SMALL_GZ_URL = 'https://example.org/files/zeros.json';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const pinOf = (data: string | Buffer) => ({ sha256: sha256(data), size: Buffer.byteLength(data) });
/** The byte count a 'too-large' message says was read before the transfer was refused. */
const bytesRead = (message: string): number => Number(/refused after (?:receiving|inflating) (\d+) bytes/.exec(message)?.[1] ?? NaN);

const temps = tempDirs();
let root: string;
let server: MirrorServer;
let cacheDir: string;
const fetchers: Fetcher[] = [];
/** 64 MiB of zeros gzipped: about 64 KiB on the wire. */
let bomb: Buffer;
const zeros4 = Buffer.alloc(4 * MiB);

function fetcher(mode: SourceMode, tuning: Partial<FetchTuning> = {}): Fetcher {
  const f = createFetcher(mode, { ...FAST, ...tuning });
  fetchers.push(f);
  return f;
}
const viaHttp = (tuning: Partial<FetchTuning> = {}): Fetcher => fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }, tuning);

beforeAll(() => {
  bomb = gzipSync(Buffer.alloc(64 * MiB));
  expect(bomb.length).toBeLessThan(128 * 1024);
});

beforeEach(async () => {
  root = await temps.make();
  await writeTree(root, {
    'example.org/files/a.txt': A_BODY,
    'example.org/files/bomb.json.gz': bomb,
    'example.org/files/zeros.json.gz': gzipSync(zeros4),
  });
  server = await startMirrorServer(root);
  cacheDir = await temps.make('sources-cache-');
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await server.close();
  await temps.cleanup();
});

describe('a body larger than its pin', () => {
  it('is refused while streaming (no Content-Length) after little more than the pinned size, not retried, nothing cached', async () => {
    server.faults.huge('big.bin', 1024 * MiB, { contentLength: false });
    const error = await sourceErrorOf(viaHttp({ pins: { [BIG_URL]: { sha256: '0'.repeat(64), size: MiB } } }).get(BIG_URL));
    expect(error.reason).toBe('too-large');
    expect(error.url).toBe(BIG_URL);
    expect(error.message).toMatch(/^https:\/\/example\.org\/files\/big\.bin \(requested as http:\/\/127\.0\.0\.1:\d+\/example\.org\/files\/big\.bin\): the body is larger than 1048576 bytes \(1 MiB\), the decoded size the lock pins for it \(refused after receiving \d+ bytes\); nothing was cached; if upstream changed on purpose, rerun with --update-lock$/);
    const read = bytesRead(error.message);
    expect(read).toBeGreaterThan(MiB);
    expect(read).toBeLessThanOrEqual(MiB + 256 * 1024);
    // The server was cut off long before it could send the gigabyte (socket buffers aside).
    const [request] = server.requestsFor('big.bin');
    expect(request?.bytesSent).toBeLessThan(64 * MiB);
    expect(server.requestsFor('big.bin')).toHaveLength(1);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('is refused by its Content-Length before any of it is read', async () => {
    server.faults.huge('big.bin', 2048 * MiB);
    const error = await sourceErrorOf(viaHttp({ pins: { [BIG_URL]: { sha256: '0'.repeat(64), size: MiB } } }).get(BIG_URL));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('the body is larger than 1048576 bytes (1 MiB), the decoded size the lock pins for it (Content-Length: 2147483648; nothing was read)');
    expect(server.requestsFor('big.bin')[0]?.bytesSent).toBeLessThan(64 * MiB);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('without a pin, the default limit (configurable) applies the same way', async () => {
    expect(DEFAULT_TUNING.maxBodyBytes).toBe(256 * MiB);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(256 * MiB);
    server.faults.huge('big.bin', 1024 * MiB, { contentLength: false });
    const error = await sourceErrorOf(viaHttp({ maxBodyBytes: 2 * MiB }).get(BIG_URL));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('the body is larger than 2097152 bytes (2 MiB), the limit for a file the lock does not pin (refused after receiving');
    expect(error.message).toContain('raise the limit (FetchTuning.maxBodyBytes)');
    expect(bytesRead(error.message)).toBeLessThanOrEqual(2 * MiB + 256 * 1024);
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('a gzip bomb', () => {
  it('fails while inflating, naming the URL and the decoded limit; nothing cached', async () => {
    const error = await sourceErrorOf(viaHttp({ maxBodyBytes: MiB }).get(BOMB_URL));
    expect(server.requestsFor('bomb.json')[0]?.gzip).toBe(true);
    expect(error.reason).toBe('too-large');
    expect(error.url).toBe(BOMB_URL);
    expect(error.message).toMatch(/^https:\/\/example\.org\/files\/bomb\.json \(requested as [^)]+\): the gzip body, inflated, is larger than 1048576 bytes \(1 MiB\), the limit for a file the lock does not pin \(refused after inflating \d+ bytes from \d+ bytes received\); nothing was cached/);
    expect(bytesRead(error.message)).toBeLessThanOrEqual(MiB + 256 * 1024);
    expect(server.requestsFor('bomb.json')).toHaveLength(1);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('fails the same under a pin smaller than what it inflates to', async () => {
    const error = await sourceErrorOf(viaHttp({ pins: { [BOMB_URL]: { sha256: '0'.repeat(64), size: 2 * MiB } } }).get(BOMB_URL));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('the gzip body, inflated, is larger than 2097152 bytes (2 MiB), the decoded size the lock pins for it');
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('in the mirror folder (<path>.gz) gets the same decoded limit', async () => {
    const mirror = fetcher({ kind: 'mirror', dir: root }, { maxBodyBytes: MiB });
    const error = await sourceErrorOf(mirror.get(BOMB_URL));
    expect(error.reason).toBe('too-large');
    expect(error.message).toMatch(/^https:\/\/example\.org\/files\/bomb\.json: the mirror file .*bomb\.json\.gz, inflated, is larger than 1048576 bytes \(1 MiB\), the limit for a file the lock does not pin/);
    await expect(readFromMirror(root, BOMB_URL, { maxBytes: MiB, pin: null })).rejects.toThrow(/inflated, is larger than/);
    // A plain mirror file larger than its pin is refused by its size, unread.
    const pinned = fetcher({ kind: 'mirror', dir: root }, { pins: { [A_URL]: { sha256: sha256(A_BODY), size: 100 } } });
    const plain = await sourceErrorOf(pinned.get(A_URL));
    expect(plain.reason).toBe('too-large');
    expect(plain.message).toContain(`(${Buffer.byteLength(A_BODY)} bytes; nothing was read)`);
  });

  it('inflates in one chunk sized from the pin or the gzip trailer, which bounds nothing but the allocation', async () => {
    const gz = gzipSync(zeros4);
    // The trailer's size (plus one byte, so the end of the stream fits in the same call).
    expect(inflateChunkSize(gz, { maxBytes: DEFAULT_MAX_BODY_BYTES, pin: null })).toBe(4 * MiB + 1);
    // A pin's size wins over the trailer; the limit and 64 MiB cap a trailer that claims more.
    expect(inflateChunkSize(gz, { maxBytes: 4 * MiB, pin: { sha256: '', size: 3 * MiB } })).toBe(3 * MiB + 1);
    const liar = Buffer.from(gz);
    liar.writeUInt32LE(0xffffffff, liar.length - 4);
    expect(inflateChunkSize(liar, { maxBytes: MiB, pin: null })).toBe(MiB + 1);
    expect(inflateChunkSize(liar, { maxBytes: DEFAULT_MAX_BODY_BYTES, pin: null })).toBe(64 * MiB);
    // zlib's own 16 KiB at least, whatever the trailer says.
    liar.writeUInt32LE(0, liar.length - 4);
    expect(inflateChunkSize(liar, { maxBytes: DEFAULT_MAX_BODY_BYTES, pin: null })).toBe(16 * 1024);
    // A trailer claiming too little only means more chunks: in a two-member file the trailer holds
    // the last member's size (1 byte), and the whole body still comes out.
    await writeTree(root, { 'example.org/files/members.json.gz': Buffer.concat([gz, gzipSync('x')]) });
    expect((await readFromMirror(root, 'https://example.org/files/members.json')).equals(Buffer.concat([zeros4, Buffer.from('x')]))).toBe(true);
  });
});

describe('what reaches the cache', () => {
  it('a pinned body larger than the default limit is accepted when it matches the pin, then revalidated', async () => {
    const tuning = { maxBodyBytes: MiB, pins: { [SMALL_GZ_URL]: pinOf(zeros4) } };
    const fetched = await viaHttp(tuning).get(SMALL_GZ_URL);
    expect(fetched).toMatchObject({ origin: 'download', size: 4 * MiB, sha256: sha256(zeros4) });
    expect((await readCacheEntry(cacheDir, SMALL_GZ_URL))?.meta).toMatchObject({ size: 4 * MiB, sha256: sha256(zeros4) });
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await viaHttp(tuning).get(SMALL_GZ_URL);
    expect(again.origin).toBe('not-modified');
    expect(server.requestsFor('zeros.json').map((r) => r.status)).toEqual([200, 304]);
  });

  it('a body that differs from its pin fails with checksum and is not cached; the previous copy stays', async () => {
    const pins = { [A_URL]: pinOf(A_BODY) };
    await viaHttp({ pins }).get(A_URL);
    const before = await readCacheEntry(cacheDir, A_URL);
    const files = (await readdir(cacheDir)).sort();
    const changed = 'omega '.repeat(2000); // same size, other bytes
    server.faults.override('a.txt', changed);
    const error = await sourceErrorOf(viaHttp({ pins }).get(A_URL));
    expect(error.reason).toBe('checksum');
    expect(error.message).toContain(sha256(changed));
    expect(error.message).toContain('--update-lock');
    expect(await readCacheEntry(cacheDir, A_URL)).toEqual(before);
    expect((await readdir(cacheDir)).sort()).toEqual(files);
    // Without pins (--update-lock), the same body is accepted and cached.
    expect((await viaHttp().get(A_URL)).bytes.toString()).toBe(changed);
    expect((await readCacheEntry(cacheDir, A_URL))?.bytes.toString()).toBe(changed);
  });

  it('a cached copy that is not the pinned body is not revalidated: the request is unconditional', async () => {
    await writeCacheEntry(cacheDir, A_URL, Buffer.from('stale'), { etag: `"${sha256('stale')}"`, lastModified: null });
    const fetched = await viaHttp({ pins: { [A_URL]: pinOf(A_BODY) } }).get(A_URL);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect(server.requestsFor('a.txt')[0]?.headers['if-none-match']).toBeUndefined();
  });

  it('offline and mirror modes check the pin too', async () => {
    await viaHttp().get(A_URL);
    const wrongPin = { [A_URL]: { sha256: '0'.repeat(64), size: Buffer.byteLength(A_BODY) } };
    expect((await sourceErrorOf(fetcher({ kind: 'offline', cacheDir }, { pins: wrongPin }).get(A_URL))).reason).toBe('checksum');
    expect((await sourceErrorOf(fetcher({ kind: 'mirror', dir: root }, { pins: wrongPin }).get(A_URL))).reason).toBe('checksum');
    const small = await sourceErrorOf(fetcher({ kind: 'offline', cacheDir }, { maxBodyBytes: 100 }).get(A_URL));
    expect(small.reason).toBe('too-large');
    expect(small.message).toContain('the cached copy is larger than 100 bytes');
    expect((await fetcher({ kind: 'offline', cacheDir }, { pins: { [A_URL]: pinOf(A_BODY) } }).get(A_URL)).origin).toBe('cache');
  });

  it('retries and their error reasons are unchanged under pins (a truncated pinned body, then a whole one)', async () => {
    server.faults.truncate('a.txt', 1);
    const fetched = await viaHttp({ pins: { [A_URL]: pinOf(A_BODY) } }).get(A_URL);
    expect(fetched.bytes.toString()).toBe(A_BODY);
    expect(server.requestsFor('a.txt').map((r) => r.fault)).toEqual(['truncate', null]);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
