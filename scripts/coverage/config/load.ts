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

/**
 * Decodes a file as Windows tools write it: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM
 * (PowerShell 5 `>` redirection), UTF-16 LE without BOM, else Windows-1252 (cmd.exe redirection
 * of localised auditpol output).
 */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return new TextDecoder('utf-8').decode(buf.subarray(3));
  const sample = buf.subarray(0, 400);
  let oddZeros = 0;
  for (let i = 1; i < sample.length; i += 2) if (sample[i] === 0) oddZeros++;
  if (sample.length >= 4 && oddZeros > sample.length / 4) return new TextDecoder('utf-16le').decode(buf);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}

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
