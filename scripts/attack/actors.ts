/**
 * Groups, campaigns and software of one ATT&CK version, with the techniques each `uses`: the model
 * behind groups.json, the plan's targets and the group pages. Read from the objects scripts/attack/stix.ts
 * already parsed (the bundle is parsed once per build).
 *
 * - Techniques are ATT&CK IDs (T1003.001); a `uses` of a revoked technique counts for the technique
 *   that replaced it (its `revoked-by` chain), a use of a deprecated one is kept as it is.
 * - Revoked and deprecated relationships are left out, as ATT&CK's own pages do.
 * - Revoked actors are kept, with no techniques, and the ID that replaced them (`revokedBy`), so a
 *   user who names one learns what to name instead.
 * - `otherTechniques`: the techniques a plan may be given that are not Windows techniques of the
 *   version (revoked, deprecated, or on other platforms), so a target naming one gets a clear answer.
 *
 * Pure module: no I/O.
 */
import { cmp } from '../lib/cmp.ts';
import type { StixActor, StixBundle, StixTechnique } from './stix.ts';

export type ActorKind = 'group' | 'campaign' | 'software';

export interface Actor {
  /** G0016, C0024, S0154. */
  id: string;
  name: string;
  /** Other names ATT&CK gives (`aliases`, `x_mitre_aliases`), the name itself left out, sorted. */
  aliases: string[];
  /** attack.mitre.org page; '' when upstream gave none (or not http(s)). */
  url: string;
  /** Software only: `malware` or `tool`; '' for groups and campaigns. */
  softwareType: '' | 'malware' | 'tool';
  /** Techniques it uses (ATT&CK IDs, revoked ones replaced), sorted. */
  techniques: string[];
  /** Groups and campaigns: the software it uses (S IDs), sorted; software: []. */
  software: string[];
  /** Campaigns: the groups it is attributed to (G IDs); others: []. */
  attributedTo: string[];
  /** The ID of the object that replaced it, when revoked; ''. */
  revokedBy: string;
  deprecated: boolean;
}

export interface OtherTechnique {
  id: string;
  name: string;
  platforms: string[];
  /** The technique that replaced it (followed to the end of the chain), when revoked; ''. */
  revokedBy: string;
  deprecated: boolean;
  /** What ATT&CK says would show it, `Source: Component` (data sources of ATT&CK ≤ 9, components of 10–17, the components of its analytics in 18+), sorted. */
  dataComponents: string[];
}

export interface ActorsModel {
  groups: Actor[];
  campaigns: Actor[];
  software: Actor[];
  /** Techniques that are revoked, deprecated or not on `platform`, by ID. */
  otherTechniques: OtherTechnique[];
}

const kindOf = (a: StixActor): ActorKind => (a.type === 'intrusion-set' ? 'group' : a.type === 'campaign' ? 'campaign' : 'software');

/** Follows `revoked-by` from `stixId` to a live object (at most `limit` steps; cycles stop). */
function finalReplacement(stixId: string, revokedBy: ReadonlyMap<string, string>): string | undefined {
  let cur = revokedBy.get(stixId);
  const seen = new Set([stixId]);
  while (cur !== undefined && revokedBy.has(cur) && !seen.has(cur)) {
    seen.add(cur);
    cur = revokedBy.get(cur);
  }
  return cur;
}

/** The model of one bundle's groups, campaigns and software. `platform`: which techniques are "ours" (default Windows). */
export function readActors(bundle: StixBundle, platform = 'Windows'): ActorsModel {
  const revokedBy = new Map<string, string>();
  for (const r of bundle.relationships) if (r.type === 'revoked-by' && !r.deprecated) revokedBy.set(r.sourceRef, r.targetRef);
  const techniques = new Map<string, StixTechnique>(bundle.techniques.map((t) => [t.stixId, t]));
  const actors = new Map<string, StixActor>(bundle.actors.map((a) => [a.stixId, a]));
  const idOf = (stixId: string | undefined): string => (stixId === undefined ? '' : (techniques.get(stixId)?.attackId ?? actors.get(stixId)?.attackId ?? ''));

  const uses = new Map<string, { techniques: Set<string>; software: Set<string>; attributedTo: Set<string> }>();
  const entry = (stixId: string) => {
    let e = uses.get(stixId);
    if (!e) {
      e = { techniques: new Set(), software: new Set(), attributedTo: new Set() };
      uses.set(stixId, e);
    }
    return e;
  };
  for (const r of bundle.relationships) {
    if (r.revoked || r.deprecated) continue;
    const src = actors.get(r.sourceRef);
    if (!src || src.revoked) continue;
    if (r.type === 'uses') {
      const t = techniques.get(r.targetRef);
      if (t) {
        const live = t.revoked ? techniques.get(finalReplacement(t.stixId, revokedBy) ?? '') : t;
        if (live?.attackId) entry(src.stixId).techniques.add(live.attackId);
        continue;
      }
      const sw = actors.get(r.targetRef);
      if (sw && kindOf(sw) === 'software' && kindOf(src) !== 'software' && sw.attackId) entry(src.stixId).software.add(sw.attackId);
    } else if (r.type === 'attributed-to' && kindOf(src) === 'campaign') {
      const g = actors.get(r.targetRef);
      if (g && kindOf(g) === 'group' && g.attackId) entry(src.stixId).attributedTo.add(g.attackId);
    }
  }

  const model: ActorsModel = { groups: [], campaigns: [], software: [], otherTechniques: [] };
  for (const a of bundle.actors) {
    if (!a.attackId) continue;
    const u = uses.get(a.stixId);
    const aliases = [...new Set(a.aliases.map((x) => x.trim()).filter((x) => x !== '' && x !== a.name))].sort(cmp);
    const actor: Actor = {
      id: a.attackId,
      name: a.name,
      aliases,
      url: a.url ?? '',
      softwareType: a.type === 'malware' || a.type === 'tool' ? a.type : '',
      techniques: [...(u?.techniques ?? [])].sort(cmp),
      software: [...(u?.software ?? [])].sort(cmp),
      attributedTo: [...(u?.attributedTo ?? [])].sort(cmp),
      revokedBy: a.revoked ? idOf(finalReplacement(a.stixId, revokedBy)) : '',
      deprecated: a.deprecated,
    };
    const kind = kindOf(a);
    (kind === 'group' ? model.groups : kind === 'campaign' ? model.campaigns : model.software).push(actor);
  }
  for (const list of [model.groups, model.campaigns, model.software]) list.sort((x, y) => cmp(x.id, y.id));

  const components = dataComponentsOf(bundle);
  for (const t of bundle.techniques) {
    if (!t.attackId) continue;
    const ours = !t.revoked && !t.deprecated && t.platforms.includes(platform);
    if (ours) continue;
    model.otherTechniques.push({
      id: t.attackId,
      name: t.name,
      platforms: [...t.platforms].sort(cmp),
      revokedBy: t.revoked ? idOf(finalReplacement(t.stixId, revokedBy)) : '',
      deprecated: t.deprecated,
      dataComponents: [...new Set([...t.dataSources, ...(components.get(t.stixId) ?? [])])].sort(cmp),
    });
  }
  model.otherTechniques.sort((x, y) => cmp(x.id, y.id));
  return model;
}

/**
 * Technique STIX ID → data components that detect it, as `Source: Component` (or the component alone
 * when it has no data source, ATT&CK 18): through `detects` from a component (ATT&CK 10–17) and
 * through a detection strategy's analytics' log sources (ATT&CK 18+).
 */
function dataComponentsOf(bundle: StixBundle): Map<string, Set<string>> {
  const sources = new Map(bundle.dataSources.map((d) => [d.stixId, d.name]));
  const comps = new Map(bundle.dataComponents.map((c) => [c.stixId, [sources.get(c.dataSourceRef) ?? '', c.name].filter((x) => x !== '').join(': ')]));
  const analytics = new Map(bundle.analytics.map((a) => [a.stixId, a]));
  const strategies = new Map(bundle.detectionStrategies.map((d) => [d.stixId, d]));
  const out = new Map<string, Set<string>>();
  const add = (technique: string, name: string | undefined): void => {
    if (name) (out.get(technique) ?? out.set(technique, new Set()).get(technique))?.add(name);
  };
  for (const r of bundle.relationships) {
    if (r.type !== 'detects' || r.revoked || r.deprecated) continue;
    add(r.targetRef, comps.get(r.sourceRef));
    for (const ref of strategies.get(r.sourceRef)?.analyticRefs ?? []) for (const l of analytics.get(ref)?.logSourceRefs ?? []) add(r.targetRef, comps.get(l.dataComponentRef));
  }
  return out;
}
