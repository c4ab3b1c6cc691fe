/** Source modes against the shared offline mirror (/shared/sources, found relative to the repo). */

import { readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCacheEntry } from '../../scripts/sources/cache.ts';
import { createFetcher, type Fetcher } from '../../scripts/sources/fetcher.ts';
import type { FetchTuning, SourceMode } from '../../scripts/sources/types.ts';
import { sourceErrorOf } from '../helpers/expect-source-error.ts';
import { sharedSourcesDir, startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const FAST: Partial<FetchTuning> = { retries: 1, backoffMs: 10, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };
const RAW = 'https://raw.githubusercontent.com';
const INDEX_URL = `${RAW}/mitre-attack/attack-stix-data/master/index.json`;
const BUNDLE_URL = `${RAW}/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-6.3.json`;
const CTI_URL = `${RAW}/mitre/cti/ATT%26CK-v6.3/enterprise-attack/enterprise-attack.json`;

const shared = sharedSourcesDir();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const mirrorFile = (...rel: string[]) => path.join(shared, 'raw.githubusercontent.com', ...rel);

const temps = tempDirs();
let server: MirrorServer;
let cacheDir: string;
const fetchers: Fetcher[] = [];
let bundleBytes: Buffer;
let ctiBytes: Buffer;

function fetcher(mode: SourceMode, tuning: Partial<FetchTuning> = FAST): Fetcher {
  const f = createFetcher(mode, tuning);
  fetchers.push(f);
  return f;
}

beforeAll(async () => {
  server = await startMirrorServer(shared);
  bundleBytes = gunzipSync(await readFile(mirrorFile('mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-6.3.json.gz')));
  ctiBytes = gunzipSync(await readFile(mirrorFile('mitre/cti/ATT&CK-v6.3/enterprise-attack/enterprise-attack.json.gz')));
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  server.requests.length = 0;
  server.faults.clear();
  cacheDir = await temps.make('sources-cache-');
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await temps.cleanup();
});

describe('mirror-url mode (HTTP server laid out by URL path)', () => {
  it('serves a plain file as is', async () => {
    const fetched = await fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }).get(INDEX_URL);
    const onDisk = await readFile(mirrorFile('mitre-attack/attack-stix-data/master/index.json'));
    expect(fetched.bytes.equals(onDisk)).toBe(true);
    expect(fetched.url).toBe(INDEX_URL);
    expect(server.requests[0]?.gzip).toBe(false);
  });

  it('decodes a gzip transfer to the gunzipped mirror file, and hashes the decoded bytes', async () => {
    const fetched = await fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }).get(BUNDLE_URL);
    const [request] = server.requests;
    expect(request?.headers['accept-encoding']).toBe('gzip');
    expect(request?.gzip).toBe(true);
    expect(fetched.bytes.equals(bundleBytes)).toBe(true);
    expect(fetched.size).toBe(bundleBytes.length);
    expect(fetched.sha256).toBe(sha256(bundleBytes));
    expect((JSON.parse(fetched.bytes.toString('utf8')) as { objects: unknown[] }).objects).toHaveLength(7029);
    // The cache holds the decoded resource, not the gzip transfer.
    const cached = await readCacheEntry(cacheDir, BUNDLE_URL);
    expect(cached?.meta.sha256).toBe(sha256(bundleBytes));
  });

  it('keeps %26 encoded on the wire and caches under the original upstream URL', async () => {
    const fetched = await fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }).get(CTI_URL);
    expect(server.requests[0]?.path).toBe('/raw.githubusercontent.com/mitre/cti/ATT%26CK-v6.3/enterprise-attack/enterprise-attack.json');
    expect(fetched.url).toBe(CTI_URL);
    expect(fetched.bytes.equals(ctiBytes)).toBe(true);
    expect((await readCacheEntry(cacheDir, CTI_URL))?.meta.url).toBe(CTI_URL);
  });
});

describe('mirror mode (local folder)', () => {
  it('reads plain files, .gz files transparently, and & in paths', async () => {
    const f = fetcher({ kind: 'mirror', dir: shared });
    const many = await f.getMany([INDEX_URL, BUNDLE_URL, CTI_URL]);
    expect([...many.keys()]).toEqual([INDEX_URL, BUNDLE_URL, CTI_URL]);
    expect(many.get(INDEX_URL)?.bytes.equals(await readFile(mirrorFile('mitre-attack/attack-stix-data/master/index.json')))).toBe(true);
    expect(many.get(BUNDLE_URL)?.bytes.equals(bundleBytes)).toBe(true);
    expect(many.get(BUNDLE_URL)?.sha256).toBe(sha256(bundleBytes));
    expect(many.get(CTI_URL)?.bytes.equals(ctiBytes)).toBe(true);
    for (const fetched of many.values()) expect(fetched.origin).toBe('mirror');
    expect(server.requests).toHaveLength(0);
  });

  it('gives the same bytes as mirror-url mode', async () => {
    const viaFolder = await fetcher({ kind: 'mirror', dir: shared }).get(CTI_URL);
    const viaHttp = await fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }).get(CTI_URL);
    expect(viaHttp.sha256).toBe(viaFolder.sha256);
  });

  it('fails with not-in-mirror naming the URL and both candidate files', async () => {
    const url = `${RAW}/mitre/cti/ATT%26CK-v99.9/enterprise-attack/enterprise-attack.json`;
    const error = await sourceErrorOf(fetcher({ kind: 'mirror', dir: shared }).get(url));
    expect(error.reason).toBe('not-in-mirror');
    expect(error.url).toBe(url);
    expect(error.message).toContain('ATT&CK-v99.9/enterprise-attack/enterprise-attack.json.gz');
  });
});

describe('offline mode', () => {
  it('fails with not-in-cache on an empty cache, then succeeds after a download', async () => {
    const error = await sourceErrorOf(fetcher({ kind: 'offline', cacheDir }).get(CTI_URL));
    expect(error.reason).toBe('not-in-cache');
    expect(error.message).toContain(CTI_URL);
    expect(error.message).toContain('without --offline');
    expect(error.message).toContain('--mirror');

    const downloaded = await fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }).get(CTI_URL);
    const requestsBefore = server.requests.length;
    const offline = await fetcher({ kind: 'offline', cacheDir }).get(CTI_URL);
    expect(offline.origin).toBe('cache');
    expect(offline.sha256).toBe(downloaded.sha256);
    expect(offline.bytes.equals(ctiBytes)).toBe(true);
    expect(server.requests).toHaveLength(requestsBefore);
  });
});

describe('getMany', () => {
  it('never runs more than `concurrency` requests at once and keeps the input order', async () => {
    const root = await temps.make();
    const urls = Array.from({ length: 8 }, (_, i) => `https://example.org/n/${i}.txt`);
    await writeTree(root, Object.fromEntries(urls.map((u, i) => [u.slice('https://'.length), `file ${i}`])));
    const local = await startMirrorServer(root);
    try {
      local.faults.delay('/n/', 60);
      const many = await fetcher({ kind: 'mirror-url', baseUrl: local.baseUrl, cacheDir }, { ...FAST, concurrency: 3 }).getMany([...urls, urls[0] as string]);
      expect([...many.keys()]).toEqual(urls);
      expect(urls.map((u) => many.get(u)?.bytes.toString())).toEqual(urls.map((_, i) => `file ${i}`));
      expect(local.stats.maxActive).toBe(3);
      expect(local.requests).toHaveLength(8);
    } finally {
      await local.close();
    }
  });

  it('rejects with the first error once the requests in flight have settled', async () => {
    const missing = `${RAW}/mitre-attack/attack-stix-data/master/nope.json`;
    const f = fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir }, { ...FAST, concurrency: 2 });
    server.faults.delay('index.json', 150);
    const error = await sourceErrorOf(f.getMany([missing, INDEX_URL, CTI_URL]));
    expect(error.reason).toBe('http-status');
    expect(error.url).toBe(missing);
    // The slow request started alongside the failing one has finished (and was cached) before the rejection.
    expect(server.requestsFor('index.json')[0]?.status).toBe(200);
    expect(await readCacheEntry(cacheDir, INDEX_URL)).not.toBeNull();
    // Nothing new was started after the failure.
    expect(server.requestsFor('mitre/cti')).toHaveLength(0);
  });

  it('shares one download between concurrent gets of the same URL', async () => {
    const f = fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir });
    const [a, b] = await Promise.all([f.get(INDEX_URL), f.get(INDEX_URL)]);
    expect(a.sha256).toBe(b?.sha256);
    expect(server.requests).toHaveLength(1);
    expect(await readdir(cacheDir)).toHaveLength(2);
  });
});
