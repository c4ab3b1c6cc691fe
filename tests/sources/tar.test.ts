/**
 * The tarball reader: the same files as node-tar (the reference) from the three real archives of the
 * mirror and from archives node-tar writes (long paths in pax headers, folders, links); hand-made
 * headers for what GitHub does not write (GNU long names, base-256 sizes, old-style entries); and
 * every malformed or hostile archive refused with one line naming the source.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, Parser, type ReadEntry } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveError, readTarball } from '../../scripts/sources/tar.ts';
import { ARCHIVE_NAMES, archiveUrl } from '../../scripts/sources/upstream.ts';
import { mirrorPathFor } from '../../scripts/sources/url.ts';
import { repoRoot, sharedSourcesDir } from '../helpers/mirror-server.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';

const temps = tempDirs();
afterAll(() => temps.cleanup());

/** What node-tar unpacks: regular files, top folder stripped, as readTarball's contract says. */
function withNodeTar(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const raw = entry.path.replace(/\/+$/, '');
      const rel = raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : '';
      if (entry.type !== 'File' || rel === '') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(rel, Buffer.concat(chunks)));
    },
  });
  parser.end(bytes);
  return files;
}

function expectSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [p, b] of expected) expect(actual.get(p)?.equals(b), p).toBe(true);
}

/** A ustar header block for hand-made archives; `size` may be given as raw field bytes. */
function header(o: { name: string; type?: string; size?: number | Buffer; prefix?: string; magic?: string; checksum?: number }): Buffer {
  const h = Buffer.alloc(512);
  h.write(o.name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  if (Buffer.isBuffer(o.size)) o.size.copy(h, 124);
  else h.write(`${(o.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(o.type ?? '0', 156);
  h.write(o.magic ?? 'ustar\u000000', 257, 'latin1');
  if (o.prefix) h.write(o.prefix, 345, 155, 'utf8');
  let sum = 8 * 0x20;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += h[i] ?? 0;
  h.write(`${(o.checksum ?? sum).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
const entry = (name: string, body: string | Buffer, extra: Partial<Parameters<typeof header>[0]> = {}): Buffer => {
  const b = Buffer.from(body);
  return Buffer.concat([header({ name, size: b.length, ...extra }), pad(b)]);
};
const END = Buffer.alloc(1024);
const pax = (records: Record<string, string>, type = 'x'): Buffer => {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let n = rest.length + 1;
    while (String(n).length + rest.length !== n) n = String(n).length + rest.length;
    body += `${n}${rest}`;
  }
  return entry('PaxHeader', body, { type });
};

describe('readTarball reads what node-tar reads', () => {
  it('from the three archives of the mirror', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'scripts', 'sources.lock.json'), 'utf8')) as { archives: Record<string, string> };
    for (const name of ARCHIVE_NAMES) {
      const url = archiveUrl(name, lock.archives[name] ?? '');
      const bytes = readFileSync(path.join(sharedSourcesDir(), mirrorPathFor(url)));
      const expected = withNodeTar(bytes);
      expect(expected.size, name).toBeGreaterThan(10);
      expectSameFiles(readTarball(bytes, url), expected);
    }
  });

  it('from an archive node-tar writes: long paths (pax), folders, a symlink, gzip or plain', async () => {
    const dir = await temps.make('tar-test-');
    const top = path.join(dir, 'repo-0123');
    const deep = path.join(top, 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(deep, `${'é'.repeat(40)}.yml`), 'long: path\n');
    await writeFile(path.join(top, 'empty.txt'), '');
    await writeFile(path.join(top, 'big.bin'), Buffer.alloc(70_000, 7));
    await symlink('empty.txt', path.join(top, 'link'));
    for (const gzip of [true, false]) {
      const file = path.join(dir, `a.tar${gzip ? '.gz' : ''}`);
      await create({ file, cwd: dir, gzip, portable: true }, ['repo-0123']);
      const bytes = await readFile(file);
      const files = readTarball(bytes, 'made');
      expectSameFiles(files, withNodeTar(bytes));
      expect([...files.keys()].sort()).toEqual(['a'.repeat(60) + '/' + 'b'.repeat(60) + '/' + 'c'.repeat(60) + `/${'é'.repeat(40)}.yml`, 'big.bin', 'empty.txt']);
    }
  });
});

describe('readTarball on hand-made headers', () => {
  it('joins a ustar prefix, follows GNU long names and pax paths, reads base-256 sizes, and skips what is not a file', () => {
    const size256 = Buffer.alloc(12);
    size256[0] = 0x80;
    size256.writeUInt32BE(5, 8);
    const tar = Buffer.concat([
      pax({ comment: 'abc', path: 'ignored/by/readers' }, 'g'),
      entry('file.txt', 'plain'),
      entry('x.txt', 'prefixed', { prefix: 'top/sub' }),
      entry('././@LongLink', 'top/gnu/long-name.txt\0', { type: 'L' }),
      entry('top/gnu/long-na', 'gnu'),
      pax({ path: 'top/pax/path.txt' }),
      entry('top/pax/pa', 'pax'),
      Buffer.concat([header({ name: 'top/b256.txt', size: size256 }), pad(Buffer.from('b-256'))]),
      entry('top/old.txt', 'old', { type: '\0' }),
      entry('top/old-dir/', '', { type: '\0' }),
      entry('top/dir/', '', { type: '5' }),
      entry('top/link', '', { type: '2' }),
      END,
    ]);
    const files = readTarball(gzipSync(tar), 'hand-made');
    expect(Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]))).toEqual({
      'sub/x.txt': 'prefixed',
      'gnu/long-name.txt': 'gnu',
      'pax/path.txt': 'pax',
      'b256.txt': 'b-256',
      'old.txt': 'old',
    });
  });

  it('keeps only what `keep` accepts, each file a copy that does not hold the archive', () => {
    const tar = Buffer.concat([entry('top/a.yml', 'a'.repeat(5000)), entry('top/b.txt', 'b'), END]);
    const files = readTarball(tar, 'kept', (p) => p.endsWith('.yml'));
    expect([...files.keys()]).toEqual(['a.yml']);
    // Its own 5,000 bytes, not a view of the archive's.
    expect(files.get('a.yml')?.buffer.byteLength).toBe(5000);
  });
});

describe('readTarball refuses', () => {
  const error = (bytes: Buffer, limits = {}): ArchiveError => {
    try {
      readTarball(bytes, 'https://example.org/x.tar.gz (test)', () => true, limits);
    } catch (e) {
      expect(e).toBeInstanceOf(ArchiveError);
      expect((e as Error).message.startsWith('https://example.org/x.tar.gz (test): ')).toBe(true);
      expect((e as Error).message).not.toContain('\n');
      return e as ArchiveError;
    }
    throw new Error('readTarball did not refuse the archive');
  };
  const good = Buffer.concat([entry('top/a.txt', 'alpha'), END]);

  it('a truncated archive, cut in a header, in a body, or before its end marker', () => {
    expect(error(good.subarray(0, 300)).message).toContain('the archive is truncated (no end of archive)');
    expect(error(good.subarray(0, 515)).message).toContain('the archive is truncated (an entry ends past the end of the archive)');
    expect(error(good.subarray(0, 1024)).message).toContain('the archive is truncated (no end of archive)');
    expect(error(gzipSync(good).subarray(0, 40)).message).toMatch(/not a valid tar\.gz archive \(unexpected end of file\)/);
  });

  it('a bad checksum, a size that is not a number, a malformed pax header', () => {
    expect(error(Buffer.concat([header({ name: 'top/a', checksum: 1 }), END])).message).toContain('not a valid tar.gz archive (the entry at byte 0 has a bad header checksum)');
    expect(error(Buffer.concat([header({ name: 'top/a', size: Buffer.from('12x4\0') }), END])).message).toContain('the entry at byte 0 has an invalid size');
    const negative = Buffer.alloc(12, 0xff);
    expect(error(Buffer.concat([header({ name: 'top/a', size: negative }), END])).message).toContain('has an invalid size');
    expect(error(Buffer.concat([entry('PaxHeader', '99 path=x\n', { type: 'x' }), good])).message).toContain('the entry at byte 0: a malformed pax record');
    expect(error(Buffer.concat([pax({ size: '-1' }), good])).message).toContain('a pax size "-1"');
    expect(error(Buffer.concat([header({ name: 'L', type: 'x', size: 2 * 1024 * 1024 }), Buffer.alloc(2 * 1024 * 1024), END])).message).toContain('an extended header of 2097152 bytes');
  });

  it('a path that is absolute or climbs out, after the top folder', () => {
    expect(error(Buffer.concat([pax({ path: 'top/../../etc/passwd' }), entry('x', 'x'), END])).message).toContain('archive entry "top/../../etc/passwd" is not a safe relative path');
    expect(error(Buffer.concat([entry('top//abs', 'x'), END])).message).toContain('is not a safe relative path');
  });

  it('a tar bomb: too many files, too many kept bytes, too many inflated bytes', () => {
    const three = Buffer.concat([entry('top/a', 'aaaa'), entry('top/b', 'bbbb'), entry('top/c', 'cccc'), END]);
    expect(error(three, { maxFiles: 2 }).message).toContain('more than 2 files; refusing to unpack it');
    expect(error(three, { maxBytes: 10 }).message).toContain('unpacks to more than 10 bytes; refusing to unpack it');
    expect(error(gzipSync(three), { maxArchiveBytes: 2048 }).message).toContain('inflates to more than 2048 bytes; refusing to unpack it');
    expect(error(three, { maxArchiveBytes: 2048 }).message).toContain('more than 2048 bytes; refusing to unpack it');
  });
});
