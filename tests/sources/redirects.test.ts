/**
 * Redirects against real local servers: followed (at most 5) within the origin asked, to https on
 * the same host or to GitHub's hosts; in mirror-url mode only within the mirror's origin. Anything
 * else fails with reason 'redirect' and a message naming the URL and the refused target.
 */

import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCacheEntry } from '../../scripts/sources/cache.ts';
import { createFetcher, type Fetcher } from '../../scripts/sources/fetcher.ts';
import { GITHUB_HOSTS, MAX_REDIRECTIONS, redirectRefusal } from '../../scripts/sources/http.ts';
import type { FetchTuning, SourceMode } from '../../scripts/sources/types.ts';
import { sourceErrorOf } from '../helpers/expect-source-error.ts';
import { startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const FAST: Partial<FetchTuning> = { retries: 2, backoffMs: 10, headersTimeoutMs: 2000, bodyTimeoutMs: 2000 };
const A_URL = 'https://example.org/files/a.txt';
const A_BODY = 'alpha '.repeat(200);
const MOVED_BODY = 'moved here';

const temps = tempDirs();
let server: MirrorServer;
/** A second server: another origin (same host name, other port). */
let other: MirrorServer;
let cacheDir: string;
const fetchers: Fetcher[] = [];

function fetcher(mode: SourceMode): Fetcher {
  const f = createFetcher(mode, FAST);
  fetchers.push(f);
  return f;
}
const viaMirror = (): Fetcher => fetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir });

beforeEach(async () => {
  const root = await temps.make();
  await writeTree(root, { 'example.org/files/a.txt': A_BODY, 'example.org/files/moved.txt': MOVED_BODY });
  server = await startMirrorServer(root);
  other = await startMirrorServer(root);
  cacheDir = await temps.make('sources-cache-');
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await server.close();
  await other.close();
  await temps.cleanup();
});

describe('mirror-url mode', () => {
  it('follows redirects within the mirror origin (relative and absolute), caching under the upstream URL', async () => {
    server.faults.redirect('a.txt', '/example.org/files/moved.txt', { status: 301, times: 1 });
    server.faults.redirect('moved.txt', `${server.baseUrl}/example.org/files/moved.txt`, { status: 307, times: 1 });
    const fetched = await viaMirror().get(A_URL);
    expect(fetched.bytes.toString()).toBe(MOVED_BODY);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/example.org/files/a.txt', 301],
      ['/example.org/files/moved.txt', 307],
      ['/example.org/files/moved.txt', 200],
    ]);
    expect((await readCacheEntry(cacheDir, A_URL))?.bytes.toString()).toBe(MOVED_BODY);
  });

  it('refuses a redirect to another origin, without requesting it', async () => {
    const target = `${other.baseUrl}/example.org/files/a.txt`;
    server.faults.redirect('a.txt', target);
    const error = await sourceErrorOf(viaMirror().get(A_URL));
    expect(error.reason).toBe('redirect');
    expect(error.url).toBe(A_URL);
    expect(error.message).toBe(
      `${A_URL} (requested as ${server.baseUrl}/example.org/files/a.txt): the server redirected to ${target}, which is refused: a mirror may only redirect within its own origin ${server.baseUrl}; check the URL and the mirror`,
    );
    expect(other.requests).toHaveLength(0);
    expect(server.requestsFor('a.txt')).toHaveLength(1); // not retried
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('refuses a redirect to a GitHub host too: a mirror stays a mirror', async () => {
    server.faults.redirect('a.txt', 'https://raw.githubusercontent.com/x/y/main/a.txt');
    const error = await sourceErrorOf(viaMirror().get(A_URL));
    expect(error.reason).toBe('redirect');
    expect(error.message).toContain('to https://raw.githubusercontent.com/x/y/main/a.txt, which is refused');
  });

  it(`stops after ${MAX_REDIRECTIONS} redirects`, async () => {
    server.faults.redirect('a.txt', '/example.org/files/moved.txt');
    server.faults.redirect('moved.txt', '/example.org/files/a.txt');
    const error = await sourceErrorOf(viaMirror().get(A_URL));
    expect(error.reason).toBe('redirect');
    expect(error.message).toMatch(/: more than 5 redirects \(the last \(at http:\/\/127\.0\.0\.1:\d+\/example\.org\/files\/moved\.txt\) to http:\/\/127\.0\.0\.1:\d+\/example\.org\/files\/a\.txt\); refused, check the URL$/);
    expect(server.requests).toHaveLength(MAX_REDIRECTIONS + 1);
  });

  it('exactly 5 redirects are followed', async () => {
    for (let i = 0; i < 5; i++) server.faults.redirect(`hop${i}`, i === 4 ? '/example.org/files/moved.txt' : `/example.org/files/hop${i + 1}`);
    const fetched = await viaMirror().get('https://example.org/files/hop0');
    expect(fetched.bytes.toString()).toBe(MOVED_BODY);
    expect(server.requests).toHaveLength(6);
  });

  it('a redirect without Location is an http-status error', async () => {
    server.faults.redirect('a.txt', '');
    const error = await sourceErrorOf(viaMirror().get(A_URL));
    expect(error.reason).toBe('http-status');
    expect(error.message).toMatch(/^https:\/\/example\.org\/files\/a\.txt \(requested as [^)]+\): the server answered HTTP 302 Found without a Location header$/);
    expect(server.requestsFor('a.txt')).toHaveLength(1);
  });
});

describe('network mode', () => {
  it('follows a redirect within the same origin', async () => {
    const url = `${server.baseUrl}/example.org/files/a.txt`;
    server.faults.redirect('a.txt', '/example.org/files/moved.txt', { times: 1 });
    const fetched = await fetcher({ kind: 'network', cacheDir }).get(url);
    expect(fetched.bytes.toString()).toBe(MOVED_BODY);
    expect((await readCacheEntry(cacheDir, url))?.bytes.toString()).toBe(MOVED_BODY);
  });

  it('refuses a cross-host redirect that is not to GitHub over https, naming the URL and the target', async () => {
    const url = `${server.baseUrl}/example.org/files/a.txt`;
    const target = `${other.baseUrl}/example.org/files/a.txt`;
    server.faults.redirect('a.txt', target);
    const error = await sourceErrorOf(fetcher({ kind: 'network', cacheDir }).get(url));
    expect(error.reason).toBe('redirect');
    expect(error.message).toBe(
      `${url}: the server redirected to ${target}, which is refused: not https; only https URLs on ${new URL(url).host} or on GitHub's hosts (${[...GITHUB_HOSTS].join(', ')}) are followed; check the URL`,
    );
    expect(other.requests).toHaveLength(0);

    server.faults.clear();
    server.faults.redirect('a.txt', 'https://evil.example/payload');
    const https = await sourceErrorOf(fetcher({ kind: 'network', cacheDir }).get(url));
    expect(https.reason).toBe('redirect');
    expect(https.message).toContain('to https://evil.example/payload, which is refused: another host;');
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('redirectRefusal (the policy)', () => {
  const raw = new URL('https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/index.json');
  const allowed = (to: string, from = raw, mirror?: string) => redirectRefusal(new URL(to), from, mirror) === null;

  it('allows the GitHub hosts and the same host over https', () => {
    expect([...GITHUB_HOSTS].sort()).toEqual(['api.github.com', 'codeload.github.com', 'github.com', 'objects.githubusercontent.com', 'raw.githubusercontent.com']);
    expect(allowed('https://objects.githubusercontent.com/github-production-release-asset/1')).toBe(true);
    expect(allowed('https://codeload.github.com/OTRF/OSSEM-DD/tar.gz/abc', new URL('https://api.github.com/repos/OTRF/OSSEM-DD/tarball/abc'))).toBe(true);
    expect(allowed('https://raw.githubusercontent.com/other/path')).toBe(true);
    expect(allowed('https://mirror.example/a', new URL('https://mirror.example/b'))).toBe(true);
    expect(allowed('https://mirror.example/a', new URL('http://mirror.example/b'))).toBe(true); // upgrade
  });

  it('refuses plain http, other hosts, GitHub look-alikes and GitHub on odd ports', () => {
    expect(allowed('http://raw.githubusercontent.com/x')).toBe(false); // downgrade
    expect(allowed('https://evil.example/x')).toBe(false);
    expect(allowed('https://raw.githubusercontent.com.evil.example/x')).toBe(false);
    expect(allowed('https://gist.github.com/x')).toBe(false);
    expect(allowed('https://github.com:8443/x')).toBe(false);
    expect(allowed('file:///etc/passwd')).toBe(false);
  });

  it('in mirror-url mode allows only the mirror origin', () => {
    const from = new URL('http://127.0.0.1:8080/raw.githubusercontent.com/x');
    expect(allowed('http://127.0.0.1:8080/elsewhere', from, 'http://127.0.0.1:8080')).toBe(true);
    expect(allowed('http://127.0.0.1:8081/x', from, 'http://127.0.0.1:8080')).toBe(false);
    expect(allowed('https://raw.githubusercontent.com/x', from, 'http://127.0.0.1:8080')).toBe(false);
  });
});
