/**
 * Node-only: reads one version's artifacts from a data folder (data/index.json and
 * data/<path>/{techniques,events,tactics}.json), each event's configuration fields, and the
 * configuration files a user gives (any encoding Windows tools write). Not part of the browser core.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ConfigEvent, configEventsFromJson, resolveVersion, versionDataFromJson } from './data.ts';
import { readDataJson as readJson, versionFolder } from '../data-folder/read.ts';
import { eventCatalog, type EventToken, parseEventsArg, parseEventsFile, resolveEventList } from './events.ts';
import type { ConfigInputs } from './inputs.ts';
import { isPreset, PRESETS, presetPolicy } from './presets.ts';
import { parseAuditpolCsv } from './readers/auditpol.ts';
import { decodeText, inputTooLarge } from './readers/decode.ts';
import { parseSysmonConfig } from './readers/sysmon.ts';

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

// ---------------------------------------------------------------------------------------------
// What a user says is collected (the coverage and plan commands read it the same way)
// ---------------------------------------------------------------------------------------------

/** An --events-file: one event per line; "-" is standard input (read by `stdin`). */
export async function readEventsFile(file: string, stdin?: () => Promise<string>): Promise<EventToken[]> {
  try {
    const body = file === '-' && stdin ? await stdin() : await readFile(file, 'utf8');
    return parseEventsFile(body, file === '-' ? 'stdin' : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CoverageError(code === 'ENOENT' ? `--events-file: ${file} does not exist` : `--events-file: cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * A configuration file's text; one larger than MAX_CONFIG_INPUT_BYTES is refused by its size, before
 * it is read or parsed (the parsers refuse an over-long text too, for the page's pasted input).
 */
export async function readConfigInput(file: string, flag: string, what: string): Promise<string> {
  const size = await stat(file).then(
    (st) => (st.isFile() ? st.size : undefined),
    () => undefined, // missing or unreadable: readConfigFile says which
  );
  const tooLarge = size === undefined ? null : inputTooLarge(`${flag}: ${file}`, size, what);
  if (tooLarge) throw tooLarge;
  return readConfigFile(file, flag);
}

/** The command-line flags that say what is collected. */
export interface CollectedArgs {
  events: readonly string[];
  eventsFiles: readonly string[];
  auditpol: readonly string[];
  sysmon: readonly string[];
  presets: readonly string[];
}

/** The coverage core's inputs for what `a` says is collected. */
export async function readCollected(a: CollectedArgs, data: VersionData, details: readonly ConfigEvent[], stdin?: () => Promise<string>): Promise<ConfigInputs> {
  const tokens: EventToken[] = [...a.events.flatMap(parseEventsArg), ...(await Promise.all(a.eventsFiles.map((f) => readEventsFile(f, stdin)))).flat()];
  const events = tokens.length > 0 ? resolveEventList(tokens, eventCatalog(data)) : [];
  const auditpol = await Promise.all(a.auditpol.map(async (f) => parseAuditpolCsv(await readConfigInput(f, '--auditpol', 'an auditpol export'), f)));
  const sysmon = await Promise.all(a.sysmon.map(async (f) => parseSysmonConfig(await readConfigInput(f, '--sysmon', 'a Sysmon configuration'), f)));
  const presets = a.presets.map((p) => {
    if (!isPreset(p)) throw new CoverageError(`--preset: "${p}" is not ${PRESETS.join(' or ')}`);
    return presetPolicy(details, p);
  });
  return { events, auditpol, presets, sysmon };
}
