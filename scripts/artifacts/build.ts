/**
 * Turns one version's mapping into its artifacts (file name → exact bytes as text). Pure: the
 * same mapping and sources always give the same text.
 */
import { createHash } from 'node:crypto';
import { byStrength, linkKey, type GradedLink } from '../mapping/grade.ts';
import type { Evidence, EventInfo, Grade, MappingRow, VersionMapping } from '../mapping/types.ts';
import { toCsv, toLinksCsv, type LinkColumn } from './csv.ts';
import { stringifyJson } from '../lib/json.ts';
import { cmp } from '../lib/cmp.ts';
import { type EventEnable, eventEnable } from '../windows/enable.ts';
import { DOMAIN } from '../lib/domain.ts';

export interface SourceRecord {
  /** What the file is for: attack-bundle, attack-index, ossem-legacy, ossem-dm, ossem-dd. */
  role: string;
  url: string;
  sha256: string;
  size: number;
}

const uniqSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(cmp);

function eventOrder(events: EventInfo[]): Map<string, number> {
  return new Map(events.map((e, i) => [e.key, i]));
}

export interface TechniqueArtifact {
  id: string;
  name: string;
  url: string;
  tactics: string[];
  platforms: string[];
  isSubtechnique: boolean;
  parent: string;
  subtechniques: string[];
  dataComponents: Array<{ dataSource: string; dataComponent: string; dataComponentId: string; events: string[] }>;
  /** Strongest first: grade, then distinct rules, then event order. */
  events: Array<{ key: string; log: string; eventId: string; name: string; grade: Grade; rules: number; evidence: Array<{ kind: Evidence; ref: string; detail: string }> }>;
  /**
   * ATT&CK 18+: the analytics behind the technique's `attack-analytic` evidence, one per evidence
   * ref, sorted by ref: what each looks for and what ATT&CK says to tune. Empty before ATT&CK 18.
   */
  analytics: TechniqueAnalytic[];
}

/** An ATT&CK analytic as a technique page shows it. */
export interface TechniqueAnalytic {
  /** The evidence ref: `DET0363/AN1030`. */
  ref: string;
  /** attack.mitre.org page of the analytic; '' when upstream gave none. */
  url: string;
  /** The analytic's description. */
  description: string;
  /** `x_mitre_mutable_elements`: the fields ATT&CK says to tune, with why. */
  mutableElements: Array<{ field: string; description: string }>;
}

/** A technique an event helps detect, with how strongly. */
export interface EventTechnique {
  id: string;
  grade: Grade;
  rules: number;
}

export interface EventArtifact extends EventInfo {
  /** How to turn the event on: its row of the one enablement table (scripts/windows/). */
  enable: EventEnable;
  /** Strongest first: grade, then distinct rules, then technique ID. */
  techniques: EventTechnique[];
  tactics: string[];
  dataComponents: string[];
}

export interface TacticArtifact {
  id: string;
  shortname: string;
  name: string;
  url: string;
  techniques: string[];
  /** The union of the tactic's techniques' events, most techniques first. */
  events: Array<{ key: string; techniques: number }>;
}

export interface DataComponentArtifact {
  id: string;
  name: string;
  dataSource: string;
  techniques: string[];
  events: string[];
}

function techniquesArtifact(m: VersionMapping, order: Map<string, number>, links: Map<string, GradedLink>): TechniqueArtifact[] {
  const byId = new Map<string, TechniqueArtifact>();
  for (const t of m.techniques) {
    byId.set(t.id, { id: t.id, name: t.name, url: t.url, tactics: t.tactics, platforms: t.platforms, isSubtechnique: t.isSubtechnique, parent: t.parent, subtechniques: [], dataComponents: [], events: [], analytics: [] });
  }
  for (const t of m.techniques) {
    if (t.parent) byId.get(t.parent)?.subtechniques.push(t.id);
  }
  const comps = new Map<string, Map<string, { dataSource: string; dataComponent: string; dataComponentId: string; events: Set<string> }>>();
  const evs = new Map<string, Map<string, { key: string; log: string; eventId: string; name: string; evidence: Map<string, { kind: Evidence; ref: string; detail: string }> }>>();
  for (const r of m.rows) {
    if (!r.dataSource && !r.dataComponent && !r.eventId) continue;
    const key = r.eventId ? `${r.eventLog}:${r.eventId}` : '';
    const ck = `${r.dataSource}\u0000${r.dataComponent}`;
    const tc = comps.get(r.techniqueId) ?? new Map();
    comps.set(r.techniqueId, tc);
    const c = tc.get(ck) ?? { dataSource: r.dataSource, dataComponent: r.dataComponent, dataComponentId: r.dataComponentId, events: new Set<string>() };
    tc.set(ck, c);
    if (!key || !r.evidence) continue;
    c.events.add(key);
    const te = evs.get(r.techniqueId) ?? new Map();
    evs.set(r.techniqueId, te);
    const e = te.get(key) ?? { key, log: r.eventLog, eventId: r.eventId, name: r.eventName, evidence: new Map() };
    te.set(key, e);
    e.evidence.set(`${r.evidence}\u0000${r.evidenceRef}\u0000${r.detail}`, { kind: r.evidence, ref: r.evidenceRef, detail: r.detail });
  }
  const byEvent = (a: string, b: string): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  for (const t of byId.values()) {
    t.subtechniques.sort(cmp);
    t.dataComponents = [...(comps.get(t.id)?.values() ?? [])]
      .map((c) => ({ dataSource: c.dataSource, dataComponent: c.dataComponent, dataComponentId: c.dataComponentId, events: [...c.events].sort(byEvent) }))
      .sort((a, b) => cmp(a.dataSource, b.dataSource) || cmp(a.dataComponent, b.dataComponent));
    t.events = [...(evs.get(t.id)?.values() ?? [])]
      .map((e) => {
        const link = links.get(linkKey(t.id, e.key));
        return {
          key: e.key,
          log: e.log,
          eventId: e.eventId,
          name: e.name,
          grade: link?.grade ?? 'related',
          rules: link?.rules.length ?? 0,
          evidence: [...e.evidence.values()].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.ref, b.ref) || cmp(a.detail, b.detail)),
        };
      })
      .sort(byStrength((a, b) => byEvent(a.key, b.key)));
    const refs = uniqSorted(t.events.flatMap((e) => e.evidence.filter((x) => x.kind === 'attack-analytic').map((x) => x.ref)));
    t.analytics = refs.map((ref) => {
      const a = m.analytics?.get(ref.slice(ref.indexOf('/') + 1));
      return { ref, url: a?.url ?? '', description: a?.description ?? '', mutableElements: (a?.mutableElements ?? []).map((x) => ({ field: x.field, description: x.description })) };
    });
  }
  return [...byId.values()];
}

function eventsArtifact(m: VersionMapping, links: Map<string, GradedLink>): EventArtifact[] {
  const techs = new Map<string, Set<string>>();
  const comps = new Map<string, Set<string>>();
  const tacticsOf = new Map(m.techniques.map((t) => [t.id, t.tactics]));
  for (const r of m.rows) {
    if (!r.eventId || !r.evidence) continue;
    const key = `${r.eventLog}:${r.eventId}`;
    (techs.get(key) ?? techs.set(key, new Set()).get(key))?.add(r.techniqueId);
    const comp = r.dataComponent || r.dataSource;
    if (comp) (comps.get(key) ?? comps.set(key, new Set()).get(key))?.add(comp);
  }
  const tacticRank = new Map(m.tactics.map((t, i) => [t.shortname, i]));
  return m.events.map((e) => {
    const ts = uniqSorted(techs.get(e.key) ?? []);
    const tactics = [...new Set(ts.flatMap((t) => tacticsOf.get(t) ?? []))].sort((a, b) => (tacticRank.get(a) ?? 0) - (tacticRank.get(b) ?? 0));
    const ranked = ts
      .map((id): EventTechnique => {
        const link = links.get(linkKey(id, e.key));
        return { id, grade: link?.grade ?? 'related', rules: link?.rules.length ?? 0 };
      })
      .sort(byStrength((a, b) => cmp(a.id, b.id)));
    return { ...e, enable: eventEnable(e), techniques: ranked, tactics, dataComponents: uniqSorted(comps.get(e.key) ?? []) };
  });
}

function tacticsArtifact(m: VersionMapping, events: EventArtifact[]): TacticArtifact[] {
  const order = eventOrder(m.events);
  return m.tactics.map((t) => {
    const techniques = m.techniques.filter((x) => x.tactics.includes(t.shortname)).map((x) => x.id);
    const inTactic = new Set(techniques);
    const counted = events
      .map((e) => ({ key: e.key, techniques: e.techniques.filter((x) => inTactic.has(x.id)).length }))
      .filter((e) => e.techniques > 0)
      .sort((a, b) => b.techniques - a.techniques || (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
    return { id: t.id, shortname: t.shortname, name: t.name, url: t.url, techniques, events: counted };
  });
}

function dataComponentsArtifact(m: VersionMapping, order: Map<string, number>): DataComponentArtifact[] {
  const byKey = new Map<string, { id: string; name: string; dataSource: string; techniques: Set<string>; events: Set<string> }>();
  for (const r of m.rows) {
    if (!r.dataSource && !r.dataComponent) continue;
    const k = `${r.dataSource}\u0000${r.dataComponent}`;
    const c = byKey.get(k) ?? { id: r.dataComponentId, name: r.dataComponent || r.dataSource, dataSource: r.dataComponent ? r.dataSource : '', techniques: new Set<string>(), events: new Set<string>() };
    byKey.set(k, c);
    if (!c.id && r.dataComponentId) c.id = r.dataComponentId;
    c.techniques.add(r.techniqueId);
    if (r.eventId && r.evidence) c.events.add(`${r.eventLog}:${r.eventId}`);
  }
  return [...byKey.values()]
    .map((c) => ({
      id: c.id,
      name: c.name,
      dataSource: c.dataSource,
      techniques: uniqSorted(c.techniques),
      events: [...c.events].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    }))
    .sort((a, b) => cmp(a.dataSource, b.dataSource) || cmp(a.name, b.name) || cmp(a.id, b.id));
}

export interface VersionCounts {
  techniques: number;
  techniquesWithEvents: number;
  tactics: number;
  dataComponents: number;
  events: number;
  rows: number;
  /** Technique × event links, and how many of them are confirmed by a rule or named by ATT&CK. */
  links: number;
  confirmedLinks: number;
  namedLinks: number;
  /** Detection rules placed on this version's techniques. */
  rules: number;
  problems: number;
}

export interface VersionArtifacts {
  files: Map<string, string>;
  /** The same files encoded as UTF-8, once: hashed for the manifest and written as they are. */
  bytes: Map<string, Buffer>;
  /** The JSON artifacts as objects, for schema validation without parsing the text again. */
  json: Map<string, unknown>;
  counts: VersionCounts;
}

export const ARTIFACT_FILES = ['mapping.csv', 'links.csv', 'techniques.json', 'rules.json', 'events.json', 'tactics.json', 'data-components.json', 'report.json', 'manifest.json'] as const;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Files derived from the artifacts (Navigator layers), added before the manifest so it lists them. */
export type DerivedFiles = (artifacts: { files: ReadonlyMap<string, string>; json: ReadonlyMap<string, unknown> }) => Map<string, string>;

/** One row per technique × event, strongest first within a technique. */
function linkRecords(techniques: TechniqueArtifact[], links: Map<string, GradedLink>): Array<Record<LinkColumn, string>> {
  const out: Array<Record<LinkColumn, string>> = [];
  for (const t of techniques) {
    for (const e of t.events) {
      const link = links.get(linkKey(t.id, e.key));
      out.push({
        technique_id: t.id,
        technique: t.name,
        tactics: t.tactics.join(';'),
        event_log: e.log,
        event_id: e.eventId,
        event_name: e.name,
        grade: e.grade,
        rule_count: String(e.rules),
        evidence: (link?.kinds ?? []).join(';'),
        // Up to three, so the cell stays readable; rules.json has them all.
        rules: (link?.rules ?? []).slice(0, 3).join(';'),
      });
    }
  }
  return out;
}

export function buildVersionArtifacts(m: VersionMapping, sources: SourceRecord[], derived?: DerivedFiles): VersionArtifacts {
  const order = eventOrder(m.events);
  const links = m.links;
  const events = eventsArtifact(m, links);
  const techniques = techniquesArtifact(m, order, links);
  const tactics = tacticsArtifact(m, events);
  const dataComponents = dataComponentsArtifact(m, order);
  const counts: VersionCounts = {
    techniques: techniques.length,
    techniquesWithEvents: techniques.filter((t) => t.events.length > 0).length,
    tactics: tactics.length,
    dataComponents: dataComponents.length,
    events: events.length,
    rows: m.rows.length,
    links: links.size,
    confirmedLinks: [...links.values()].filter((l) => l.grade === 'confirmed').length,
    namedLinks: [...links.values()].filter((l) => l.grade === 'named').length,
    rules: m.rules.length,
    problems: m.problems.length,
  };
  const v = m.attackVersion;
  const files = new Map<string, string>();
  const json = new Map<string, unknown>();
  const setJson = (name: string, value: unknown): void => {
    json.set(name, value);
    files.set(name, stringifyJson(value));
  };
  files.set('mapping.csv', toCsv(m.rows as MappingRow[]));
  files.set('links.csv', toLinksCsv(linkRecords(techniques, links)));
  setJson('techniques.json', { attackVersion: v, techniques });
  setJson('rules.json', { attackVersion: v, rules: m.rules });
  setJson('events.json', { attackVersion: v, events });
  setJson('tactics.json', { attackVersion: v, tactics });
  setJson('data-components.json', { attackVersion: v, dataComponents });
  const byKind: Record<string, number> = {};
  for (const p of m.problems) byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  setJson(
    'report.json',
    {
      attackVersion: v,
      era: m.era,
      skipped: m.skipped,
      problemCounts: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => cmp(a, b))),
      problems: m.problems,
      logSpellings: m.logSpellings,
    },
  );
  if (derived) {
    const extra = [...derived({ files, json })].sort(([a], [b]) => cmp(a, b));
    for (const [name, text] of extra) files.set(name, text);
  }
  const sortedSources = [...sources].sort((a, b) => cmp(a.role, b.role) || cmp(a.url, b.url));
  // Encoding each file once serves the hash, the size and the write (the JSON holds non-ASCII text,
  // so every encoding is a full transcode of megabytes).
  const bytes = new Map<string, Buffer>();
  for (const [name, text] of files) bytes.set(name, Buffer.from(text, 'utf8'));
  const fileList = [...bytes].map(([name, b]) => ({ name, sha256: createHash('sha256').update(b).digest('hex'), size: b.length }));
  setJson('manifest.json', { attackVersion: v, era: m.era, counts, sources: sortedSources, files: fileList });
  bytes.set('manifest.json', Buffer.from(files.get('manifest.json') ?? '', 'utf8'));
  return { files, bytes, json, counts };
}

export interface IndexEntry {
  version: string;
  era: VersionMapping['era'];
  path: string;
  counts: VersionCounts;
}

/** Versions sort numerically (9.0 before 10.1); the newest is `latest`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function buildIndex(entries: IndexEntry[]): string {
  const versions = [...entries].sort((a, b) => compareVersions(a.version, b.version));
  return stringifyJson({ domain: DOMAIN, latest: versions.at(-1)?.version ?? '', versions });
}
