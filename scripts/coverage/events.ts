/**
 * Event lists as users write them: `Security:4688,Sysmon:1` on the command line, or a file with
 * one event per line, `#` comments and blank lines. Log names are matched case-insensitively
 * against the version's logs, the alias table of scripts/mapping/logs.ts (`WinEventLog:Security`,
 * `Microsoft-Windows-Sysmon/Operational`) and a few common short names (`sec`, `ps`, `fw`).
 *
 * Pure module: no I/O, no node: imports.
 */
import { editDistance } from '../lib/edit-distance.ts';
import { LOGS, logByName, resolveLog } from '../mapping/logs.ts';
import { cmp, compareEventRefs, CoverageError, type CoverageEvent, type VersionData } from './types.ts';

/** One item of an event list, as typed. `line` is 1-based, for items read from a file (named by `file`). */
export interface EventToken {
  text: string;
  line?: number;
  file?: string;
}

/** Splits a command-line value (`Security:4688,Sysmon:1`) into items; commas or newlines separate them. */
export function parseEventsArg(value: string): EventToken[] {
  return value
    .split(/[,\r\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((text) => ({ text }));
}

/**
 * Splits a file body into items: one event per line (commas also separate), `#` starts a comment
 * that runs to the end of the line, blank lines are skipped.
 */
export function parseEventsFile(body: string, file?: string): EventToken[] {
  const tokens: EventToken[] = [];
  body
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .forEach((raw, i) => {
      const hash = raw.indexOf('#');
      const content = hash >= 0 ? raw.slice(0, hash) : raw;
      for (const part of content.split(',')) {
        const text = part.trim();
        if (text !== '') tokens.push(file === undefined ? { text, line: i + 1 } : { text, line: i + 1, file });
      }
    });
  return tokens;
}

/** Common short names people type for logs; keys are compacted (lower case, letters and digits only). */
const SHORT_NAMES: Record<string, string> = {
  sec: 'Security',
  secevt: 'Security',
  securitylog: 'Security',
  kerberos: 'Security',
  sysmon: 'Sysmon',
  sysmonoperational: 'Sysmon',
  ps: 'PowerShell',
  pwsh: 'PowerShell',
  posh: 'PowerShell',
  powershelloperational: 'PowerShell',
  windowspowershell: 'PowerShell',
  systemlog: 'System',
  app: 'Application',
  wmiactivity: 'WMI',
  task: 'TaskScheduler',
  tasks: 'TaskScheduler',
  schtasks: 'TaskScheduler',
  scheduledtasks: 'TaskScheduler',
  ci: 'CodeIntegrity',
  ds: 'DirectoryService',
  ad: 'DirectoryService',
  ntds: 'DirectoryService',
  fw: 'Firewall',
  windowsfirewall: 'Firewall',
  defender: 'Defender',
  windowsdefender: 'Defender',
  mde: 'Defender',
  applocker: 'AppLocker',
  winrm: 'WinRM',
  dhcp: 'DHCP',
};

const fold = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
const compact = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export { editDistance } from '../lib/edit-distance.ts';

/** Lookups over one version's events, built once per version. */
export interface EventCatalog {
  attackVersion: string;
  byKey: ReadonlyMap<string, CoverageEvent>;
  /** Log name → its events, ordered by numeric ID. */
  byLog: ReadonlyMap<string, readonly CoverageEvent[]>;
  /** Log names with at least one event in this version, sorted. */
  logs: readonly string[];
  /**
   * Every spelling we accept for a log, compacted (lower case, letters and digits only) → log
   * name: the version's log names and channels, the alias table's names, channels and aliases
   * (with and without `WinEventLog:`), and common short names. Includes logs without events here.
   */
  names: ReadonlyMap<string, string>;
}

const WINEVENTLOG = /^\s*WinEventLog\s*:\s*/i;

export function eventCatalog(data: VersionData): EventCatalog {
  const byKey = new Map<string, CoverageEvent>();
  const byLog = new Map<string, CoverageEvent[]>();
  for (const e of [...data.events].sort(compareEventRefs)) {
    byKey.set(e.key, e);
    const list = byLog.get(e.log) ?? [];
    list.push(e);
    byLog.set(e.log, list);
  }
  const names = new Map<string, string>();
  const add = (name: string, log: string): void => {
    for (const n of [name, name.replace(WINEVENTLOG, '')]) {
      const c = compact(n);
      if (c !== '' && !names.has(c)) names.set(c, log);
    }
  };
  // The version's own names win over the alias table, which wins over short names.
  for (const [log, events] of byLog) {
    add(log, log);
    for (const e of events) if (e.channel) add(e.channel, log);
  }
  for (const def of LOGS) for (const n of [def.log, def.channel, ...def.aliases]) add(n, def.log);
  for (const [short, log] of Object.entries(SHORT_NAMES)) add(short, log);
  return { attackVersion: data.attackVersion, byKey, byLog, logs: [...byLog.keys()].sort(cmp), names };
}

export type LogResolution = { ok: true; log: string } | { ok: false; problem: string };

/**
 * Resolves a log name as a user types it (any case; short name, log name, channel or alias, with or
 * without `WinEventLog:`) to a log that has events in this version.
 */
export function resolveLogName(typed: string, catalog: EventCatalog): LogResolution {
  const v = catalog.attackVersion;
  const inVersion = (log: string | undefined): string | undefined => (log === undefined ? undefined : catalog.logs.find((l) => fold(l) === fold(log)));
  const known =
    catalog.names.get(compact(typed)) ??
    catalog.names.get(compact(typed.replace(WINEVENTLOG, ''))) ??
    logByName(typed)?.log ??
    resolveLog(typed)?.log;
  if (known !== undefined) {
    const hit = inVersion(known);
    if (hit) return { ok: true, log: hit };
    if (LOGS.some((d) => d.log === known)) {
      return { ok: false, problem: `log ${fold(known) === fold(typed) ? known : `${known} ("${typed}")`} has no mapped events in ATT&CK ${v}; logs with events: ${catalog.logs.join(', ')}` };
    }
  }
  const close = closeLogs(typed, catalog);
  return {
    ok: false,
    problem: close.length > 0 ? `unknown log "${typed}"; close: ${close.join(', ')}` : `unknown log "${typed}"; logs with events in ATT&CK ${v}: ${catalog.logs.join(', ')}`,
  };
}

/** Logs with events in this version whose name, channel or an alias is a few edits from, or starts with, what was typed. */
function closeLogs(typed: string, catalog: EventCatalog): string[] {
  const c = compact(typed.replace(WINEVENTLOG, ''));
  if (c === '') return [];
  const best = new Map<string, number>();
  for (const [n, log] of catalog.names) {
    if (!catalog.byLog.has(log)) continue;
    let d = editDistance(c, n);
    // A truncated name (`Sysm`, `Power`) is close to the full one.
    if (c.length >= 2 && n.startsWith(c)) d = Math.min(d, 1);
    const limit = Math.max(1, Math.floor(Math.min(c.length, n.length) / 3));
    if (d <= limit && d < (best.get(log) ?? Infinity)) best.set(log, d);
  }
  return [...best.entries()].sort((a, b) => a[1] - b[1] || cmp(a[0], b[0])).map(([log]) => log).slice(0, 5);
}

const MAX_CLOSE = 6;

/** Events near `log:id`: same log one edit away, the same ID in other logs, then same log two edits away. */
export function closeEvents(log: string, eventId: string, catalog: EventCatalog): { keys: string[]; more: boolean } {
  const n = Number(eventId);
  const sameLog = catalog.byLog.get(log) ?? [];
  const near = (e: CoverageEvent): number => Math.abs(Number(e.eventId) - n);
  const byNear = (a: CoverageEvent, b: CoverageEvent): number => near(a) - near(b) || Number(a.eventId) - Number(b.eventId);
  const d1 = sameLog.filter((e) => editDistance(e.eventId, eventId) === 1).sort(byNear);
  const otherLogs = [...catalog.byKey.values()].filter((e) => e.log !== log && e.eventId === eventId);
  const d2 = eventId.length >= 3 && d1.length < 3 ? sameLog.filter((e) => editDistance(e.eventId, eventId) === 2).sort(byNear) : [];
  const all = [...d1, ...otherLogs, ...d2].map((e) => e.key);
  return { keys: all.slice(0, MAX_CLOSE), more: all.length > MAX_CLOSE };
}

function describeLog(log: string, catalog: EventCatalog): string {
  const ids = (catalog.byLog.get(log) ?? []).map((e) => e.eventId);
  const shown = ids.slice(0, 15).join(', ');
  return `${log} events in ATT&CK ${catalog.attackVersion}: ${shown}${ids.length > 15 ? `, … (${ids.length})` : ''}`;
}

export type TokenResolution = { ok: true; key: string } | { ok: false; problem: string };

/** Resolves one `LOG:ID` item to an event key of this version, or says why not. */
export function resolveEventToken(text: string, catalog: EventCatalog): TokenResolution {
  const v = catalog.attackVersion;
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    if (/^\d+$/.test(text)) {
      const id = String(Number(text));
      const same = [...catalog.byKey.values()].filter((e) => e.eventId === id).map((e) => e.key);
      return {
        ok: false,
        problem: `"${text}" has no log; write LOG:ID${same.length > 0 ? ` — did you mean ${same.join(', ')}?` : ` (no event ${id} in any log of ATT&CK ${v})`}`,
      };
    }
    return { ok: false, problem: `"${text}" is not LOG:ID (e.g. Security:4688, Sysmon:1)` };
  }
  const logPart = text.slice(0, colon).trim();
  const idPart = text.slice(colon + 1).trim();
  if (logPart === '') return { ok: false, problem: `"${text}" has no log; write LOG:ID (e.g. Security:4688)` };
  if (idPart === '') return { ok: false, problem: `"${text}" has no event ID; write LOG:ID (e.g. Security:4688)` };
  if (!/^\d+$/.test(idPart)) return { ok: false, problem: `"${text}": event ID "${idPart}" is not a number; write LOG:ID (e.g. Security:4688)` };
  const log = resolveLogName(logPart, catalog);
  if (!log.ok) return { ok: false, problem: `"${text}": ${log.problem}` };
  const id = String(Number(idPart));
  const key = `${log.log}:${id}`;
  if (catalog.byKey.has(key)) return { ok: true, key };
  const close = closeEvents(log.log, id, catalog);
  const hint = close.keys.length > 0 ? `close: ${close.keys.join(', ')}${close.more ? ' …' : ''}` : describeLog(log.log, catalog);
  return { ok: false, problem: `no event ${key} in ATT&CK ${v}; ${hint}` };
}

function where(t: EventToken): string {
  if (t.line === undefined) return t.file === undefined ? '' : `${t.file}: `;
  return t.file === undefined ? `line ${t.line}: ` : `${t.file} line ${t.line}: `;
}

/**
 * Resolves a parsed event list against one version. Returns the distinct event keys, ordered by
 * log then numeric ID. Throws CoverageError listing every bad item (with its line, for files) and
 * for an empty list.
 */
export function resolveEventList(tokens: readonly EventToken[], data: VersionData | EventCatalog): string[] {
  const catalog = 'byKey' in data ? data : eventCatalog(data);
  if (tokens.length === 0) {
    throw new CoverageError('the events list is empty: give at least one event as LOG:ID, e.g. Security:4688,Sysmon:1 (a file: one per line, # comments)');
  }
  const keys = new Set<string>();
  const problems: string[] = [];
  for (const t of tokens) {
    const r = resolveEventToken(t.text, catalog);
    if (r.ok) keys.add(r.key);
    else problems.push(`${where(t)}${r.problem}`);
  }
  if (problems.length === 1) throw new CoverageError(problems[0] ?? '', problems);
  if (problems.length > 1) throw new CoverageError(`${problems.length} problems in the events list:\n  ${problems.join('\n  ')}`, problems);
  return [...keys].map((k) => catalog.byKey.get(k)).filter((e): e is CoverageEvent => e !== undefined).sort(compareEventRefs).map((e) => e.key);
}
