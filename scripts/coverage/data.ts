/**
 * Turns a version's artifacts (parsed JSON, or the pipeline's file map of JSON text) into the
 * VersionData the coverage core reads, picks a version out of data/index.json, and reads each
 * event's configuration fields (ConfigEvent: OSSEM's subcategory and defaults, and `enable`).
 *
 * Pure module: no I/O, no node: imports.
 */
import { type EnableInput, type EventEnable, eventEnable } from '../windows/enable.ts';
import { isGrade } from './grades.ts';
import { cmp, CoverageError, type CoverageEvent, type CoverageTactic, type CoverageTechnique, type Grade, type VersionData } from './types.ts';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function listOf(doc: unknown, file: string, field: string): { version: string; items: Json[] } {
  if (!isObj(doc) || !Array.isArray(doc[field]) || !isStr(doc.attackVersion)) {
    throw new CoverageError(`${file}: expected an object with "attackVersion" and a "${field}" list`);
  }
  const items = doc[field] as unknown[];
  const bad = items.findIndex((x) => !isObj(x));
  if (bad >= 0) throw new CoverageError(`${file}: ${field}[${bad}] is not an object`);
  return { version: doc.attackVersion, items: items as Json[] };
}

function fail(file: string, what: string, i: number, field: string): never {
  throw new CoverageError(`${file}: ${what}[${i}] has no valid "${field}"`);
}

/** Checks and narrows the parsed techniques.json, events.json and tactics.json of one version. */
export function versionDataFromJson(docs: { techniques: unknown; events: unknown; tactics: unknown }): VersionData {
  const t = listOf(docs.techniques, 'techniques.json', 'techniques');
  const e = listOf(docs.events, 'events.json', 'events');
  const a = listOf(docs.tactics, 'tactics.json', 'tactics');
  if (t.version !== e.version || t.version !== a.version) {
    throw new CoverageError(`artifacts of different versions: techniques.json ${t.version}, events.json ${e.version}, tactics.json ${a.version}`);
  }
  const techniques: CoverageTechnique[] = t.items.map((x, i) => {
    for (const f of ['id', 'name', 'parent'] as const) if (!isStr(x[f])) fail('techniques.json', 'techniques', i, f);
    if (!isStrs(x.tactics)) fail('techniques.json', 'techniques', i, 'tactics');
    if (typeof x.isSubtechnique !== 'boolean') fail('techniques.json', 'techniques', i, 'isSubtechnique');
    const evs = x.events;
    // Each link's grade and distinct rule count (artifacts from before grades have neither: refused).
    const validLink = (ev: unknown): boolean => isObj(ev) && isStr(ev.key) && isStr(ev.grade) && isGrade(ev.grade) && Number.isInteger(ev.rules) && (ev.rules as number) >= 0;
    if (!Array.isArray(evs) || !evs.every(validLink)) fail('techniques.json', 'techniques', i, 'events');
    return {
      id: x.id as string,
      name: x.name as string,
      tactics: x.tactics,
      isSubtechnique: x.isSubtechnique,
      parent: x.parent as string,
      events: (evs as Json[]).map((ev) => ({ key: ev.key as string, grade: ev.grade as Grade, rules: ev.rules as number })),
    };
  });
  const events: CoverageEvent[] = e.items.map((x, i) => {
    for (const f of ['key', 'log', 'eventId', 'name', 'channel'] as const) if (!isStr(x[f])) fail('events.json', 'events', i, f);
    return { key: x.key as string, log: x.log as string, eventId: x.eventId as string, name: x.name as string, channel: x.channel as string };
  });
  const tactics: CoverageTactic[] = a.items.map((x, i) => {
    for (const f of ['id', 'shortname', 'name'] as const) if (!isStr(x[f])) fail('tactics.json', 'tactics', i, f);
    return { id: x.id as string, shortname: x.shortname as string, name: x.name as string };
  });
  return { attackVersion: t.version, techniques, events, tactics };
}

function parseJsonText(text: string | undefined, file: string): unknown {
  if (text === undefined) throw new CoverageError(`${file} is missing from the version's artifacts`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CoverageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Reads VersionData out of the pipeline's artifact map (`VersionArtifacts.files`: file name → JSON text). */
export function versionDataFromFiles(files: ReadonlyMap<string, string>): VersionData {
  return versionDataFromJson({
    techniques: parseJsonText(files.get('techniques.json'), 'techniques.json'),
    events: parseJsonText(files.get('events.json'), 'events.json'),
    tactics: parseJsonText(files.get('tactics.json'), 'tactics.json'),
  });
}

function compareVersionStrings(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return cmp(a, b);
}

export interface IndexedVersion {
  version: string;
  /** Folder of the version's artifacts, relative to the data folder (`enterprise-attack/18.1`). */
  path: string;
}

/**
 * Picks a version from data/index.json: `latest`, an exact version (`18.1`, `v18.1`), or a major
 * version (`18` → the newest 18.x).
 */
export function resolveVersion(index: unknown, requested: string): IndexedVersion {
  if (!isObj(index) || !Array.isArray(index.versions)) throw new CoverageError('index.json: expected an object with a "versions" list');
  const versions: IndexedVersion[] = index.versions
    .filter((v): v is Json => isObj(v) && isStr(v.version) && isStr(v.path))
    .map((v) => ({ version: v.version as string, path: v.path as string }))
    .sort((a, b) => compareVersionStrings(a.version, b.version));
  const latest = isStr(index.latest) && index.latest !== '' ? index.latest : versions.at(-1)?.version;
  const want = requested.trim().replace(/^v/i, '');
  const available = (): string => versions.map((v) => (v.version === latest ? `${v.version} (latest)` : v.version)).join(', ');
  if (versions.length === 0) throw new CoverageError('index.json lists no versions; run npm run data first');
  const target = want.toLowerCase() === 'latest' ? latest : want;
  const exact = versions.find((v) => v.version === target);
  if (exact) return exact;
  if (target !== undefined && /^\d+$/.test(target)) {
    const major = versions.filter((v) => v.version.split('.')[0] === target).at(-1);
    if (major) return major;
  }
  throw new CoverageError(`no ATT&CK version "${requested}" in the data; available: ${available()}`);
}

// ---------------------------------------------------------------------------------------------
// Configuration fields of events.json
// ---------------------------------------------------------------------------------------------

/** An event's configuration fields: what the enablement table reads (scripts/windows/enable.ts), and its row. */
export interface ConfigEvent extends EnableInput {
  /** How to turn it on: events.json's `enable`. */
  enable: EventEnable;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The fields the coverage reads from `enable`, present and of the right kind. */
function isEnable(v: unknown): v is EventEnable {
  return isObj(v) && Array.isArray(v.audit) && Array.isArray(v.switches) && Array.isArray(v.defaults) && (v.sysmon === null || isObj(v.sysmon)) && (v.sacl === null || isObj(v.sacl));
}

/** An event the configuration data does not describe: the table's row from its log and ID alone. */
export function blankConfigEvent(e: { key: string; log: string; eventId: string }): ConfigEvent {
  const base = { key: e.key, log: e.log, eventId: e.eventId, auditSubcategory: '', clientDefault: '', serverDefault: '' };
  return { ...base, enable: eventEnable(base) };
}

/**
 * Reads the per-event configuration fields out of a parsed events.json. An events.json written
 * before `enable` held the table (ATT&CK map data older than this reader) gets the table's row
 * computed from the event's own fields.
 */
export function configEventsFromJson(eventsDoc: unknown): ConfigEvent[] {
  if (!isObj(eventsDoc) || !Array.isArray(eventsDoc.events)) throw new CoverageError('events.json: expected an object with an "events" list');
  return eventsDoc.events.map((x: unknown, i: number) => {
    if (!isObj(x) || typeof x.key !== 'string' || typeof x.log !== 'string' || typeof x.eventId !== 'string') {
      throw new CoverageError(`events.json: events[${i}] has no valid "key", "log" or "eventId"`);
    }
    const base = {
      key: x.key,
      log: x.log,
      eventId: x.eventId,
      auditSubcategory: str(x.auditSubcategory),
      clientDefault: str(x.clientDefault),
      serverDefault: str(x.serverDefault),
    };
    return { ...base, enable: isEnable(x.enable) ? x.enable : eventEnable(base) };
  });
}
