/**
 * Reads an Enterprise ATT&CK STIX bundle (2.0 or 2.1 framing) into typed records.
 * Only the fields the mapping relies on are read, and each is checked once here.
 *
 * The bundle is untrusted input: ATT&CK IDs become file names and URL paths, URLs become links.
 * An object whose ATT&CK ID does not match its type's pattern (or a technique or tactic without
 * one) is left out, an ATT&CK ID carried by several objects of a type is kept once, a URL that is
 * not http(s) is dropped, and a `WinEventLog:` log source whose channel has characters outside
 * letters, digits, space, `-`, `_`, `.`, `/` is left out; each is recorded in `problems`, which the
 * mapping copies into report.json.
 */
import { ExpectedError } from '../lib/expected-error.ts';
import { isHttpUrl } from '../lib/http-url.ts';
import { printable } from '../lib/printable.ts';
import type { ProblemKind } from '../mapping/types.ts';

export class BundleError extends ExpectedError {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'BundleError';
  }
}

export interface ExternalRef {
  sourceName: string;
  externalId: string | undefined;
  url: string | undefined;
}

/** Fields common to every STIX object we read. */
interface StixBase {
  stixId: string;
  name: string;
  revoked: boolean;
  deprecated: boolean;
  /** The `mitre-attack` external ID (T1112, TA0005, DC0032, DET0103, AN0110), when present. */
  attackId: string | undefined;
  url: string | undefined;
}

export interface StixTechnique extends StixBase {
  platforms: string[];
  isSubtechnique: boolean;
  /** Kill-chain phase names of the `mitre-attack` kill chain: tactic shortnames. */
  phases: string[];
  /** ATT&CK ≤ 9 (and, redundantly, 10–17): plain data-source strings. */
  dataSources: string[];
}

export interface StixTactic extends StixBase {
  shortname: string;
}

export interface StixMatrix extends StixBase {
  tacticRefs: string[];
}

export interface StixDataSource extends StixBase {}

export interface StixDataComponent extends StixBase {
  /** STIX ID of the data source, or '' (ATT&CK 18 data components have none). */
  dataSourceRef: string;
  /** ATT&CK 18+: `x_mitre_log_sources`, the component's own log name + channel table. */
  logSources: Array<{ name: string; channel: string }>;
}

export interface StixDetectionStrategy extends StixBase {
  analyticRefs: string[];
}

export interface LogSourceRef {
  dataComponentRef: string;
  name: string;
  channel: string;
}

/** ATT&CK 18+: a field of an analytic that ATT&CK says to tune to the environment (`x_mitre_mutable_elements`). */
export interface MutableElement {
  field: string;
  description: string;
}

export interface StixAnalytic extends StixBase {
  platforms: string[];
  logSourceRefs: LogSourceRef[];
  /** What the analytic looks for, as ATT&CK writes it (may hold Markdown code spans); '' when absent. */
  description: string;
  /** What ATT&CK says to tune, in bundle order. */
  mutableElements: MutableElement[];
}

/** A group (`intrusion-set`), campaign, or software (`malware`, `tool`): read for scripts/attack/actors.ts. */
export interface StixActor extends StixBase {
  type: 'intrusion-set' | 'campaign' | 'malware' | 'tool';
  /** `aliases` (groups, campaigns) or `x_mitre_aliases` (software), in bundle order; may repeat the name. */
  aliases: string[];
}

export interface StixRelationship {
  stixId: string;
  type: string;
  sourceRef: string;
  targetRef: string;
  revoked: boolean;
  deprecated: boolean;
}

/** Something left out or changed while reading the bundle (see the file comment); the mapping reports it. */
export interface StixProblem {
  kind: Extract<ProblemKind, 'invalid-identifier' | 'missing-identifier' | 'duplicate-identifier' | 'unsafe-url'>;
  /** The STIX ID (printable, truncated), or the ATT&CK ID carried twice. */
  subject: string;
  /** The object's ATT&CK ID when it is valid, else ''. */
  where: string;
  message: string;
}

/**
 * The ATT&CK ID of each object type, as a JSON Schema / RegExp source: the schemas of the
 * artifacts use the same patterns.
 */
export const ATTACK_ID_PATTERNS = {
  technique: '^T\\d{4}(\\.\\d{3})?$',
  tactic: '^TA\\d{4}$',
  dataSource: '^DS\\d{4}$',
  dataComponent: '^DC\\d{4}$',
  detectionStrategy: '^DET\\d{4}$',
  analytic: '^AN\\d{4}$',
  group: '^G\\d{4}$',
  campaign: '^C\\d{4}$',
  software: '^S\\d{4}$',
} as const;

type IdKind = keyof typeof ATTACK_ID_PATTERNS;

/** Per object type: its ID pattern, and whether an object without an ID is left out (its ID is a page path and an artifact key). */
const ID_RULES: Record<IdKind, { label: string; pattern: RegExp; required: boolean }> = {
  technique: { label: 'technique', pattern: new RegExp(ATTACK_ID_PATTERNS.technique), required: true },
  tactic: { label: 'tactic', pattern: new RegExp(ATTACK_ID_PATTERNS.tactic), required: true },
  // Data sources, detection strategies and analytics fall back to their STIX ID where an ID is shown;
  // the data components of ATT&CK 10–17 have no ATT&CK ID at all.
  dataSource: { label: 'data source', pattern: new RegExp(ATTACK_ID_PATTERNS.dataSource), required: false },
  dataComponent: { label: 'data component', pattern: new RegExp(ATTACK_ID_PATTERNS.dataComponent), required: false },
  detectionStrategy: { label: 'detection strategy', pattern: new RegExp(ATTACK_ID_PATTERNS.detectionStrategy), required: false },
  analytic: { label: 'analytic', pattern: new RegExp(ATTACK_ID_PATTERNS.analytic), required: false },
  // Groups, campaigns and software become page paths (group pages) and plan targets.
  group: { label: 'group', pattern: new RegExp(ATTACK_ID_PATTERNS.group), required: true },
  campaign: { label: 'campaign', pattern: new RegExp(ATTACK_ID_PATTERNS.campaign), required: true },
  software: { label: 'software', pattern: new RegExp(ATTACK_ID_PATTERNS.software), required: true },
};

/**
 * A log name kept verbatim from `WinEventLog:<channel>` (it becomes an event key, a slug, a layer
 * file name): letters, digits, space, `-`, `_`, `.`, `/`, starting with a letter or digit. The
 * events schema uses the same pattern.
 */
export const SAFE_LOG_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;
const WINEVENTLOG = /^\s*wineventlog:/i;

export interface StixBundle {
  /** '2.0' when the bundle carries spec_version, '2.1' when objects carry it; informative only. */
  framing: '2.0' | '2.1';
  techniques: StixTechnique[];
  tactics: StixTactic[];
  matrices: StixMatrix[];
  dataSources: StixDataSource[];
  dataComponents: StixDataComponent[];
  detectionStrategies: StixDetectionStrategy[];
  analytics: StixAnalytic[];
  /** Groups, campaigns and software (see scripts/attack/actors.ts). */
  actors: StixActor[];
  relationships: StixRelationship[];
  /** What was left out or changed while reading, in bundle order (duplicates last). */
  problems: StixProblem[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: JsonObject, key: string, where: string, required = true): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) {
    if (!required) return '';
    throw new BundleError(where, `missing string field "${key}"`);
  }
  throw new BundleError(where, `field "${key}" should be a string, got ${JSON.stringify(v).slice(0, 80)}`);
}

function strList(o: JsonObject, key: string, where: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new BundleError(where, `field "${key}" should be a list of strings`);
  }
  return v as string[];
}

function bool(o: JsonObject, key: string): boolean {
  return o[key] === true;
}

function externalRefs(o: JsonObject, where: string): ExternalRef[] {
  const v = o['external_references'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'external_references should be a list');
  return v.filter(isObject).map((r) => ({
    sourceName: typeof r['source_name'] === 'string' ? r['source_name'] : '',
    externalId: typeof r['external_id'] === 'string' ? r['external_id'] : undefined,
    url: typeof r['url'] === 'string' ? r['url'] : undefined,
  }));
}

function base(o: JsonObject, where: string): StixBase {
  const mitre = externalRefs(o, where).find((r) => r.sourceName === 'mitre-attack');
  return {
    stixId: str(o, 'id', where),
    name: str(o, 'name', where, false),
    revoked: bool(o, 'revoked'),
    deprecated: bool(o, 'x_mitre_deprecated'),
    attackId: mitre?.externalId,
    url: mitre?.url,
  };
}

/** Collects what reading a bundle leaves out or changes. */
class Screen {
  readonly problems: StixProblem[] = [];

  /** Whether an object's ATT&CK ID is acceptable (reported when not); then checks its URL. */
  accept(kind: IdKind, b: StixBase): boolean {
    const rule = ID_RULES[kind];
    if (b.attackId === undefined) {
      if (!rule.required) return this.url(b, '');
      this.problems.push({ kind: 'missing-identifier', subject: printable(b.stixId), where: '', message: `a ${rule.label} without a mitre-attack external_id; left out` });
      return false;
    }
    if (!rule.pattern.test(b.attackId)) {
      this.problems.push({
        kind: 'invalid-identifier',
        subject: printable(b.stixId),
        where: '',
        message: `${rule.label} external_id ${JSON.stringify(printable(b.attackId))} does not match ${rule.pattern.source}; left out`,
      });
      return false;
    }
    return this.url(b, b.attackId);
  }

  /** Keeps an http(s) URL; any other is reported and emptied. Always true (the object stays). */
  url(b: StixBase, attackId: string): true {
    if (b.url !== undefined && !isHttpUrl(b.url)) {
      this.problems.push({ kind: 'unsafe-url', subject: printable(b.stixId), where: attackId, message: `mitre-attack url ${JSON.stringify(printable(b.url))} is not an http(s) URL; dropped` });
      b.url = '';
    }
    return true;
  }

  /** Whether a log source name may become a log: a `WinEventLog:` channel kept verbatim must use safe characters. */
  logName(name: string, stixId: string, where: string): boolean {
    if (!WINEVENTLOG.test(name)) return true;
    const channel = name.trim().replace(/^wineventlog:/i, '').trim();
    if (channel === '' || SAFE_LOG_NAME.test(channel)) return true;
    this.problems.push({
      kind: 'invalid-identifier',
      subject: printable(stixId),
      where,
      message: `log source name ${JSON.stringify(printable(name))} has characters outside letters, digits, space, - _ . /; left out`,
    });
    return false;
  }

  /**
   * One object per ATT&CK ID: of several carrying the same ID, the one kept is a live one (not
   * revoked, not deprecated) over a dead one, then the latest `modified`, then the first in
   * bundle order; the others are left out and reported, and `alias` maps their STIX IDs to the
   * kept one's (references to them are redirected).
   */
  dedupe<T extends StixBase>(kind: IdKind, list: T[], modified: ReadonlyMap<StixBase, number>, alias: Map<string, string>): T[] {
    const byId = new Map<string, T[]>();
    for (const o of list) if (o.attackId !== undefined) (byId.get(o.attackId) ?? byId.set(o.attackId, []).get(o.attackId))?.push(o);
    const dropped = new Set<T>();
    for (const [id, group] of byId) {
      if (group.length < 2) continue;
      const live = (o: T): number => (o.revoked || o.deprecated ? 0 : 1);
      const time = (o: T): number => modified.get(o) ?? Number.NEGATIVE_INFINITY;
      // Array.prototype.sort is stable: equal objects stay in bundle order.
      const ranked = [...group].sort((a, b) => live(b) - live(a) || time(b) - time(a));
      const kept = ranked[0] as T;
      for (const o of ranked.slice(1)) {
        dropped.add(o);
        if (o.stixId !== kept.stixId) alias.set(o.stixId, kept.stixId);
      }
      const ids = group.map((o) => printable(o.stixId));
      this.problems.push({
        kind: 'duplicate-identifier',
        subject: id,
        where: id,
        message: `${group.length} ${ID_RULES[kind].label} objects carry ${id} (${ids.join(', ')}); kept ${printable(kept.stixId)} (live before revoked or deprecated, then latest modified, then first in bundle order), left out the others; references to them go to the one kept`,
      });
    }
    return dropped.size === 0 ? list : list.filter((o) => !dropped.has(o));
  }
}

function componentLogSources(o: JsonObject, where: string, keep: (name: string) => boolean): Array<{ name: string; channel: string }> {
  const v = o['x_mitre_log_sources'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'x_mitre_log_sources should be a list');
  return v
    .map((r, i) => {
      const w = `${where} x_mitre_log_sources[${i}]`;
      if (!isObject(r)) throw new BundleError(w, 'should be an object');
      return { name: str(r, 'name', w), channel: str(r, 'channel', w, false) };
    })
    .filter((r) => keep(r.name));
}

function logSourceRefs(o: JsonObject, where: string, keep: (name: string) => boolean): LogSourceRef[] {
  const v = o['x_mitre_log_source_references'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'x_mitre_log_source_references should be a list');
  return v
    .map((r, i) => {
      const w = `${where} x_mitre_log_source_references[${i}]`;
      if (!isObject(r)) throw new BundleError(w, 'should be an object');
      return {
        dataComponentRef: str(r, 'x_mitre_data_component_ref', w, false),
        name: str(r, 'name', w),
        channel: str(r, 'channel', w, false),
      };
    })
    .filter((r) => keep(r.name));
}

function mutableElements(o: JsonObject, where: string): MutableElement[] {
  const v = o['x_mitre_mutable_elements'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'x_mitre_mutable_elements should be a list');
  return v.map((r, i) => {
    const w = `${where} x_mitre_mutable_elements[${i}]`;
    if (!isObject(r)) throw new BundleError(w, 'should be an object');
    return { field: str(r, 'field', w), description: str(r, 'description', w, false) };
  });
}

/** Parses the text of a bundle. `label` names the source in errors (URL or file and ATT&CK version). */
export function parseBundle(text: string, label: string): StixBundle {
  return readBundle(parseBundleJson(text, label), label);
}

/** The bundle's JSON, parsed; a text that is not JSON fails naming the bundle. */
export function parseBundleJson(text: string, label: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new BundleError(label, `not valid JSON (${(e as Error).message})`);
  }
}

export function readBundle(root: Json, label: string): StixBundle {
  if (!isObject(root) || root['type'] !== 'bundle' || !Array.isArray(root['objects'])) {
    throw new BundleError(label, 'not a STIX bundle (expected {"type": "bundle", "objects": [...]})');
  }
  const screen = new Screen();
  const out: StixBundle = {
    framing: typeof root['spec_version'] === 'string' ? '2.0' : '2.1',
    techniques: [],
    tactics: [],
    matrices: [],
    dataSources: [],
    dataComponents: [],
    detectionStrategies: [],
    analytics: [],
    actors: [],
    relationships: [],
    problems: screen.problems,
  };
  // `modified` of the objects with an ATT&CK ID, to choose among duplicates (ms; unparseable counts as oldest).
  const modified = new Map<StixBase, number>();
  const read = (kind: IdKind, o: JsonObject, where: string): StixBase | undefined => {
    const b = base(o, where);
    if (!screen.accept(kind, b)) return undefined;
    const m = typeof o['modified'] === 'string' ? Date.parse(o['modified']) : Number.NaN;
    if (!Number.isNaN(m)) modified.set(b, m);
    return b;
  };
  const objects = root['objects'];
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if (!isObject(o)) throw new BundleError(`${label} objects[${i}]`, 'not an object');
    const type = o['type'];
    if (typeof type !== 'string') throw new BundleError(`${label} objects[${i}]`, 'missing "type"');
    const where = `${label} ${typeof o['id'] === 'string' ? o['id'] : `objects[${i}]`}`;
    switch (type) {
      case 'attack-pattern': {
        const b = read('technique', o, where);
        if (!b) break;
        const phases = Array.isArray(o['kill_chain_phases'])
          ? o['kill_chain_phases']
              .filter(isObject)
              .filter((p) => p['kill_chain_name'] === 'mitre-attack' && typeof p['phase_name'] === 'string')
              .map((p) => p['phase_name'] as string)
          : [];
        const t: StixTechnique = Object.assign(b, {
          platforms: strList(o, 'x_mitre_platforms', where),
          isSubtechnique: bool(o, 'x_mitre_is_subtechnique'),
          phases,
          dataSources: strList(o, 'x_mitre_data_sources', where),
        });
        out.techniques.push(t);
        break;
      }
      case 'x-mitre-tactic': {
        const b = read('tactic', o, where);
        if (b) out.tactics.push(Object.assign(b, { shortname: str(o, 'x_mitre_shortname', where) }));
        break;
      }
      case 'x-mitre-matrix': {
        const b = base(o, where);
        screen.url(b, '');
        out.matrices.push({ ...b, tacticRefs: strList(o, 'tactic_refs', where) });
        break;
      }
      case 'x-mitre-data-source': {
        const b = read('dataSource', o, where);
        if (b) out.dataSources.push(b);
        break;
      }
      case 'x-mitre-data-component': {
        const b = read('dataComponent', o, where);
        if (!b) break;
        const keep = (name: string): boolean => screen.logName(name, b.stixId, b.attackId ?? '');
        out.dataComponents.push(Object.assign(b, { dataSourceRef: str(o, 'x_mitre_data_source_ref', where, false), logSources: componentLogSources(o, where, keep) }));
        break;
      }
      case 'x-mitre-detection-strategy': {
        const b = read('detectionStrategy', o, where);
        if (b) out.detectionStrategies.push(Object.assign(b, { analyticRefs: strList(o, 'x_mitre_analytic_refs', where) }));
        break;
      }
      case 'x-mitre-analytic': {
        const b = read('analytic', o, where);
        if (!b) break;
        const keep = (name: string): boolean => screen.logName(name, b.stixId, b.attackId ?? '');
        out.analytics.push(
          Object.assign(b, {
            platforms: strList(o, 'x_mitre_platforms', where),
            logSourceRefs: logSourceRefs(o, where, keep),
            description: str(o, 'description', where, false),
            mutableElements: mutableElements(o, where),
          }),
        );
        break;
      }
      case 'intrusion-set':
      case 'campaign':
      case 'malware':
      case 'tool': {
        // Older Enterprise bundles carry some Mobile software (ID under `mitre-mobile-attack` only): another domain's object, not a missing ID.
        const refs = externalRefs(o, where);
        if (!refs.some((r) => r.sourceName === 'mitre-attack') && refs.some((r) => /^mitre-[a-z]+-attack$/.test(r.sourceName))) break;
        const b = read(type === 'intrusion-set' ? 'group' : type === 'campaign' ? 'campaign' : 'software', o, where);
        if (b) out.actors.push(Object.assign(b, { type, aliases: strList(o, type === 'malware' || type === 'tool' ? 'x_mitre_aliases' : 'aliases', where) }));
        break;
      }
      case 'relationship':
        out.relationships.push({
          stixId: str(o, 'id', where),
          type: str(o, 'relationship_type', where),
          sourceRef: str(o, 'source_ref', where),
          targetRef: str(o, 'target_ref', where),
          revoked: bool(o, 'revoked'),
          deprecated: bool(o, 'x_mitre_deprecated'),
        });
        break;
      default:
        break;
    }
  }
  const alias = new Map<string, string>();
  out.techniques = screen.dedupe('technique', out.techniques, modified, alias);
  out.tactics = screen.dedupe('tactic', out.tactics, modified, alias);
  out.dataSources = screen.dedupe('dataSource', out.dataSources, modified, alias);
  out.dataComponents = screen.dedupe('dataComponent', out.dataComponents, modified, alias);
  out.detectionStrategies = screen.dedupe('detectionStrategy', out.detectionStrategies, modified, alias);
  out.analytics = screen.dedupe('analytic', out.analytics, modified, alias);
  out.actors = [
    ...screen.dedupe('group', out.actors.filter((a) => a.type === 'intrusion-set'), modified, alias),
    ...screen.dedupe('campaign', out.actors.filter((a) => a.type === 'campaign'), modified, alias),
    ...screen.dedupe('software', out.actors.filter((a) => a.type === 'malware' || a.type === 'tool'), modified, alias),
  ];
  if (alias.size > 0) redirect(out, alias);
  return out;
}

/** Points every reference to a left-out duplicate at the object kept in its place. */
function redirect(b: StixBundle, alias: ReadonlyMap<string, string>): void {
  const to = (ref: string): string => alias.get(ref) ?? ref;
  for (const r of b.relationships) {
    r.sourceRef = to(r.sourceRef);
    r.targetRef = to(r.targetRef);
  }
  for (const m of b.matrices) m.tacticRefs = [...new Set(m.tacticRefs.map(to))];
  for (const d of b.dataComponents) d.dataSourceRef = to(d.dataSourceRef);
  for (const s of b.detectionStrategies) s.analyticRefs = [...new Set(s.analyticRefs.map(to))];
  for (const a of b.analytics) for (const l of a.logSourceRefs) l.dataComponentRef = to(l.dataComponentRef);
}
