/**
 * Reads an Enterprise ATT&CK STIX bundle (2.0 or 2.1 framing) into typed records.
 * Only the fields the mapping relies on are read, and each is checked once here.
 */

export class BundleError extends Error {
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

export interface StixAnalytic extends StixBase {
  platforms: string[];
  logSourceRefs: LogSourceRef[];
}

export interface StixRelationship {
  stixId: string;
  type: string;
  sourceRef: string;
  targetRef: string;
  revoked: boolean;
  deprecated: boolean;
}

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
  relationships: StixRelationship[];
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

function componentLogSources(o: JsonObject, where: string): Array<{ name: string; channel: string }> {
  const v = o['x_mitre_log_sources'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'x_mitre_log_sources should be a list');
  return v.map((r, i) => {
    const w = `${where} x_mitre_log_sources[${i}]`;
    if (!isObject(r)) throw new BundleError(w, 'should be an object');
    return { name: str(r, 'name', w), channel: str(r, 'channel', w, false) };
  });
}

function logSourceRefs(o: JsonObject, where: string): LogSourceRef[] {
  const v = o['x_mitre_log_source_references'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError(where, 'x_mitre_log_source_references should be a list');
  return v.map((r, i) => {
    const w = `${where} x_mitre_log_source_references[${i}]`;
    if (!isObject(r)) throw new BundleError(w, 'should be an object');
    return {
      dataComponentRef: str(r, 'x_mitre_data_component_ref', w, false),
      name: str(r, 'name', w),
      channel: str(r, 'channel', w, false),
    };
  });
}

/** Parses the text of a bundle. `label` names the source in errors (URL or file and ATT&CK version). */
export function parseBundle(text: string, label: string): StixBundle {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    throw new BundleError(label, `not valid JSON (${(e as Error).message})`);
  }
  return readBundle(root, label);
}

export function readBundle(root: Json, label: string): StixBundle {
  if (!isObject(root) || root['type'] !== 'bundle' || !Array.isArray(root['objects'])) {
    throw new BundleError(label, 'not a STIX bundle (expected {"type": "bundle", "objects": [...]})');
  }
  const out: StixBundle = {
    framing: typeof root['spec_version'] === 'string' ? '2.0' : '2.1',
    techniques: [],
    tactics: [],
    matrices: [],
    dataSources: [],
    dataComponents: [],
    detectionStrategies: [],
    analytics: [],
    relationships: [],
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
        const phases = Array.isArray(o['kill_chain_phases'])
          ? o['kill_chain_phases']
              .filter(isObject)
              .filter((p) => p['kill_chain_name'] === 'mitre-attack' && typeof p['phase_name'] === 'string')
              .map((p) => p['phase_name'] as string)
          : [];
        out.techniques.push({
          ...base(o, where),
          platforms: strList(o, 'x_mitre_platforms', where),
          isSubtechnique: bool(o, 'x_mitre_is_subtechnique'),
          phases,
          dataSources: strList(o, 'x_mitre_data_sources', where),
        });
        break;
      }
      case 'x-mitre-tactic':
        out.tactics.push({ ...base(o, where), shortname: str(o, 'x_mitre_shortname', where) });
        break;
      case 'x-mitre-matrix':
        out.matrices.push({ ...base(o, where), tacticRefs: strList(o, 'tactic_refs', where) });
        break;
      case 'x-mitre-data-source':
        out.dataSources.push(base(o, where));
        break;
      case 'x-mitre-data-component':
        out.dataComponents.push({ ...base(o, where), dataSourceRef: str(o, 'x_mitre_data_source_ref', where, false), logSources: componentLogSources(o, where) });
        break;
      case 'x-mitre-detection-strategy':
        out.detectionStrategies.push({ ...base(o, where), analyticRefs: strList(o, 'x_mitre_analytic_refs', where) });
        break;
      case 'x-mitre-analytic':
        out.analytics.push({
          ...base(o, where),
          platforms: strList(o, 'x_mitre_platforms', where),
          logSourceRefs: logSourceRefs(o, where),
        });
        break;
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
  return out;
}
