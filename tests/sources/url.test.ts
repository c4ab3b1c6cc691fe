/** URL → mirror path mapping, and mirror-folder reading edge cases. */

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readFromMirror } from '../../scripts/sources/mirror.ts';
import { mirrorPathFor, rewriteToBase } from '../../scripts/sources/url.ts';
import { sourceErrorOf, sourceErrorOfSync } from '../helpers/expect-source-error.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const CTI = 'https://raw.githubusercontent.com/mitre/cti/ATT%26CK-v18.1/enterprise-attack/enterprise-attack.json';

describe('mirrorPathFor', () => {
  it('is the host plus the URL-decoded path', () => {
    // The URL parser itself resolves dot segments, so they never reach the mirror.
    expect(mirrorPathFor('https://example.org/a/%2E%2E/b')).toBe('example.org/b');
    expect(mirrorPathFor(CTI)).toBe('raw.githubusercontent.com/mitre/cti/ATT&CK-v18.1/enterprise-attack/enterprise-attack.json');
    expect(mirrorPathFor('https://example.org/a%20b/c.txt')).toBe('example.org/a b/c.txt');
    expect(mirrorPathFor('http://127.0.0.1:8080/x/y')).toBe('127.0.0.1:8080/x/y');
  });

  it('rejects URLs that cannot map to exactly one file inside the mirror', () => {
    for (const bad of ['https://example.org/a/..%2Fb', 'https://example.org/a%2Fb', 'https://example.org/a?x=1', 'https://example.org/', 'ftp://example.org/a', 'nonsense']) {
      expect(sourceErrorOfSync(() => mirrorPathFor(bad)).reason, bad).toBe('invalid-url');
    }
  });
});

describe('rewriteToBase', () => {
  it('puts host and still-encoded path under the base URL', () => {
    expect(rewriteToBase(CTI, 'http://127.0.0.1:4000')).toBe(
      'http://127.0.0.1:4000/raw.githubusercontent.com/mitre/cti/ATT%26CK-v18.1/enterprise-attack/enterprise-attack.json',
    );
    expect(rewriteToBase('https://example.org/a/b?q=1', 'http://mirror.local/base/')).toBe('http://mirror.local/base/example.org/a/b?q=1');
  });
});

describe('readFromMirror', () => {
  const temps = tempDirs();
  afterEach(() => temps.cleanup());

  it('prefers the plain file, falls back to .gz, and reports both candidates when neither exists', async () => {
    const dir = await temps.make();
    await writeTree(dir, {
      'example.org/plain.txt': 'plain',
      'example.org/plain.txt.gz': gzipSync('stale gz'),
      'example.org/big.json.gz': gzipSync('{"big":true}'),
      'example.org/broken.json.gz': 'not gzip',
    });
    expect((await readFromMirror(dir, 'https://example.org/plain.txt')).toString()).toBe('plain');
    expect((await readFromMirror(dir, 'https://example.org/big.json')).toString()).toBe('{"big":true}');

    const missing = await sourceErrorOf(readFromMirror(dir, 'https://example.org/none.json'));
    expect(missing.reason).toBe('not-in-mirror');
    expect(missing.message).toContain('example.org/none.json.gz');
    expect(missing.message).toContain(dir);

    expect((await sourceErrorOf(readFromMirror(dir, 'https://example.org/broken.json'))).reason).toBe('decode');
  });
});
