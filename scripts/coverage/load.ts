/**
 * Node-only: reads one version's artifacts from a data folder (data/index.json and
 * data/<path>/{techniques,events,tactics}.json), each event's configuration fields, and the
 * configuration files a user gives (any encoding Windows tools write). Not part of the browser core.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ConfigEvent, configEventsFromJson, resolveVersion, versionDataFromJson } from './data.ts';
import { readDataJson as readJson, versionFolder } from '../data-folder/read.ts';
import { decodeText } from './readers/decode.ts';

export { decodeText };
import { CoverageError, type VersionData } from './types.ts';

/** Loads `attack` (`latest`, `18.1`, `18`) from `dataDir`. */
export async function loadVersionData(dataDir: string, attack: string): Promise<VersionData> {
  const index = await readJson(path.join(dataDir, 'index.json'));
  const v = resolveVersion(index, attack);
  const dir = versionFolder(dataDir, v.path);
  const [techniques, events, tactics] = await Promise.all(['techniques.json', 'events.json', 'tactics.json'].map((f) => readJson(path.join(dir, f))));
  const data = versionDataFromJson({ techniques, events, tactics });
  if (data.attackVersion !== v.version) throw new CoverageError(`${dir}: artifacts are for ATT&CK ${data.attackVersion}, index.json says ${v.version}`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Configuration files and per-event configuration fields
// ---------------------------------------------------------------------------------------------

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
  const v = resolveVersion(await readJson(path.join(dataDir, 'index.json')), attack);
  const doc = await readJson(path.join(versionFolder(dataDir, v.path), 'events.json'));
  return { data, details: configEventsFromJson(doc) };
}
