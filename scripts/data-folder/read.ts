/**
 * Node-only: the one reader of a data folder's files (`data/index.json`, `data/<domain>/<version>/*.json`),
 * used by the coverage and plan loaders, the pages step and the change report. A missing, unreadable
 * or broken file is one DataFolderError naming the file and what to do; what a file must hold is each
 * caller's own check (the coverage core, the diff's parsers, the schemas).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExpectedError } from '../lib/expected-error.ts';

export class DataFolderError extends ExpectedError {
  override name = 'DataFolderError';
}

/** A data folder's JSON file, parsed, with its bytes (the change report hashes them). */
export async function readDataFile(file: string): Promise<{ value: unknown; bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataFolderError(
      code === 'ENOENT' ? `${file} does not exist (build the data with npm run data, or pass --data DIR)` : `cannot read ${file}: ${(e as Error).message}`,
    );
  }
  try {
    return { value: JSON.parse(bytes.toString('utf8')), bytes };
  } catch (e) {
    throw new DataFolderError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** A data folder's JSON file, parsed. */
export async function readDataJson(file: string): Promise<unknown> {
  return (await readDataFile(file)).value;
}

/** A JSON file that older data folders lack (rules.json, groups.json): `undefined` when it does not exist. */
export async function readOptionalDataJson(file: string): Promise<unknown> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  return readDataJson(file);
}

/** The folder of a version from its index.json entry's `path` (`enterprise-attack/18.1`). */
export function versionFolder(dataDir: string, entryPath: string): string {
  return path.join(dataDir, ...entryPath.split('/'));
}
