/**
 * Node-only: reads one version's artifacts from a data folder (data/index.json and
 * data/<path>/{techniques,events,tactics}.json), each event's configuration fields, and the
 * configuration files a user gives (any encoding Windows tools write). Not part of the browser core.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ConfigEvent, configEventsFromJson, resolveVersion, versionDataFromJson } from './data.ts';
import { decodeText } from './readers/decode.ts';

export { decodeText };
import { CoverageError, type VersionData } from './types.ts';

/** A data folder's JSON file, parsed; a missing or broken file is one CoverageError naming it (also read by scripts/plan/load.ts). */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CoverageError(code === 'ENOENT' ? `${file} does not exist (build the data with npm run data, or pass --data DIR)` : `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CoverageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Loads `attack` (`latest`, `18.1`, `18`) from `dataDir`. */
export async function loadVersionData(dataDir: string, attack: string): Promise<VersionData> {
  const index = await readJson(path.join(dataDir, 'index.json'));
  const v = resolveVersion(index, attack);
  const dir = path.join(dataDir, ...v.path.split('/'));
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
