/**
 * The plan page's own data file, one per version (`/assets/plan/<version>.json`): what the plan
 * needs beyond the coverage page's data file (`/assets/coverage/<version>.json`, which the plan page
 * reads too, so the events and links are published once):
 *
 * - `groups`, `campaigns`, `software`: groups.json's entries as arrays
 *   `[id, name, aliases, technique indexes, software IDs, attributed to, revoked by, deprecated 0|1,
 *   software type, url]`, the url '' when it is ATT&CK's usual one (`https://attack.mitre.org/groups/G0016`);
 * - `techniques`: each Windows technique's `[id, platform indexes, data component indexes]`;
 * - `other`: groups.json's other techniques (revoked, deprecated, not on Windows) as
 *   `[id, name, platform indexes, revoked by, deprecated 0|1, data component indexes]`;
 * - `platforms`, `components`: the names the indexes point to. A technique index points into the
 *   IDs of `techniques` then `other`; an ID in neither stays a string.
 *
 * `expandPlanData` turns both files back into what `npm run plan` reads (scripts/plan/data.ts
 * planFromParts, groupsFromJson checking every entry), so the page and the CLI plan from the same
 * data. Pure (no DOM, no node: imports): built by the pages step, read by the browser.
 */
import type { Actor, OtherTechnique } from '../../attack/actors.ts';
import { configEventsFromJson, versionDataFromJson } from '../../coverage/index.ts';
import { ExpectedError } from '../../lib/expected-error.ts';
import { groupsFromJson, planFromParts, techniqueExtras } from '../../plan/data.ts';
import type { PlanVersion } from '../../plan/plan.ts';
import type { TargetCatalog } from '../../plan/targets.ts';
import { expandCoverageData } from './coverage-data.ts';

export const PLAN_DATA_FORMAT = 1;

type SlimActor = [id: string, name: string, aliases: string[], techniques: Array<number | string>, software: string[], attributedTo: string[], revokedBy: string, deprecated: 0 | 1, softwareType: Actor['softwareType'], url: string];
type SlimOther = [id: string, name: string, platforms: number[], revokedBy: string, deprecated: 0 | 1, components: number[]];

export interface PlanDataDoc {
  format: typeof PLAN_DATA_FORMAT;
  attackVersion: string;
  platforms: string[];
  components: string[];
  techniques: Array<[id: string, platforms: number[], components: number[]]>;
  other: SlimOther[];
  groups: SlimActor[];
  campaigns: SlimActor[];
  software: SlimActor[];
}

/** What the encoder reads: a version's techniques (platforms, data components) and groups.json, absent in data folders built before it. */
export interface PlanDataInput {
  version: string;
  techniques: ReadonlyArray<{ id: string }>;
  groups?: { groups: readonly Actor[]; campaigns: readonly Actor[]; software: readonly Actor[]; otherTechniques: readonly OtherTechnique[] } | undefined;
}

const KIND_PATH = { groups: 'groups', campaigns: 'campaigns', software: 'software' } as const;
const usualUrl = (kind: keyof typeof KIND_PATH, id: string): string => `https://attack.mitre.org/${KIND_PATH[kind]}/${id}`;

/** A string table: each name once, in order of first use. */
function table(): { names: string[]; index: (name: string) => number } {
  const names: string[] = [];
  const at = new Map<string, number>();
  return {
    names,
    index: (name) => {
      let i = at.get(name);
      if (i === undefined) {
        i = names.length;
        names.push(name);
        at.set(name, i);
      }
      return i;
    },
  };
}

/** The plan page's data file of one version (see the module comment). */
export function buildPlanData(v: PlanDataInput): PlanDataDoc {
  const platforms = table();
  const components = table();
  const extras = techniqueExtras({ techniques: v.techniques });
  const other = v.groups?.otherTechniques ?? [];
  const techIndex = new Map([...v.techniques.map((t) => t.id), ...other.map((o) => o.id)].map((id, i) => [id, i]));
  const slim = (kind: keyof typeof KIND_PATH, list: readonly Actor[]): SlimActor[] =>
    list.map((a) => [a.id, a.name, [...a.aliases], a.techniques.map((t) => techIndex.get(t) ?? t), [...a.software], [...a.attributedTo], a.revokedBy, a.deprecated ? 1 : 0, a.softwareType, a.url === usualUrl(kind, a.id) ? '' : a.url]);
  return {
    format: PLAN_DATA_FORMAT,
    attackVersion: v.version,
    techniques: v.techniques.map((t) => {
      const x = extras.get(t.id);
      return [t.id, (x?.platforms ?? []).map(platforms.index), (x?.dataComponents ?? []).map(components.index)];
    }),
    other: other.map((o) => [o.id, o.name, o.platforms.map(platforms.index), o.revokedBy, o.deprecated ? 1 : 0, o.dataComponents.map(components.index)]),
    groups: slim('groups', v.groups?.groups ?? []),
    campaigns: slim('campaigns', v.groups?.campaigns ?? []),
    software: slim('software', v.groups?.software ?? []),
    platforms: platforms.names,
    components: components.names,
  };
}

/** A data file the page cannot read (not one the pages step wrote): its message is shown as it is. */
export class PlanDataError extends ExpectedError {}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new PlanDataError(`plan data file: ${what} is not a list`);
  return v;
};
const strs = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * The groups, campaigns and software of a parsed plan data file, as the page's list needs them
 * (ID, name, aliases, techniques, revoked by), without the coverage data file: the list is shown
 * before the planning data is read.
 */
export function planDataActors(planDoc: unknown): Record<'groups' | 'campaigns' | 'software', Array<{ id: string; name: string; aliases: string[]; techniques: unknown[]; revokedBy: string }>> {
  if (!isObj(planDoc) || planDoc.format !== PLAN_DATA_FORMAT) throw new PlanDataError(`not a plan page data file of format ${PLAN_DATA_FORMAT}`);
  const kind = (k: keyof typeof KIND_PATH) =>
    arr(planDoc[k], k).map((x) => {
      const [id, name, aliases, techniques, , , revokedBy] = strs(x);
      return { id: String(id), name: String(name), aliases: strs(aliases).map(String), techniques: strs(techniques), revokedBy: String(revokedBy ?? '') };
    });
  return { groups: kind('groups'), campaigns: kind('campaigns'), software: kind('software') };
}

/**
 * The plan's data and target catalog from the parsed coverage data file and plan data file of one
 * version: what scripts/plan/load.ts reads from the artifacts, for the page's core.
 */
export function expandPlanData(coverageDoc: unknown, planDoc: unknown): { version: PlanVersion; catalog: TargetCatalog } {
  const docs = expandCoverageData(coverageDoc);
  const data = versionDataFromJson(docs);
  if (!isObj(planDoc) || planDoc.format !== PLAN_DATA_FORMAT) throw new PlanDataError(`not a plan page data file of format ${PLAN_DATA_FORMAT}`);
  if (planDoc.attackVersion !== data.attackVersion) throw new PlanDataError(`the plan data file is for ATT&CK ${String(planDoc.attackVersion)}, the coverage data file for ${data.attackVersion}`);
  const platforms = arr(planDoc.platforms, 'platforms');
  const components = arr(planDoc.components, 'components');
  const names = (list: unknown, from: unknown[]): string[] => strs(list).map((i) => from[i as number]).filter((s): s is string => typeof s === 'string');
  const techniques = arr(planDoc.techniques, 'techniques').map((t) => strs(t));
  const other = arr(planDoc.other, 'other').map((o) => strs(o));
  const ids = [...techniques.map((t) => t[0]), ...other.map((o) => o[0])];
  const extras = new Map(techniques.map((t) => [String(t[0]), { platforms: names(t[1], platforms), dataComponents: names(t[2], components) }]));
  const kind = (k: keyof typeof KIND_PATH): unknown[] =>
    arr(planDoc[k], k).map((x) => {
      const [id, name, aliases, techs, software, attributedTo, revokedBy, deprecated, softwareType, url] = strs(x);
      return {
        id,
        name,
        aliases,
        url: url === '' && typeof id === 'string' ? usualUrl(k, id) : url,
        softwareType,
        techniques: strs(techs).map((t) => (typeof t === 'number' ? ids[t] : t)),
        software,
        attributedTo,
        revokedBy,
        deprecated: deprecated === 1,
      };
    });
  const groupsDoc = {
    attackVersion: data.attackVersion,
    groups: kind('groups'),
    campaigns: kind('campaigns'),
    software: kind('software'),
    otherTechniques: other.map(([id, name, plats, revokedBy, deprecated, comps]) => ({ id, name, platforms: names(plats, platforms), revokedBy, deprecated: deprecated === 1, dataComponents: names(comps, components) })),
  };
  return planFromParts(data, configEventsFromJson(docs.events), extras, groupsFromJson(groupsDoc, data.attackVersion));
}
