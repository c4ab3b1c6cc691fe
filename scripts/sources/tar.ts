/**
 * Reads a GitHub archive tarball (`.tar.gz`) into memory: path → bytes, with GitHub's top folder
 * (`<repo>-<commit>/`) stripped.
 *
 * A reader of our own, not node-tar: node-tar's per-entry streams cost 0.5 s of the build's 1 s of
 * shared sources on the 33,511 entries of OSSEM-DD; this reads the same archive in about half that,
 * most of it the inflate. The whole archive is inflated in memory (47 MB for OSSEM-DD; upstream's
 * whole Splunk archive is 13 MB of gzip'd YAML, so on the order of 100 MB), before the first bundle
 * is parsed, so not at the build's memory peak. What it reads is the subset GitHub writes (POSIX
 * ustar with pax headers; GNU long names too), and anything else is refused rather than guessed at: a header whose checksum is wrong, a size field
 * that is not a number, a pax record that does not parse, an archive that ends before its end
 * marker. Untrusted archive: paths are checked, and the inflated size, the unpacked size of the kept
 * files and their number are capped, so a tar bomb fails with a message instead of eating memory.
 * tests/sources/tar.test.ts compares it with node-tar on the real archives.
 */
import { gunzipSync } from 'node:zlib';
import { ExpectedError } from '../lib/expected-error.ts';
import { inflateChunkSize } from './mirror.ts';

export class ArchiveError extends ExpectedError {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'ArchiveError';
  }
}

export interface TarLimits {
  /** Unpacked bytes of the kept files, at most. */
  maxBytes: number;
  /** Kept files, at most. */
  maxFiles: number;
  /** The whole archive inflated (every entry, kept or not, and its headers), at most. */
  maxArchiveBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxBytes: 512 * 1024 * 1024, maxFiles: 200_000, maxArchiveBytes: 1024 * 1024 * 1024 };

const BLOCK = 512;
/** A pax or GNU long-name header's body, at most: they hold a path and a few numbers. */
const MAX_META_BYTES = 1024 * 1024;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

/** A safe relative path: no absolute path, no `..`, no empty or `.` segment, no backslash or NUL. */
function safeRelative(p: string): boolean {
  if (p === '' || p.startsWith('/') || /[\\\0]/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** A NUL-terminated header field as text. */
function text(h: Buffer, from: number, length: number): string {
  const end = h.indexOf(0, from);
  return h.toString('utf8', from, end < 0 || end > from + length ? from + length : end);
}

/** An octal number field (NUL- or space-terminated), or base-256 when its first bit is set; NaN when neither. */
function number(h: Buffer, from: number, length: number): number {
  if ((h[from] ?? 0) & 0x80) {
    // Base-256 (GNU, for sizes of 8 GiB and more): the first byte's sign bit marks it; negative is invalid.
    if ((h[from] ?? 0) & 0x40) return NaN;
    let n = (h[from] ?? 0) & 0x3f;
    for (let i = from + 1; i < from + length; i++) n = n * 256 + (h[i] ?? 0);
    return n;
  }
  const s = h.toString('latin1', from, from + length).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : s === '' ? 0 : NaN;
}

/** Whether the header's checksum field matches the sum of its bytes (the field counted as spaces). */
function checksumOk(h: Buffer): boolean {
  const stored = number(h, 148, 8);
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += h[i] ?? 0;
  return stored === sum;
}

/** The records of a pax extended header (`<length> <key>=<value>\n` each); throws on a malformed one. */
function paxRecords(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break;
    const space = body.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(body.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a) throw new Error('a malformed pax record');
    const record = body.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new Error('a malformed pax record');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return out;
}

/** The tar bytes of `bytes`: inflated when gzip (at most `maxArchiveBytes`), else as they are. */
function tarBytes(bytes: Buffer, fail: (message: string) => never, maxArchiveBytes: number): Buffer {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    if (bytes.length > maxArchiveBytes) fail(`more than ${maxArchiveBytes} bytes; refusing to unpack it`);
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: maxArchiveBytes, chunkSize: inflateChunkSize(bytes, { maxBytes: maxArchiveBytes, pin: null }) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') fail(`inflates to more than ${maxArchiveBytes} bytes; refusing to unpack it`);
    return fail(`not a valid tar.gz archive (${(e as Error).message})`);
  }
}

/**
 * Unpacks the regular files of a `.tar.gz` (or plain `.tar`) whose path, after the top folder, passes
 * `keep`. `label` names the source in errors (the URL and what it is). Each kept file is a copy of
 * its own, so keeping a few files does not keep the whole inflated archive alive.
 */
export function readTarball(bytes: Buffer, label: string, keep: (path: string) => boolean = () => true, limits: Partial<TarLimits> = {}): Map<string, Buffer> {
  const { maxBytes, maxFiles, maxArchiveBytes } = { ...DEFAULT_TAR_LIMITS, ...limits };
  const fail = (message: string): never => {
    throw new ArchiveError(label, message);
  };
  const tar = tarBytes(bytes, fail, maxArchiveBytes);
  const files = new Map<string, Buffer>();
  let total = 0;
  // Overrides for the next entry, from a pax extended header or a GNU long name.
  let nextPath: string | undefined;
  let nextSize: number | undefined;
  for (let at = 0; ; ) {
    if (at + BLOCK > tar.length) fail('the archive is truncated (no end of archive)');
    const header = tar.subarray(at, at + BLOCK);
    // A zero block is the end of the archive (a second one should follow; GitHub writes both).
    if (header.equals(ZERO_BLOCK)) break;
    const where = `the entry at byte ${at}`;
    if (!checksumOk(header)) fail(`not a valid tar.gz archive (${where} has a bad header checksum)`);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = nextSize ?? number(header, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) fail(`not a valid tar.gz archive (${where} has an invalid size)`);
    const bodyAt = at + BLOCK;
    const bodyEnd = bodyAt + size;
    if (bodyEnd > tar.length) fail('the archive is truncated (an entry ends past the end of the archive)');
    at = bodyAt + Math.ceil(size / BLOCK) * BLOCK;
    const body = (): Buffer => tar.subarray(bodyAt, bodyEnd);
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_META_BYTES) fail(`not a valid tar.gz archive (${where}: an extended header of ${size} bytes)`);
      if (type === 'L') {
        nextPath = body().toString('utf8').replace(/\0+$/, '');
        continue;
      }
      let records: Map<string, string>;
      try {
        records = paxRecords(body());
      } catch (e) {
        return fail(`not a valid tar.gz archive (${where}: ${(e as Error).message})`);
      }
      // A global header's records (GitHub's holds the commit) say nothing about paths or sizes we use.
      if (type === 'g') continue;
      const p = records.get('path');
      const s = records.get('size');
      if (s !== undefined && !/^\d+$/.test(s)) fail(`not a valid tar.gz archive (${where}: a pax size "${s.slice(0, 40)}")`);
      nextPath = p ?? nextPath;
      if (s !== undefined) nextSize = Number(s);
      continue;
    }
    const magic = header.toString('latin1', 257, 262);
    const prefix = magic === 'ustar' && header[262] === 0 ? text(header, 345, 155) : '';
    const name = text(header, 0, 100);
    const fullPath = nextPath ?? (prefix === '' ? name : `${prefix}/${name}`);
    nextPath = undefined;
    nextSize = undefined;
    // Regular files only ('0', or NUL in old archives, where a name ending in "/" is a folder);
    // folders, links and devices are not unpacked.
    if (type !== '0' && !(type === '\0' && !fullPath.endsWith('/'))) continue;
    const raw = fullPath.replace(/\/+$/, '');
    const slash = raw.indexOf('/');
    const rel = slash < 0 ? '' : raw.slice(slash + 1);
    if (rel === '' || !keep(rel)) continue;
    if (!safeRelative(rel)) fail(`archive entry "${fullPath.slice(0, 200)}" is not a safe relative path`);
    if (files.size + 1 > maxFiles) fail(`more than ${maxFiles} files; refusing to unpack it`);
    total += size;
    if (total > maxBytes) fail(`unpacks to more than ${maxBytes} bytes; refusing to unpack it`);
    files.set(rel, Buffer.from(body()));
  }
  return files;
}
