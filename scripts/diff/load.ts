/**
 * Reads artifact folders for the change report. The only I/O of `scripts/diff/`: the diff and the
 * renderers are pure functions of what this returns.
 *
 * Only the fields the report uses are checked (not the full JSON Schemas), so that a folder written
 * by an older or newer artifact format, such as the base branch of a pull request, still loads.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readDataFile as readJson } from '../data-folder/read.ts';
import { compareVersions, type DataComponentArtifact, type EventArtifact, type SourceRecord, type TechniqueArtifact, type VersionCounts } from '../artifacts/build.ts';
import { DOMAIN } from '../lib/domain.ts';
import { ExpectedError } from '../lib/expected-error.ts';
import { COUNT_NAMES, type DataSet, type RuleArtifact, type VersionData } from './types.ts';

export class LoadError extends ExpectedError {}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function kindOf(p: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(cond: boolean, file: string, what: string): asserts cond {
  if (!cond) throw new LoadError(`${file}: ${what}; is this an artifact folder written by npm run data?`);
}

function listOf(doc: unknown, key: string, file: string): Record<string, unknown>[] {
  need(isRecord(doc), file, 'not a JSON object');
  const list = doc[key];
  need(Array.isArray(list) && list.every(isRecord), file, `no "${key}" list of objects`);
  return list;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function parseTechniques(doc: unknown, file: string): TechniqueArtifact[] {
  const list = listOf(doc, 'techniques', file);
  list.forEach((t, i) => {
    need(isStr(t['id']) && isStr(t['name']), file, `techniques[${i}] lacks "id" or "name"`);
    const events = t['events'];
    need(Array.isArray(events) && events.every((e) => isRecord(e) && isStr(e['key']) && isStr(e['name'])), file, `techniques[${i}].events is not a list of {key, name}`);
  });
  return list as unknown as TechniqueArtifact[];
}

function parseEvents(doc: unknown, file: string): EventArtifact[] {
  const list = listOf(doc, 'events', file);
  const isTechniqueList = (v: unknown): boolean => Array.isArray(v) && v.every((t) => isRecord(t) && isStr(t['id']));
  list.forEach((e, i) => need(isStr(e['key']) && isStr(e['name']) && isTechniqueList(e['techniques']), file, `events[${i}] lacks "key", "name" or a "techniques" list of {id, grade, rules}`));
  return list as unknown as EventArtifact[];
}

function parseDataComponents(doc: unknown, file: string): DataComponentArtifact[] {
  const list = listOf(doc, 'dataComponents', file);
  list.forEach((c, i) => need(isStr(c['name']) && isStr(c['id']) && isStr(c['dataSource']), file, `dataComponents[${i}] lacks "name", "id" or "dataSource"`));
  return list as unknown as DataComponentArtifact[];
}

/** rules.json: each rule's source, ID and name are required; url and status default to ''. */
function parseRules(doc: unknown, file: string): RuleArtifact[] {
  const list = listOf(doc, 'rules', file);
  return list.map((r, i) => {
    need(isStr(r['source']) && isStr(r['id']) && isStr(r['name']), file, `rules[${i}] lacks "source", "id" or "name"`);
    const techniques = r['techniques'];
    need(Array.isArray(techniques) && techniques.every((t) => isRecord(t) && isStr(t['placed'])), file, `rules[${i}].techniques is not a list of {tagged, placed, coverage}`);
    need(isStrs(r['events']), file, `rules[${i}].events is not a list of event keys`);
    return {
      source: r['source'],
      id: r['id'],
      name: r['name'],
      url: isStr(r['url']) ? r['url'] : '',
      status: isStr(r['status']) ? r['status'] : '',
      techniques: (techniques as Array<Record<string, unknown>>).map((t) => ({ tagged: isStr(t['tagged']) ? t['tagged'] : '', placed: t['placed'] as string, coverage: isStr(t['coverage']) ? t['coverage'] : '' })),
      events: r['events'] as string[],
    };
  });
}

function parseManifest(doc: unknown, file: string): { version: string; era: string; counts: VersionCounts; sources: SourceRecord[] } {
  need(isRecord(doc), file, 'not a JSON object');
  const { attackVersion, era, counts, sources } = doc;
  need(isStr(attackVersion) && isStr(era), file, 'lacks "attackVersion" or "era"');
  need(isRecord(counts) && COUNT_NAMES.every((n) => typeof counts[n] === 'number'), file, `"counts" lacks one of ${COUNT_NAMES.join(', ')}`);
  need(
    Array.isArray(sources) && sources.every((s) => isRecord(s) && isStr(s['role']) && isStr(s['url']) && isStr(s['sha256']) && typeof s['size'] === 'number'),
    file,
    '"sources" is not a list of {role, url, sha256, size}',
  );
  return { version: attackVersion, era, counts: counts as unknown as VersionCounts, sources: sources as unknown as SourceRecord[] };
}

/** The files the report reads; every other file in a version folder is only hashed. rules.json may be absent (older folders). */
const READ = new Set(['manifest.json', 'techniques.json', 'events.json', 'data-components.json', 'rules.json']);

/** One `enterprise-attack/<version>/` folder. */
export async function loadVersionFolder(dir: string): Promise<VersionData> {
  const files: Record<string, string> = {};
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
  const parsed = new Map<string, unknown>();
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    if (READ.has(name)) {
      const { value, bytes } = await readJson(file);
      files[name] = sha256(bytes);
      parsed.set(name, value);
    } else {
      files[name] = sha256(await readFile(file));
    }
  }
  const get = (name: string): unknown => {
    need(parsed.has(name), path.join(dir, name), 'missing');
    return parsed.get(name);
  };
  const manifest = parseManifest(get('manifest.json'), path.join(dir, 'manifest.json'));
  return {
    ...manifest,
    techniques: parseTechniques(get('techniques.json'), path.join(dir, 'techniques.json')),
    events: parseEvents(get('events.json'), path.join(dir, 'events.json')),
    dataComponents: parseDataComponents(get('data-components.json'), path.join(dir, 'data-components.json')),
    // A folder written before rules.json existed holds no rule, as far as the report is concerned.
    rules: parsed.has('rules.json') ? parseRules(parsed.get('rules.json'), path.join(dir, 'rules.json')) : [],
    files,
  };
}

/** Version folders (those with a manifest.json) directly under `dir`, skipping dot-folders (staging). */
async function versionFolders(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if ((await kindOf(path.join(dir, entry.name, 'manifest.json'))) === 'file') out.push(entry.name);
  }
  return out.sort(compareVersions);
}

async function hashRootFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if ((await kindOf(path.join(root, 'index.json'))) === 'file') out['index.json'] = sha256(await readFile(path.join(root, 'index.json')));
  const schemas = path.join(root, 'schemas');
  if ((await kindOf(schemas)) === 'dir') {
    for (const name of (await readdir(schemas)).sort()) {
      if (name.startsWith('.')) continue;
      const file = path.join(schemas, name);
      if ((await kindOf(file)) === 'file') out[`schemas/${name}`] = sha256(await readFile(file));
    }
  }
  return out;
}

/**
 * Loads `dir` as a version folder (it holds manifest.json), a data root (it holds
 * `enterprise-attack/` or `index.json`) or a domain folder (`data/enterprise-attack`: version
 * folders only). A data root may hold no version yet.
 */
export async function loadArtifacts(dir: string, label: string = dir): Promise<DataSet> {
  const kind = await kindOf(dir);
  if (kind !== 'dir') throw new LoadError(`${dir}: ${kind === null ? 'no such folder' : 'not a folder'}; pass a version folder (data/enterprise-attack/18.1) or a data root (data)`);
  if ((await kindOf(path.join(dir, 'manifest.json'))) === 'file') {
    return { kind: 'version', label, versions: [await loadVersionFolder(dir)], rootFiles: {} };
  }
  const domain = path.join(dir, DOMAIN);
  if ((await kindOf(domain)) === 'dir' || (await kindOf(path.join(dir, 'index.json'))) === 'file') {
    const names = (await kindOf(domain)) === 'dir' ? await versionFolders(domain) : [];
    const versions: VersionData[] = [];
    for (const v of names) versions.push(await loadVersionFolder(path.join(domain, v)));
    return { kind: 'root', label, versions, rootFiles: await hashRootFiles(dir) };
  }
  const names = await versionFolders(dir);
  if (names.length > 0) {
    const versions: VersionData[] = [];
    for (const v of names) versions.push(await loadVersionFolder(path.join(dir, v)));
    return { kind: 'root', label, versions, rootFiles: {} };
  }
  throw new LoadError(`${dir}: neither a version folder (no manifest.json) nor a data root (no ${DOMAIN}/ or index.json)`);
}
