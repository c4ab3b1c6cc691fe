/**
 * One version's lookups, built once and shared by every page of the version, and the data every
 * page has (title, permalink, version switch, breadcrumbs).
 */
import type { DataComponentArtifact, EventArtifact, TacticArtifact, TechniqueArtifact } from '../artifacts/build.ts';
import type { RuleArtifact } from '../diff/types.ts';
import type { Evidence } from '../mapping/types.ts';
import { ruleKey } from './grades.ts';
import { type EntityKind, isSearchable, type Presence, versionLinks } from './presence.ts';
import type { Crumb, Era, EventRef, Link, PageKind, PageMeta, Scope, TechniqueRef, VersionInput } from './types.ts';
import { paths, preferredBase } from './urls.ts';

export interface VersionContext {
  input: VersionInput;
  presence: Presence;
  techniques: Map<string, TechniqueArtifact>;
  events: Map<string, EventArtifact>;
  /** Tactics by shortname (techniques name their tactics by shortname). */
  tactics: Map<string, TacticArtifact>;
  dataComponents: Map<string, DataComponentArtifact>;
  /** "data component", or "data source" for the versions before data components. */
  componentLabel: string;
  /** rules.json by source and ID (`ruleKey`). */
  rules: Map<string, RuleArtifact>;
  /** The evidence kinds of each technique × event link (`linkKey`), strongest first. */
  linkEvidence: Map<string, Evidence[]>;
}

export const linkKey = (techniqueId: string, eventKey: string): string => `${techniqueId}\u0000${eventKey}`;

const EVIDENCE_ORDER: readonly Evidence[] = ['splunk-escu', 'mitre-car', 'attack-analytic', 'attack-component', 'ossem-dm', 'ossem-legacy'];

function linkEvidence(techniques: readonly TechniqueArtifact[]): Map<string, Evidence[]> {
  const out = new Map<string, Evidence[]>();
  for (const t of techniques) {
    for (const e of t.events) {
      const kinds = new Set(e.evidence.map((x) => x.kind));
      out.set(linkKey(t.id, e.key), EVIDENCE_ORDER.filter((k) => kinds.has(k)));
    }
  }
  return out;
}

export const ERA_LABELS: Record<Era, string> = {
  'data-source-strings': 'data-source strings (OSSEM tables)',
  'data-components': 'data components (OSSEM-DM)',
  'detection-strategies': 'detection strategies and analytics',
};

export function versionContext(input: VersionInput, presence: Presence): VersionContext {
  return {
    input,
    presence,
    techniques: new Map(input.techniques.map((t) => [t.id, t])),
    events: new Map(input.events.map((e) => [e.key, e])),
    tactics: new Map(input.tactics.map((t) => [t.shortname, t])),
    dataComponents: new Map(input.dataComponents.map((c) => [c.name, c])),
    componentLabel: input.dataComponents.some((c) => c.id || c.dataSource) ? 'data component' : 'data source',
    rules: new Map((input.rules ?? []).map((r) => [ruleKey(r.source, r.id), r])),
    linkEvidence: linkEvidence(input.techniques),
  };
}

export function techniqueRef(ctx: VersionContext, scope: Scope, id: string): TechniqueRef {
  return { id, name: ctx.techniques.get(id)?.name ?? '', url: scope.base + paths.technique(id) };
}

export function eventRef(ctx: VersionContext, scope: Scope, key: string): EventRef {
  const e = ctx.events.get(key);
  const i = key.lastIndexOf(':');
  return { key, log: e?.log ?? key.slice(0, i), eventId: e?.eventId ?? key.slice(i + 1), name: e?.name ?? '', url: scope.base + paths.event(key) };
}

export function tacticLink(ctx: VersionContext, scope: Scope, shortname: string): Link {
  const t = ctx.tactics.get(shortname);
  return t ? { label: t.name, url: scope.base + paths.tactic(t.id) } : { label: shortname, url: '' };
}

/** A data component (or data source) by name; no URL when the version's artifact lacks it. */
export function componentLink(ctx: VersionContext, scope: Scope, name: string): Link {
  return { label: name, url: ctx.dataComponents.has(name) ? scope.base + paths.dataComponent(name) : '' };
}

export function homeCrumbs(scope: Scope): Crumb[] {
  return [{ label: scope.isRoot ? 'Home' : `ATT&CK v${scope.version}`, url: scope.base }];
}

export function pageMeta(
  ctx: VersionContext,
  scope: Scope,
  page: {
    kind: PageKind;
    path: string;
    title: string;
    description: string;
    crumbs: Crumb[];
    entity?: { kind: EntityKind; id: string };
    /** One page for all versions (downloads): the switch goes to each version's home. */
    unversioned?: boolean;
  },
): PageMeta {
  const p = ctx.presence;
  const inLatest = page.entity ? (p.byKind[page.entity.kind].get(page.entity.id)?.has(p.latest) ?? false) : true;
  return {
    title: page.title,
    description: page.description,
    permalink: scope.out + page.path,
    kind: page.kind,
    scope: {
      version: scope.version,
      base: scope.base,
      isLatest: scope.isLatest,
      isRoot: scope.isRoot,
      era: ctx.input.era,
      eraLabel: ERA_LABELS[ctx.input.era],
      latestUrl: preferredBase(p.latest, p.latest, p.root) + (inLatest && !page.unversioned ? page.path : ''),
      componentLabel: ctx.componentLabel,
      previous: p.changesFrom.get(scope.version) ?? '',
    },
    versions: page.unversioned ? versionLinks(p, scope, '').map((l) => ({ ...l, exists: false, current: false })) : versionLinks(p, scope, page.path, page.entity),
    crumbs: page.crumbs,
    searchable: page.entity ? isSearchable(p, scope, page.entity) : false,
  };
}
