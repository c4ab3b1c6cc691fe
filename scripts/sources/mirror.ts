/** Reading upstream files from a local mirror folder (see /shared/sources/README.md for the layout). */

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { SourceError, notInMirrorError, tooLargeError } from './errors.ts';
import { DEFAULT_MAX_BODY_BYTES, gzipRawLimit, type BodyLimit } from './types.ts';
import { mirrorPathFor } from './url.ts';

const gunzipAsync = promisify(gunzip);

/** zlib's own output chunk (16 KiB), and the largest single chunk asked for (so a lying trailer cannot make us allocate more). */
const MIN_CHUNK = 16 * 1024;
const MAX_CHUNK = 64 * 1024 * 1024;

/**
 * The output chunk to inflate `gz` with: its expected size plus one byte, so that the whole body
 * inflates in one call on libuv's thread pool. With zlib's 16 KiB default, every chunk needs a turn
 * of the main thread, so a bundle prefetched while the main thread maps the previous one did not
 * inflate at all until the mapping ended (0.3 s of waiting per large bundle). The expected size is
 * the pin's when there is one, else the gzip trailer's (the size modulo 2^32: a hint, never trusted
 * beyond `maxBytes` and MAX_CHUNK).
 */
export function inflateChunkSize(gz: Buffer, limit: BodyLimit): number {
  const hinted = limit.pin?.size ?? (gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0);
  return Math.max(MIN_CHUNK, Math.min(hinted + 1, limit.maxBytes + 1, MAX_CHUNK));
}

/** ENOENT/ENOTDIR/EISDIR all mean "this mirror has no such file": try the next candidate. */
function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/*
 * Mirror files are read synchronously: a local read of a few MB is a memcpy from the page cache, a
 * few milliseconds. fs/promises' readFile reads in 512 KiB pieces, each needing a turn of the main
 * thread, so a bundle prefetched while the build mapped the previous one was not read until the
 * mapping ended, and the build waited for it (0.3-0.5 s of idle main thread per nine versions).
 */

/** The size of a regular file, or null when there is none (a folder counts as none). */
function sizeIfPresent(file: string): number | null {
  try {
    const info = statSync(file);
    return info.isFile() ? info.size : null;
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

function readIfPresent(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

/**
 * The decoded bytes of `url` from the mirror folder `dir`: `dir/<host>/<decoded path>`, or failing
 * that the same path with `.gz` (large files are stored compressed only), gunzipped. At most
 * `limit.maxBytes` decoded bytes: a larger plain file is refused by its size before it is read, and
 * a `.gz` is refused as soon as it inflates past the limit (a gzip bomb never fills memory).
 */
export async function readFromMirror(dir: string, url: string, limit: BodyLimit = { maxBytes: DEFAULT_MAX_BODY_BYTES, pin: null }): Promise<Buffer> {
  const relPath = mirrorPathFor(url);
  const file = path.join(dir, ...relPath.split('/'));

  const plainSize = sizeIfPresent(file);
  if (plainSize !== null) {
    if (plainSize > limit.maxBytes) throw tooLargeError(url, url, limit, `the mirror file ${file}`, `${plainSize} bytes; nothing was read`, false);
    const plain = readIfPresent(file);
    if (plain !== null) {
      if (plain.length > limit.maxBytes) throw tooLargeError(url, url, limit, `the mirror file ${file}`, `${plain.length} bytes`, false);
      return plain;
    }
  }

  const gz = `${file}.gz`;
  const compressedSize = sizeIfPresent(gz);
  if (compressedSize === null) throw notInMirrorError(url, dir, relPath);
  if (compressedSize > gzipRawLimit(limit.maxBytes)) {
    throw tooLargeError(url, url, limit, `the mirror file ${gz}`, `${compressedSize} bytes of gzip; nothing was read`, false);
  }
  const compressed = readIfPresent(gz);
  if (compressed === null) throw notInMirrorError(url, dir, relPath);
  try {
    return await gunzipAsync(compressed, { maxOutputLength: limit.maxBytes, chunkSize: inflateChunkSize(compressed, limit) });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLargeError(url, url, limit, `the mirror file ${gz}, inflated,`, `inflating stopped at the limit, ${compressed.length} bytes of gzip`, false);
    }
    throw new SourceError(
      'decode',
      url,
      `${url}: the mirror file ${gz} is not valid gzip (${(cause as Error).message}); replace it with an intact copy`,
      { cause },
    );
  }
}
