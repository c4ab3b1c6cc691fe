/**
 * Which versions hold which technique, event, tactic and data component: the version switch, the
 * "ATT&CK versions" table of a technique page and the search index all need it.
 */
import type { Scope, VersionInput, VersionLink } from './types.ts';
import { dataComponentSlug, preferredBase } from './urls.ts';

export type EntityKind = 'technique' | 'event' | 'tactic' | 'data-component' | 'group';

export interface Presence {
  /** Oldest first. */
  versions: string[];
  latest: string;
  /** The site root every link starts with. */
  root: string;
  /** Entity id → version → a figure shown beside it (events of a technique, techniques of an event). */
  byKind: Record<EntityKind, Map<string, Map<string, number>>>;
  /** Version → the version before it, for the versions that have a "what changed" page. */
  changesFrom: Map<string, string>;
}

function put(map: Map<string, Map<string, number>>, id: string, version: string, n: number): void {
  const m = map.get(id) ?? new Map<string, number>();
  map.set(id, m);
  m.set(version, n);
}

export function buildPresence(versions: VersionInput[], latest: string, root = '/', changesFrom = new Map<string, string>()): Presence {
  const byKind: Presence['byKind'] = { technique: new Map(), event: new Map(), tactic: new Map(), 'data-component': new Map(), group: new Map() };
  for (const v of versions) {
    for (const t of v.techniques) put(byKind.technique, t.id, v.version, t.events.length);
    for (const e of v.events) put(byKind.event, e.key, v.version, e.techniques.length);
    for (const t of v.tactics) put(byKind.tactic, t.id, v.version, t.techniques.length);
    for (const c of v.dataComponents) put(byKind['data-component'], dataComponentSlug(c.name), v.version, c.techniques.length);
    for (const g of v.groups?.groups ?? []) if (g.revokedBy === '') put(byKind.group, g.id, v.version, g.techniques.length);
  }
  return { versions: versions.map((v) => v.version), latest, root, byKind, changesFrom };
}

/** Versions (oldest first) in which an entity appears, with its figure there. */
export function appearances(p: Presence, kind: EntityKind, id: string): Array<{ version: string; n: number }> {
  const m = p.byKind[kind].get(id);
  return p.versions.filter((v) => m?.has(v)).map((v) => ({ version: v, n: m?.get(v) ?? 0 }));
}

/**
 * The version switch of a page: for each version, the same page there when it exists, else that
 * version's home. `path` is the page's path inside a page set; `entity` is undefined for pages
 * every version has (home, indexes).
 */
export function versionLinks(p: Presence, scope: Scope, path: string, entity?: { kind: EntityKind; id: string }): VersionLink[] {
  const m = entity ? p.byKind[entity.kind].get(entity.id) : undefined;
  return p.versions
    .map((version) => {
      const exists = entity ? (m?.has(version) ?? false) : true;
      const base = preferredBase(version, p.latest, p.root);
      return { version, url: exists ? base + path : base, exists, current: version === scope.version, latest: version === p.latest };
    })
    .reverse();
}

/**
 * Pagefind indexes each entity once: its root page when the latest version has it, else its page
 * in the newest version that does (a technique revoked since 9.0 is still found).
 */
export function isSearchable(p: Presence, scope: Scope, entity: { kind: EntityKind; id: string }): boolean {
  const m = p.byKind[entity.kind].get(entity.id);
  if (!m) return false;
  const newest = [...p.versions].reverse().find((v) => m.has(v));
  if (newest === p.latest) return scope.isRoot;
  return scope.version === newest;
}
