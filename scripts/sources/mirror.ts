/** Reading upstream files from a local mirror folder (see /shared/sources/README.md for the layout). */

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { SourceError, notInMirrorError, tooLargeError } from './errors.ts';
import { DEFAULT_MAX_BODY_BYTES, gzipRawLimit, type BodyLimit } from './types.ts';
import { mirrorPathFor } from './url.ts';

const gunzipAsync = promisify(gunzip);

/** ENOENT/ENOTDIR/EISDIR all mean "this mirror has no such file": try the next candidate. */
function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** The size of a regular file, or null when there is none (a folder counts as none). */
async function sizeIfPresent(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : null;
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

async function readIfPresent(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
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

  const plainSize = await sizeIfPresent(file);
  if (plainSize !== null) {
    if (plainSize > limit.maxBytes) throw tooLargeError(url, url, limit, `the mirror file ${file}`, `${plainSize} bytes; nothing was read`, false);
    const plain = await readIfPresent(file);
    if (plain !== null) {
      if (plain.length > limit.maxBytes) throw tooLargeError(url, url, limit, `the mirror file ${file}`, `${plain.length} bytes`, false);
      return plain;
    }
  }

  const gz = `${file}.gz`;
  const compressedSize = await sizeIfPresent(gz);
  if (compressedSize === null) throw notInMirrorError(url, dir, relPath);
  if (compressedSize > gzipRawLimit(limit.maxBytes)) {
    throw tooLargeError(url, url, limit, `the mirror file ${gz}`, `${compressedSize} bytes of gzip; nothing was read`, false);
  }
  const compressed = await readIfPresent(gz);
  if (compressed === null) throw notInMirrorError(url, dir, relPath);
  try {
    return await gunzipAsync(compressed, { maxOutputLength: limit.maxBytes });
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
