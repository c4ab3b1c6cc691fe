/**
 * Node-only: reads configuration files (any of the encodings Windows tools write) and the
 * per-event configuration fields of a version's events.json. Not part of the browser core.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveVersion } from '../data.ts';
import { loadVersionData } from '../load.ts';
import { CoverageError, type VersionData } from '../types.ts';
import { type ConfigEvent, configEventsFromJson } from './data.ts';
import { decodeText } from './decode.ts';

export { decodeText };

/** Reads a configuration file given to `flag`, with a clear error when it is missing. */
export async function readConfigFile(file: string, flag: string): Promise<string> {
  try {
    return decodeText(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CoverageError(code === 'ENOENT' ? `${flag}: ${file} does not exist` : `${flag}: cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Loads `attack` from `dataDir`: the coverage core's VersionData plus each event's configuration fields. */
export async function loadConfigVersion(dataDir: string, attack: string): Promise<{ data: VersionData; details: ConfigEvent[] }> {
  const data = await loadVersionData(dataDir, attack);
  const index = JSON.parse(await readFile(path.join(dataDir, 'index.json'), 'utf8')) as unknown;
  const v = resolveVersion(index, attack);
  const file = path.join(dataDir, ...v.path.split('/'), 'events.json');
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CoverageError(`${file}: ${(e as Error).message}`);
  }
  return { data, details: configEventsFromJson(doc) };
}
