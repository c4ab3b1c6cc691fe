/**
 * Reads what the plan needs beyond the coverage core's VersionData out of a version's parsed
 * artifacts: groups.json (groups, campaigns, software, techniques that are not Windows ones) and, from
 * techniques.json, each technique's platforms and data components.
 *
 * Pure module: no I/O, no node: imports.
 */
import type { Actor, OtherTechnique } from '../attack/actors.ts';
import { type ConfigEvent, configEventsFromJson, PlanError, type VersionData, versionDataFromJson } from './core.ts';
import type { PlanVersion } from './plan.ts';
import type { TargetCatalog, TargetCatalogTechnique } from './targets.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function actors(doc: Json, field: string): Actor[] {
  const list = doc[field];
  if (!Array.isArray(list)) throw new PlanError(`groups.json: expected a "${field}" list`);
  return list.map((x: unknown, i) => {
    const ok =
      isObj(x) && isStr(x.id) && /^[GCS]\d{4}$/.test(x.id) && isStr(x.name) && isStrs(x.aliases) && isStr(x.url) && isStrs(x.techniques) && isStrs(x.software) && isStrs(x.attributedTo) && isStr(x.revokedBy) && typeof x.deprecated === 'boolean' && (x.softwareType === '' || x.softwareType === 'malware' || x.softwareType === 'tool');
    if (!ok) throw new PlanError(`groups.json: ${field}[${i}] is not a valid entry (rebuild the data with npm run data)`);
    return x as unknown as Actor;
  });
}

/** Checks and narrows a parsed groups.json. */
export function groupsFromJson(doc: unknown, attackVersion: string): { groups: Actor[]; campaigns: Actor[]; software: Actor[]; other: OtherTechnique[] } {
  if (!isObj(doc) || doc.attackVersion !== attackVersion) throw new PlanError(`groups.json: expected the groups of ATT&CK ${attackVersion} (rebuild the data with npm run data)`);
  const others = doc.otherTechniques;
  if (!Array.isArray(others)) throw new PlanError('groups.json: expected an "otherTechniques" list');
  const other = others.map((x: unknown, i) => {
    if (!isObj(x) || !isStr(x.id) || !isStr(x.name) || !isStrs(x.platforms) || !isStr(x.revokedBy) || typeof x.deprecated !== 'boolean' || !isStrs(x.dataComponents)) {
      throw new PlanError(`groups.json: otherTechniques[${i}] is not a valid entry (rebuild the data with npm run data)`);
    }
    return { id: x.id, name: x.name, platforms: x.platforms, revokedBy: x.revokedBy, deprecated: x.deprecated, dataComponents: x.dataComponents };
  });
  return { groups: actors(doc, 'groups'), campaigns: actors(doc, 'campaigns'), software: actors(doc, 'software'), other };
}

/** Each technique's platforms and data components (`Process: Process Creation`), from a parsed techniques.json. */
export function techniqueExtras(doc: unknown): Map<string, { platforms: string[]; dataComponents: string[] }> {
  if (!isObj(doc) || !Array.isArray(doc.techniques)) throw new PlanError('techniques.json: expected a "techniques" list');
  const out = new Map<string, { platforms: string[]; dataComponents: string[] }>();
  for (const t of doc.techniques as unknown[]) {
    if (!isObj(t) || !isStr(t.id)) continue;
    const comps = Array.isArray(t.dataComponents) ? t.dataComponents.filter(isObj) : [];
    const names = comps.map((c) => [c.dataSource, c.dataComponent].filter((s): s is string => isStr(s) && s !== '').join(': ')).filter((s) => s !== '');
    out.set(t.id, { platforms: isStrs(t.platforms) ? t.platforms : [], dataComponents: [...new Set(names)] });
  }
  return out;
}

/** The target catalog of one version. */
export function targetCatalog(data: VersionData, extras: ReadonlyMap<string, { platforms: readonly string[] }>, groups: ReturnType<typeof groupsFromJson>): TargetCatalog {
  const techniques = new Map<string, TargetCatalogTechnique>(data.techniques.map((t) => [t.id, { id: t.id, name: t.name, tactics: t.tactics, platforms: extras.get(t.id)?.platforms ?? ['Windows'] }]));
  return {
    attackVersion: data.attackVersion,
    techniques,
    other: new Map(groups.other.map((o) => [o.id, o])),
    tactics: data.tactics,
    groups: groups.groups,
    campaigns: groups.campaigns,
    software: groups.software,
  };
}

/** What the plan reads beyond the coverage core's data, per technique: platforms and data components (`Process: Process Creation`). */
export type TechniqueExtras = ReadonlyMap<string, { platforms: readonly string[]; dataComponents: readonly string[] }>;

/**
 * The plan's data and target catalog from the coverage core's data, each event's configuration
 * fields, the techniques' extras and groups.json: shared by the artifacts' reader below and the
 * plan page's data file (scripts/pages/browser/plan-data.ts).
 */
export function planFromParts(data: VersionData, details: readonly ConfigEvent[], extras: TechniqueExtras, actors: ReturnType<typeof groupsFromJson>): { version: PlanVersion; catalog: TargetCatalog } {
  const catalog = targetCatalog(data, extras, actors);
  // Data components of every technique a target can name: techniques.json's for Windows ones, groups.json's for the others.
  const dataComponents = new Map<string, readonly string[]>([...actors.other.map((o): [string, string[]] => [o.id, o.dataComponents]), ...[...extras].map(([id, x]): [string, readonly string[]] => [id, x.dataComponents])]);
  return { version: { data, details, dataComponents }, catalog };
}

/**
 * The plan's data and target catalog from a version's parsed artifacts (techniques.json, events.json,
 * tactics.json, groups.json): the one reader for the CLI (./load.ts) and the site.
 */
export function planFromArtifacts(docs: { techniques: unknown; events: unknown; tactics: unknown; groups: unknown }): { version: PlanVersion; catalog: TargetCatalog } {
  const data = versionDataFromJson(docs);
  return planFromParts(data, configEventsFromJson(docs.events), techniqueExtras(docs.techniques), groupsFromJson(docs.groups, data.attackVersion));
}
