/** Lock file: verification against fetched bytes, stable writing, strict reading. */

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetcher } from '../../scripts/sources/fetcher.ts';
import { emptyLock, readLock, serializeLock, verifyAgainstLock, writeLock } from '../../scripts/sources/lock.ts';
import type { Fetched, LockFile } from '../../scripts/sources/types.ts';
import { sourceErrorOf, sourceErrorOfSync } from '../helpers/expect-source-error.ts';
import { startMirrorServer } from '../helpers/mirror-server.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const temps = tempDirs();
afterEach(() => temps.cleanup());

function fetchedOf(url: string, body: string): Fetched {
  const bytes = Buffer.from(body);
  return { url, bytes, sha256: sha256(bytes), size: bytes.length, origin: 'download' };
}

const URL_A = 'https://example.org/a.json';
const URL_B = 'https://example.org/b.json';

function lockWith(...fetched: Fetched[]): LockFile {
  const lock = emptyLock(['18.1', '6.3']);
  for (const f of fetched) lock.files[f.url] = { url: f.url, sha256: f.sha256, size: f.size };
  return lock;
}

describe('verifyAgainstLock', () => {
  it('returns the pinned entry when bytes match', () => {
    const a = fetchedOf(URL_A, 'aaa');
    const lock = lockWith(a);
    expect(verifyAgainstLock(lock, a, { update: false })).toEqual({ url: URL_A, sha256: a.sha256, size: 3 });
  });

  it('throws checksum on a mismatch, naming both digests and --update-lock, and leaves the lock alone', () => {
    const pinned = fetchedOf(URL_A, 'old');
    const lock = lockWith(pinned);
    const changed = fetchedOf(URL_A, 'new bytes');
    const error = sourceErrorOfSync(() => verifyAgainstLock(lock, changed, { update: false }));
    expect(error.reason).toBe('checksum');
    expect(error.url).toBe(URL_A);
    expect(error.message).toContain(URL_A);
    expect(error.message).toContain(`expected sha256 ${pinned.sha256} (size 3) from the lock`);
    expect(error.message).toContain(`got sha256 ${changed.sha256} (size 9)`);
    expect(error.message).toContain('--update-lock');
    expect(lock.files[URL_A]?.sha256).toBe(pinned.sha256);
  });

  it('replaces the entry on a mismatch with update: true', () => {
    const lock = lockWith(fetchedOf(URL_A, 'old'));
    const changed = fetchedOf(URL_A, 'new bytes');
    const entry = verifyAgainstLock(lock, changed, { update: true });
    expect(entry).toEqual({ url: URL_A, sha256: changed.sha256, size: 9 });
    expect(lock.files[URL_A]).toEqual(entry);
  });

  it('throws unpinned for a URL missing from the lock, and pins it with update: true', () => {
    const lock = lockWith(fetchedOf(URL_A, 'aaa'));
    const b = fetchedOf(URL_B, 'bbb');
    const error = sourceErrorOfSync(() => verifyAgainstLock(lock, b, { update: false, lockPath: 'scripts/sources.lock.json' }));
    expect(error.reason).toBe('unpinned');
    expect(error.message).toContain(URL_B);
    expect(error.message).toContain('scripts/sources.lock.json');
    expect(error.message).toContain('--update-lock');
    expect(lock.files[URL_B]).toBeUndefined();

    verifyAgainstLock(lock, b, { update: true });
    expect(lock.files[URL_B]).toEqual({ url: URL_B, sha256: b.sha256, size: 3 });
  });

  it('detects an upstream change end to end (server override → checksum)', async () => {
    const root = await temps.make();
    await writeTree(root, { 'example.org/a.json': '{"v":1}' });
    const server = await startMirrorServer(root);
    const fetcher = createFetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir: await temps.make() }, { retries: 0 });
    try {
      const lock = emptyLock();
      verifyAgainstLock(lock, await fetcher.get(URL_A), { update: true });
      server.faults.override('a.json', '{"v":2}');
      const changed = await fetcher.get(URL_A);
      expect(changed.bytes.toString()).toBe('{"v":2}');
      const error = sourceErrorOfSync(() => verifyAgainstLock(lock, changed, { update: false }));
      expect(error.reason).toBe('checksum');
      expect(error.message).toContain(sha256('{"v":1}'));
      expect(error.message).toContain(sha256('{"v":2}'));
    } finally {
      await fetcher.close();
      await server.close();
    }
  });
});

describe('writeLock / readLock', () => {
  it('writes byte-stable canonical JSON: sorted URLs, 2 spaces, LF, trailing newline', async () => {
    const dir = await temps.make();
    const file = path.join(dir, 'sources.lock.json');
    const z = fetchedOf('https://z.example/z', 'z');
    const a = fetchedOf('https://a.example/a', 'a');
    const m = fetchedOf('https://m.example/m', 'm');
    const lock1 = lockWith(z, a, m);
    const lock2 = lockWith(m, z, a);

    await writeLock(file, lock1);
    const first = await readFile(file);
    await writeLock(file, lock2);
    const second = await readFile(file);
    expect(second.equals(first)).toBe(true);

    const text = first.toString('utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text).not.toContain('\r');
    expect(text.startsWith('{\n  "lockfileVersion": 1,\n  "attackVersions": [\n    "18.1",\n    "6.3"\n  ],')).toBe(true);
    const keys = Object.keys((JSON.parse(text) as LockFile).files);
    expect(keys).toEqual(['https://a.example/a', 'https://m.example/m', 'https://z.example/z']);
    // attackVersions keep their given order (version order is not string order).
    expect((JSON.parse(text) as LockFile).attackVersions).toEqual(['18.1', '6.3']);
    expect(await readdir(dir)).toEqual(['sources.lock.json']);

    const back = await readLock(file);
    expect(back).toEqual(lock1);
    expect(serializeLock(back)).toBe(text);
  });

  it('rejects a malformed lock with an error naming the file and the problem', async () => {
    const dir = await temps.make();
    const file = path.join(dir, 'bad.lock.json');
    const cases: Array<[string, string]> = [
      ['{ not json', 'invalid JSON'],
      ['[]', 'top level'],
      ['{"lockfileVersion":2,"attackVersions":[],"files":{}}', 'lockfileVersion'],
      ['{"lockfileVersion":1,"attackVersions":[18],"files":{}}', 'attackVersions'],
      ['{"lockfileVersion":1,"attackVersions":[],"files":[]}', '"files"'],
      [`{"lockfileVersion":1,"attackVersions":[],"files":{"${URL_A}":{"url":"${URL_B}","sha256":"${sha256('x')}","size":1}}}`, 'url must repeat'],
      [`{"lockfileVersion":1,"attackVersions":[],"files":{"${URL_A}":{"url":"${URL_A}","sha256":"ABC","size":1}}}`, 'sha256'],
      [`{"lockfileVersion":1,"attackVersions":[],"files":{"${URL_A}":{"url":"${URL_A}","sha256":"${sha256('x')}","size":-1}}}`, 'size'],
    ];
    for (const [content, problem] of cases) {
      await writeFile(file, content);
      const error = await sourceErrorOf(readLock(file));
      expect(error.reason, content).toBe('lock-invalid');
      expect(error.message, content).toContain(file);
      expect(error.message, content).toContain(problem);
    }
  });

  it('reports a missing lock file as lock-missing', async () => {
    const file = path.join(await temps.make(), 'absent.json');
    const error = await sourceErrorOf(readLock(file));
    expect(error.reason).toBe('lock-missing');
    expect(error.message).toContain(file);
    expect(error.message).toContain('--update-lock');
  });
});
