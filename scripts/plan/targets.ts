/**
 * What a plan is for: the techniques of groups, campaigns, software, an explicit list, an ATT&CK
 * Navigator layer, or the tactics given, resolved against one ATT&CK version.
 *
 * - Groups, campaigns and software by ATT&CK ID (G0016), name or alias (`Cozy Bear`), any case,
 *   spaces and punctuation ignored. An unknown name lists the closest ones; a revoked object says
 *   what replaced it; a name of another kind (`--group Mimikatz`) says which flag to use.
 * - Techniques and sub-techniques are separate targets, as coverage counts them (T1003 and
 *   T1003.001 are two): a group that uses T1003.001 targets T1003.001 only.
 * - `--tactic` alone targets every Windows technique of those tactics; with other targets it keeps
 *   only their techniques in those tactics.
 * - Navigator layers (formats 3.x–4.x, as Navigator 4.x–5.x reads them): a technique counts when one
 *   of its entries is enabled, passes the layer's platform filter and has a score above 0, or no
 *   score but a colour or comment (annotated). Disabled entries (hidden with hideDisabled, or
 *   faded), platforms filtered out and score 0 are left out and counted in the notes. A revoked
 *   technique counts for its replacement.
 *
 * Pure module: no I/O, no node: imports.
 */
import type { Actor, ActorKind, OtherTechnique } from '../attack/actors.ts';
import { DOMAIN } from '../lib/domain.ts';
import { editDistance } from '../lib/edit-distance.ts';
import { cmp, PlanError } from './core.ts';

/** A Windows technique of the version, as targets need it. */
export interface TargetCatalogTechnique {
  id: string;
  name: string;
  tactics: readonly string[];
  platforms: readonly string[];
}

/** One version's lookups for targets: its Windows techniques, tactics, groups.json. */
export interface TargetCatalog {
  attackVersion: string;
  techniques: ReadonlyMap<string, TargetCatalogTechnique>;
  /** Revoked, deprecated or non-Windows techniques (groups.json otherTechniques). */
  other: ReadonlyMap<string, OtherTechnique>;
  tactics: ReadonlyArray<{ id: string; shortname: string; name: string }>;
  groups: readonly Actor[];
  campaigns: readonly Actor[];
  software: readonly Actor[];
}

export interface TargetSpec {
  groups?: readonly string[];
  campaigns?: readonly string[];
  software?: readonly string[];
  /** Technique IDs (T1003.001), as typed. */
  techniques?: readonly string[];
  /** Parsed Navigator layers with the file they came from. */
  layers?: ReadonlyArray<{ source: string; layer: unknown }>;
  /** Tactic shortnames, names or IDs. */
  tactics?: readonly string[];
  /** Groups and campaigns: add the techniques of the software they use. */
  withSoftware?: boolean;
}

export type TargetSourceKind = ActorKind | 'techniques' | 'layer' | 'tactic';

/** One thing the user named, resolved. */
export interface TargetSource {
  kind: TargetSourceKind;
  /** G0016, C0024, S0154; the layer file; `--techniques`; the tactic shortname. */
  id: string;
  name: string;
  aliases: string[];
  url: string;
  /** How many techniques it contributed (before the tactic filter). */
  techniques: number;
}

export interface TargetTechnique {
  id: string;
  name: string;
  /** A Windows technique of the version (in techniques.json): events can be mapped to it. */
  windows: boolean;
  /** Why not, when not: `not on Windows (Linux, macOS)`, `deprecated`. */
  reason: string;
  /** The sources that name it (`G0016`, `layer.json`, `--techniques`). */
  from: string[];
}

export interface Target {
  attackVersion: string;
  /** `APT29 (G0016)`, `Cozy Bear` typed → APT29: a short label for titles. */
  label: string;
  sources: TargetSource[];
  /** Sorted by ID. */
  techniques: TargetTechnique[];
  tacticFilter: string[];
  /** How the target was read: layer entries left out, revoked techniques replaced, deprecated actors. */
  notes: string[];
}

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const ACTOR_ID = /^[GCS]\d{4}$/;
const KIND_FLAG: Record<ActorKind, string> = { group: '--group', campaign: '--campaign', software: '--software' };
const compact = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

function actorsOf(c: TargetCatalog, kind: ActorKind): readonly Actor[] {
  return kind === 'group' ? c.groups : kind === 'campaign' ? c.campaigns : c.software;
}

const actorLabel = (a: Actor): string => `${a.id} ${a.name}`;

/** Actors of `kind` whose ID, name or an alias is `typed` (compacted); live ones before revoked. */
function matches(c: TargetCatalog, kind: ActorKind, typed: string): Actor[] {
  const k = compact(typed);
  if (k === '') return [];
  const hits = actorsOf(c, kind).filter((a) => compact(a.id) === k || compact(a.name) === k || a.aliases.some((x) => compact(x) === k));
  const live = hits.filter((a) => a.revokedBy === '');
  return live.length > 0 ? live : hits;
}

/** The closest names (ID, name or alias a few edits away, or starting with what was typed), best first. */
export function closestActors(c: TargetCatalog, kind: ActorKind, typed: string, max = 5): string[] {
  const k = compact(typed);
  if (k === '') return [];
  const best = new Map<Actor, { d: number; shown: string }>();
  for (const a of actorsOf(c, kind)) {
    if (a.revokedBy !== '') continue;
    for (const n of [a.name, ...a.aliases, a.id]) {
      const cn = compact(n);
      let d = editDistance(k, cn);
      if (k.length >= 3 && (cn.startsWith(k) || cn.includes(k))) d = Math.min(d, 1);
      const limit = Math.max(1, Math.floor(Math.min(k.length, cn.length) / 3));
      const cur = best.get(a);
      if (d <= limit && (!cur || d < cur.d)) best.set(a, { d, shown: n === a.name || n === a.id ? '' : n });
    }
  }
  return [...best.entries()]
    .sort((x, y) => x[1].d - y[1].d || cmp(x[0].name, y[0].name))
    .slice(0, max)
    .map(([a, { shown }]) => `${a.name} (${a.id}${shown ? `, alias ${shown}` : ''})`);
}

function resolveActor(c: TargetCatalog, kind: ActorKind, typed: string): Actor {
  const v = c.attackVersion;
  const hits = matches(c, kind, typed);
  if (hits.length > 1) {
    throw new PlanError(`${KIND_FLAG[kind]} "${typed}" names ${hits.length} ${kind === 'software' ? 'software entries' : `${kind}s`} in ATT&CK ${v}: ${hits.map(actorLabel).join('; ')}; give the ID`);
  }
  const a = hits[0];
  if (a) {
    if (a.revokedBy !== '') {
      const by = [...c.groups, ...c.campaigns, ...c.software].find((x) => x.id === a.revokedBy);
      const byKind = by ? (c.groups.includes(by) ? 'group' : c.campaigns.includes(by) ? 'campaign' : 'software') : kind;
      throw new PlanError(
        `${KIND_FLAG[kind]} "${typed}": ${actorLabel(a)} is revoked in ATT&CK ${v}, replaced by ${by ? actorLabel(by) : a.revokedBy}; use ${KIND_FLAG[byKind]} ${a.revokedBy}`,
      );
    }
    return a;
  }
  // Named with the wrong flag?
  for (const other of ['group', 'campaign', 'software'] as const) {
    if (other === kind) continue;
    const o = matches(c, other, typed).filter((x) => x.revokedBy === '');
    if (o.length === 1 && o[0]) throw new PlanError(`${KIND_FLAG[kind]} "${typed}": no ${kind} of that name in ATT&CK ${v}, but ${other} ${actorLabel(o[0])} is; use ${KIND_FLAG[other]} "${typed}"`);
  }
  if (ACTOR_ID.test(typed.trim().toUpperCase())) {
    throw new PlanError(`${KIND_FLAG[kind]} "${typed}": no ${kind} ${typed.trim().toUpperCase()} in ATT&CK ${v}${closeHint(closestActors(c, kind, typed))}`);
  }
  throw new PlanError(`${KIND_FLAG[kind]} "${typed}": no ${kind} of that name or alias in ATT&CK ${v}${closeHint(closestActors(c, kind, typed))}`);
}

const closeHint = (close: readonly string[]): string => (close.length > 0 ? `; closest: ${close.join(', ')}` : '');

/** Splits `T1003.001, t1059.001` into IDs (upper case). */
export function parseTechniqueList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,;]+/)).map((t) => t.trim().toUpperCase()).filter((t) => t !== '');
}

type Collector = (id: string, from: string) => void;

/** Adds one technique ID named by the user (strict: revoked and unknown are errors). */
function resolveTechniqueId(c: TargetCatalog, typed: string, add: Collector): void {
  const v = c.attackVersion;
  if (!TECHNIQUE_ID.test(typed)) throw new PlanError(`--techniques: "${typed}" is not a technique ID (T1003 or T1003.001)`);
  if (c.techniques.has(typed)) return add(typed, '--techniques');
  const o = c.other.get(typed);
  if (o?.revokedBy) {
    const by = c.techniques.get(o.revokedBy) ?? c.other.get(o.revokedBy);
    throw new PlanError(`--techniques: ${typed} ${o.name} is revoked in ATT&CK ${v}, replaced by ${o.revokedBy}${by ? ` ${by.name}` : ''}; use ${o.revokedBy}`);
  }
  if (o) return add(typed, '--techniques');
  const close = [...c.techniques.keys(), ...[...c.other.values()].filter((x) => !x.revokedBy).map((x) => x.id)]
    .filter((id) => editDistance(id, typed) <= 1 || (typed.length >= 5 && id.startsWith(typed.slice(0, 5)) && id.length === typed.length))
    .sort(cmp)
    .slice(0, 6);
  throw new PlanError(`--techniques: no technique ${typed} in ATT&CK ${v}${closeHint(close)}`);
}

/** Resolves a tactic as typed (shortname, name or TA ID) to its shortname. */
function resolveTactic(c: TargetCatalog, typed: string): string {
  const k = compact(typed);
  const t = c.tactics.find((x) => compact(x.shortname) === k || compact(x.name) === k || compact(x.id) === k);
  if (t) return t.shortname;
  const close = c.tactics.filter((x) => editDistance(compact(x.shortname), k) <= 3 || compact(x.shortname).startsWith(k.slice(0, 4))).map((x) => x.shortname);
  throw new PlanError(`--tactic "${typed}": no such tactic in ATT&CK ${c.attackVersion}; ${close.length > 0 ? `closest: ${close.join(', ')}` : `tactics: ${c.tactics.map((x) => x.shortname).join(', ')}`}`);
}

// ---- Navigator layers ----

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Navigator's own renames of old platform names (Filter.deserialize). */
const PLATFORM_COMPAT: Record<string, string> = { android: 'Android', ios: 'iOS', windows: 'Windows', linux: 'Linux', mac: 'macOS', AWS: 'IaaS', GCP: 'IaaS', Azure: 'IaaS' };
/** The Navigator's old domain names. */
const DOMAIN_COMPAT: Record<string, string> = { 'mitre-enterprise': DOMAIN, 'mitre-mobile': 'mobile-attack' };

export interface LayerReading {
  /** Technique ID → the tactics under which it counts (empty: every tactic of the technique). */
  techniques: Map<string, Set<string>>;
  notes: string[];
  name: string;
}

/**
 * The techniques a Navigator layer selects (see the module comment). Throws PlanError for a file
 * that is not a layer or is for another domain; everything else it cannot use is a note.
 */
export function readNavigatorLayer(c: TargetCatalog, layer: unknown, source: string): LayerReading {
  const v = c.attackVersion;
  if (!isObj(layer) || !Array.isArray(layer.techniques)) throw new PlanError(`--layer ${source}: not an ATT&CK Navigator layer (expected an object with a "techniques" list)`);
  const domainRaw = typeof layer.domain === 'string' ? layer.domain : DOMAIN;
  const domain = DOMAIN_COMPAT[domainRaw] ?? domainRaw;
  if (domain !== DOMAIN) throw new PlanError(`--layer ${source}: the layer is for domain "${domainRaw}"; this map covers ${DOMAIN} only`);
  const notes: string[] = [];
  const versions = isObj(layer.versions) ? layer.versions : {};
  const layerFormat = typeof versions.layer === 'string' ? versions.layer : typeof layer.version === 'string' ? layer.version : typeof layer.version === 'number' ? String(layer.version) : '';
  if (layerFormat !== '' && !/^[34](\.\d+)*$/.test(layerFormat)) notes.push(`${source}: layer format ${layerFormat} (read as format 4.x)`);
  const attack = typeof versions.attack === 'string' ? (/\d+/.exec(versions.attack)?.[0] ?? '') : '';
  if (attack !== '' && attack !== v.split('.')[0]) notes.push(`${source}: the layer is for ATT&CK ${attack}; read against ATT&CK ${v}`);
  let platforms: Set<string> | undefined;
  if (isObj(layer.filters) && Array.isArray(layer.filters.platforms) && layer.filters.platforms.every((p) => typeof p === 'string')) {
    platforms = new Set((layer.filters.platforms as string[]).map((p) => PLATFORM_COMPAT[p] ?? p));
  }
  const left = { disabled: 0, platform: 0, zero: 0, unannotated: 0, unknown: new Set<string>(), malformed: 0 };
  const replaced = new Map<string, string>();
  const out = new Map<string, Set<string>>();
  for (const e of layer.techniques as unknown[]) {
    if (!isObj(e) || typeof e.techniqueID !== 'string') {
      left.malformed++;
      continue;
    }
    let id = e.techniqueID.trim().toUpperCase();
    if (!TECHNIQUE_ID.test(id)) {
      left.malformed++;
      continue;
    }
    const o = c.other.get(id);
    if (o?.revokedBy) {
      replaced.set(id, o.revokedBy);
      id = o.revokedBy;
    }
    const t = c.techniques.get(id);
    const other = c.other.get(id);
    if (!t && !other) {
      left.unknown.add(id);
      continue;
    }
    if (e.enabled === false) {
      left.disabled++;
      continue;
    }
    const techPlatforms = t?.platforms ?? other?.platforms ?? [];
    if (platforms && !techPlatforms.some((p) => platforms?.has(p))) {
      left.platform++;
      continue;
    }
    const score = typeof e.score === 'number' ? e.score : undefined;
    const annotated = (typeof e.color === 'string' && e.color !== '') || (typeof e.comment === 'string' && e.comment.trim() !== '');
    if (score !== undefined && !(score > 0)) {
      left.zero++;
      continue;
    }
    if (score === undefined && !annotated) {
      left.unannotated++;
      continue;
    }
    const tactics = out.get(id) ?? new Set<string>();
    // An entry without a tactic applies under every tactic of the technique (as the Navigator does).
    if (typeof e.tactic === 'string' && e.tactic !== '') tactics.add(e.tactic);
    else tactics.add('*');
    out.set(id, tactics);
  }
  const parts: string[] = [];
  if (left.disabled > 0) parts.push(`${left.disabled} disabled`);
  if (left.platform > 0) parts.push(`${left.platform} filtered out by its platforms (${[...(platforms ?? [])].join(', ')})`);
  if (left.zero > 0) parts.push(`${left.zero} scored 0 or less`);
  if (left.unannotated > 0) parts.push(`${left.unannotated} with no score, colour or comment`);
  if (left.malformed > 0) parts.push(`${left.malformed} without a valid techniqueID`);
  if (left.unknown.size > 0) parts.push(`${left.unknown.size} not in ATT&CK ${v} (${[...left.unknown].sort(cmp).slice(0, 5).join(', ')}${left.unknown.size > 5 ? ' …' : ''})`);
  if (parts.length > 0) notes.push(`${source}: entries left out: ${parts.join('; ')}`);
  if (replaced.size > 0) notes.push(`${source}: revoked techniques read as their replacement: ${[...replaced].map(([a, b]) => `${a} → ${b}`).join(', ')}`);
  const name = typeof layer.name === 'string' && layer.name.trim() !== '' ? layer.name.trim() : source;
  const result = new Map<string, Set<string>>();
  for (const [id, tactics] of out) result.set(id, tactics.has('*') ? new Set() : tactics);
  return { techniques: result, notes, name };
}

// ---- the whole target ----

/** Resolves every part of `spec`; throws PlanError listing every name it could not resolve. */
export function resolveTarget(c: TargetCatalog, spec: TargetSpec): Target {
  const sources: TargetSource[] = [];
  const notes: string[] = [];
  const problems: string[] = [];
  const from = new Map<string, Set<string>>();
  /** Technique → tactics it counts under ('' = all its tactics). */
  const tacticScope = new Map<string, Set<string>>();
  const add = (id: string, src: string, tactics?: ReadonlySet<string>): void => {
    (from.get(id) ?? from.set(id, new Set()).get(id))?.add(src);
    const scope = tacticScope.get(id) ?? new Set<string>();
    if (!tactics || tactics.size === 0) scope.add('');
    else for (const t of tactics) scope.add(t);
    tacticScope.set(id, scope);
  };
  const attempt = (f: () => void): void => {
    try {
      f();
    } catch (e) {
      if (e instanceof PlanError) problems.push(e.message);
      else throw e;
    }
  };
  const software = new Map(c.software.map((s) => [s.id, s]));
  for (const kind of ['group', 'campaign', 'software'] as const) {
    const typed = kind === 'group' ? spec.groups : kind === 'campaign' ? spec.campaigns : spec.software;
    for (const name of typed ?? []) {
      attempt(() => {
        const a = resolveActor(c, kind, name);
        if (sources.some((s) => s.id === a.id)) return;
        const ids = new Set(a.techniques);
        if (spec.withSoftware && kind !== 'software') for (const s of a.software) for (const t of software.get(s)?.techniques ?? []) ids.add(t);
        for (const t of ids) add(t, a.id);
        sources.push({ kind, id: a.id, name: a.name, aliases: [...a.aliases], url: a.url, techniques: ids.size });
        if (a.deprecated) notes.push(`${actorLabel(a)} is deprecated in ATT&CK ${c.attackVersion} (no longer maintained); its techniques are used as they stand`);
        if (compact(name) !== compact(a.name) && compact(name) !== compact(a.id)) notes.push(`"${name}" is ${actorLabel(a)} in ATT&CK ${c.attackVersion}`);
        if (ids.size === 0) notes.push(`${actorLabel(a)} uses no technique in ATT&CK ${c.attackVersion}`);
      });
    }
  }
  const ids = parseTechniqueList(spec.techniques ?? []);
  if (ids.length > 0) {
    for (const id of ids) attempt(() => resolveTechniqueId(c, id, (t, src) => add(t, src)));
    sources.push({ kind: 'techniques', id: '--techniques', name: 'listed techniques', aliases: [], url: '', techniques: new Set(ids).size });
  }
  for (const { source, layer } of spec.layers ?? []) {
    attempt(() => {
      const r = readNavigatorLayer(c, layer, source);
      for (const [id, tactics] of r.techniques) add(id, source, tactics);
      notes.push(...r.notes);
      sources.push({ kind: 'layer', id: source, name: r.name, aliases: [], url: '', techniques: r.techniques.size });
      if (r.techniques.size === 0) problems.push(`--layer ${source}: no technique is selected (enabled, in its platform filter, with a score above 0 or a colour or comment)`);
    });
  }
  const tacticFilter: string[] = [];
  for (const t of spec.tactics ?? []) attempt(() => void tacticFilter.push(resolveTactic(c, t)));
  if (problems.length === 1) throw new PlanError(problems[0] ?? '');
  if (problems.length > 1) throw new PlanError(`${problems.length} problems in the target:\n  ${problems.join('\n  ')}`);

  if (sources.length === 0) {
    if (tacticFilter.length === 0) throw new PlanError('no target: give --group, --campaign, --software, --techniques, --layer or --tactic');
    // Tactics alone: every Windows technique of those tactics.
    for (const t of c.techniques.values()) if (t.tactics.some((x) => tacticFilter.includes(x))) add(t.id, `tactic`);
    for (const s of tacticFilter) {
      const tac = c.tactics.find((x) => x.shortname === s);
      sources.push({ kind: 'tactic', id: s, name: tac?.name ?? s, aliases: [], url: '', techniques: [...c.techniques.values()].filter((t) => t.tactics.includes(s)).length });
    }
  }
  const techniques: TargetTechnique[] = [];
  for (const [id, srcs] of [...from].sort((a, b) => cmp(a[0], b[0]))) {
    const t = c.techniques.get(id);
    if (tacticFilter.length > 0) {
      // Non-Windows techniques have no tactics here: a tactic filter leaves them out.
      if (!t) continue;
      const scope = tacticScope.get(id) ?? new Set(['']);
      const under = scope.has('') ? t.tactics : t.tactics.filter((x) => scope.has(x));
      if (!under.some((x) => tacticFilter.includes(x))) continue;
    }
    if (t) {
      techniques.push({ id, name: t.name, windows: true, reason: '', from: [...srcs].sort(cmp) });
      continue;
    }
    const o = c.other.get(id);
    const reason = !o ? 'not in this version' : o.deprecated ? 'deprecated in this version' : `not on Windows (${o.platforms.join(', ') || 'no platform'})`;
    techniques.push({ id, name: o?.name ?? id, windows: false, reason, from: [...srcs].sort(cmp) });
  }
  if (techniques.length === 0) {
    const named = sources.filter((s) => s.kind !== 'tactic').map((s) => `${s.id} ${s.name}: ${s.techniques}`);
    throw new PlanError(`the target has no technique${tacticFilter.length > 0 ? ` in ${tacticFilter.join(', ')}` : ''} in ATT&CK ${c.attackVersion}${named.length > 0 ? ` (techniques used: ${named.join('; ')})` : ''}`);
  }
  const label = sources.map((s) => (s.kind === 'group' || s.kind === 'campaign' || s.kind === 'software' ? `${s.name} (${s.id})` : s.kind === 'layer' ? `layer ${s.name}` : s.kind === 'tactic' ? s.name : `${s.techniques} listed technique${s.techniques === 1 ? '' : 's'}`)).join(', ');
  return { attackVersion: c.attackVersion, label: tacticFilter.length > 0 && sources.some((s) => s.kind !== 'tactic') ? `${label} in ${tacticFilter.join(', ')}` : label, sources, techniques, tacticFilter, notes };
}
