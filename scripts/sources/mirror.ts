/** Reading upstream files from a local mirror folder (see /shared/sources/README.md for the layout). */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { SourceError, notInMirrorError } from './errors.ts';
import { mirrorPathFor } from './url.ts';

const gunzipAsync = promisify(gunzip);

/** ENOENT/ENOTDIR/EISDIR all mean "this mirror has no such file": try the next candidate. */
function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
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
 * that the same path with `.gz` (large files are stored compressed only), gunzipped.
 */
export async function readFromMirror(dir: string, url: string): Promise<Buffer> {
  const relPath = mirrorPathFor(url);
  const file = path.join(dir, ...relPath.split('/'));

  const plain = await readIfPresent(file);
  if (plain !== null) return plain;

  const compressed = await readIfPresent(`${file}.gz`);
  if (compressed === null) throw notInMirrorError(url, dir, relPath);
  try {
    return await gunzipAsync(compressed);
  } catch (cause) {
    throw new SourceError(
      'decode',
      url,
      `${url}: the mirror file ${file}.gz is not valid gzip (${(cause as Error).message}); replace it with an intact copy`,
      { cause },
    );
  }
}
