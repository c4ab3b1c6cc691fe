/**
 * Node-only: what is collected already, read exactly as the coverage command reads it (--events,
 * --events-file, --auditpol, --sysmon, --preset), with the coverage core's parsers and size limit.
 */
import { readFile, stat } from 'node:fs/promises';
import { readConfigFile } from '../coverage/load.ts';
import { type ConfigEvent, type ConfigInputs, eventCatalog, type EventToken, inputTooLarge, isPreset, parseAuditpolCsv, parseEventsArg, parseEventsFile, parseSysmonConfig, PlanError, PRESETS, presetPolicy, resolveEventList, type VersionData } from './core.ts';

export interface CollectedArgs {
  events: readonly string[];
  eventsFiles: readonly string[];
  auditpol: readonly string[];
  sysmon: readonly string[];
  presets: readonly string[];
}

async function readEventsFile(file: string): Promise<EventToken[]> {
  try {
    return parseEventsFile(await readFile(file, 'utf8'), file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlanError(code === 'ENOENT' ? `--events-file: ${file} does not exist` : `--events-file: cannot read ${file}: ${(e as Error).message}`);
  }
}

/** A configuration file's text, refused by its size before it is read (as the coverage command does). */
async function readConfigInput(file: string, flag: string, what: string): Promise<string> {
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined, // missing or unreadable: readConfigFile says which
  );
  const tooLarge = size === undefined ? null : inputTooLarge(`${flag}: ${file}`, size, what);
  if (tooLarge) throw tooLarge;
  return readConfigFile(file, flag);
}

/** The coverage core's inputs for what `a` says is collected. */
export async function readCollected(a: CollectedArgs, data: VersionData, details: readonly ConfigEvent[]): Promise<ConfigInputs> {
  const tokens: EventToken[] = [...a.events.flatMap(parseEventsArg), ...(await Promise.all(a.eventsFiles.map(readEventsFile))).flat()];
  const events = tokens.length > 0 ? resolveEventList(tokens, eventCatalog(data)) : [];
  const auditpol = await Promise.all(a.auditpol.map(async (f) => parseAuditpolCsv(await readConfigInput(f, '--auditpol', 'an auditpol export'), f)));
  const sysmon = await Promise.all(a.sysmon.map(async (f) => parseSysmonConfig(await readConfigInput(f, '--sysmon', 'a Sysmon configuration'), f)));
  const presets = a.presets.map((p) => {
    if (!isPreset(p)) throw new PlanError(`--preset: "${p}" is not ${PRESETS.join(' or ')}`);
    return presetPolicy(details, p);
  });
  return { events, auditpol, presets, sysmon };
}
