/**
 * groups.json: the groups, campaigns and software of one version (scripts/attack/actors.ts), added
 * to the version's files beside the derived layers, so the manifest lists it.
 */
import type { ActorsModel } from '../attack/actors.ts';
import type { DerivedFiles } from './build.ts';
import { stringifyJson } from '../lib/json.ts';

export const GROUPS_FILE = 'groups.json';

export interface GroupsArtifact extends ActorsModel {
  attackVersion: string;
}

export function groupsArtifact(attackVersion: string, model: ActorsModel): GroupsArtifact {
  return { attackVersion, groups: model.groups, campaigns: model.campaigns, software: model.software, otherTechniques: model.otherTechniques };
}

/** `derived` plus groups.json (the caller checks it first: validateArtifact(GROUPS_FILE, doc)). */
export function withGroupsFile(doc: GroupsArtifact, derived: DerivedFiles): DerivedFiles {
  const text = stringifyJson(doc);
  return (artifacts) => new Map([...derived(artifacts), [GROUPS_FILE, text]]);
}
