/** The change report: a pure function of two loaded artifact folders (see load.ts for the I/O). */
import { compareVersions } from '../artifacts/build.ts';
import { GRADES } from '../mapping/grade.ts';
import type { Grade } from '../mapping/types.ts';
import {
  COUNT_NAMES,
  type ChangeReport,
  type CountChange,
  type CountName,
  type DataComponentRef,
  type DataSet,
  type EventRef,
  type FileChange,
  type GradeChange,
  type RuleArtifact,
  type RuleRef,
  type SourceChange,
  type TechniqueRef,
  type VersionData,
  type VersionDiff,
  type VersionSummary,
} from './types.ts';
import { cmp } from '../lib/cmp.ts';
import { ExpectedError } from '../lib/expected-error.ts';

export class DiffError extends ExpectedError {}


/** `Security:4624` before `Security:4625` before `Security:10000`, then by log name. */
export function compareEventKeys(a: string, b: string): number {
  const ia = a.lastIndexOf(':');
  const ib = b.lastIndexOf(':');
  const la = a.slice(0, ia);
  const lb = b.slice(0, ib);
  return cmp(la, lb) || Number(a.slice(ia + 1)) - Number(b.slice(ib + 1)) || cmp(a, b);
}

/** T1003 < T1003.001 < T1005; plain code-unit order does exactly that for ATT&CK IDs. */
const compareIds = cmp;

function fileChanges(oldFiles: Record<string, string>, newFiles: Record<string, string>): FileChange[] {
  const names = [...new Set([...Object.keys(oldFiles), ...Object.keys(newFiles)])].sort(cmp);
  const out: FileChange[] = [];
  for (const name of names) {
    const o = oldFiles[name];
    const n = newFiles[name];
    if (o === undefined) out.push({ name, change: 'added' });
    else if (n === undefined) out.push({ name, change: 'removed' });
    else if (o !== n) out.push({ name, change: 'modified' });
  }
  return out;
}

function sourceChanges(oldData: VersionData, newData: VersionData): SourceChange[] {
  const key = (s: { role: string; url: string }): string => `${s.role}\u0000${s.url}`;
  const olds = new Map(oldData.sources.map((s) => [key(s), s]));
  const news = new Map(newData.sources.map((s) => [key(s), s]));
  const out: SourceChange[] = [];
  for (const k of [...new Set([...olds.keys(), ...news.keys()])].sort(cmp)) {
    const o = olds.get(k);
    const n = news.get(k);
    if (o && n && o.sha256 === n.sha256 && o.size === n.size) continue;
    const any = (n ?? o) as { role: string; url: string };
    out.push({ role: any.role, url: any.url, old: o ? { sha256: o.sha256, size: o.size } : null, new: n ? { sha256: n.sha256, size: n.size } : null });
  }
  return out;
}

const ruleKey = (r: { source: string; id: string }): string => `${r.source}\u0000${r.id}`;
const byRule = (a: RuleRef, b: RuleRef): number => cmp(a.source, b.source) || cmp(a.id, b.id);

function ruleRef(r: RuleArtifact): RuleRef {
  return {
    source: r.source,
    id: r.id,
    name: r.name,
    url: r.url,
    techniques: [...new Set(r.techniques.map((t) => t.placed))].sort(compareIds),
    events: [...r.events],
  };
}

/** Rules added and removed, by source and ID (a rule listed twice counts once). */
function ruleChanges(oldRules: RuleArtifact[], newRules: RuleArtifact[]): VersionDiff['rules'] {
  const olds = new Map(oldRules.map((r) => [ruleKey(r), r]));
  const news = new Map(newRules.map((r) => [ruleKey(r), r]));
  const added = setDiff(news, olds).map(ruleRef).sort(byRule);
  const removed = setDiff(olds, news).map(ruleRef).sort(byRule);
  const sources = [...new Set([...olds.values(), ...news.values()].map((r) => r.source))].sort(cmp);
  const count = (m: Map<string, RuleArtifact>, source: string): number => [...m.values()].filter((r) => r.source === source).length;
  const bySource = sources.map((source) => ({
    source,
    old: count(olds, source),
    new: count(news, source),
    added: added.filter((r) => r.source === source).length,
    removed: removed.filter((r) => r.source === source).length,
  }));
  return { old: olds.size, new: news.size, bySource, added, removed };
}

/** Rank of a grade, best first; an unknown grade (a newer artifact format) sorts last. */
function gradeOrder(g: string): number {
  const i = (GRADES as readonly string[]).indexOf(g);
  return i < 0 ? GRADES.length : i;
}

/** Links (technique × event) on both sides whose grade changed; links without a grade (older folders) are skipped. */
function gradeChanges(oldData: VersionData, newData: VersionData, eventName: (key: string) => string): VersionDiff['grades'] {
  type Link = { grade: Grade; rules: number; name: string };
  const linksOf = (v: VersionData): Map<string, Link> => {
    const out = new Map<string, Link>();
    for (const t of v.techniques) {
      for (const e of t.events) {
        if (typeof e.grade !== 'string' || !e.grade) continue;
        out.set(`${t.id}\u0000${e.key}`, { grade: e.grade, rules: typeof e.rules === 'number' ? e.rules : 0, name: e.name });
      }
    }
    return out;
  };
  const olds = linksOf(oldData);
  const news = linksOf(newData);
  // The new side's name wins (it comes later).
  const techName = new Map([...oldData.techniques, ...newData.techniques].map((t) => [t.id, t.name]));
  const changed: GradeChange[] = [];
  for (const [k, n] of news) {
    const o = olds.get(k);
    if (!o || o.grade === n.grade) continue;
    const [id = '', key = ''] = k.split('\u0000');
    changed.push({ technique: { id, name: techName.get(id) ?? '' }, event: { key, name: eventName(key) || n.name || o.name }, old: o.grade, new: n.grade, oldRules: o.rules, newRules: n.rules });
  }
  changed.sort((a, b) => compareIds(a.technique.id, b.technique.id) || compareEventKeys(a.event.key, b.event.key));
  const counts = new Map<string, { old: Grade; new: Grade; count: number }>();
  for (const c of changed) {
    const k = `${c.old}\u0000${c.new}`;
    const cur = counts.get(k) ?? { old: c.old, new: c.new, count: 0 };
    cur.count += 1;
    counts.set(k, cur);
  }
  const strengthened = (d: { old: Grade; new: Grade }): number => (gradeOrder(d.new) < gradeOrder(d.old) ? 0 : 1);
  const directions = [...counts.values()].sort((a, b) => strengthened(a) - strengthened(b) || gradeOrder(a.old) - gradeOrder(b.old) || gradeOrder(a.new) - gradeOrder(b.new) || cmp(a.old, b.old) || cmp(a.new, b.new));
  return { directions, changed };
}

function setDiff<T>(from: Map<string, T>, to: Map<string, T>): T[] {
  return [...from].filter(([k]) => !to.has(k)).map(([, v]) => v);
}

/** Everything that differs between two versions' artifacts. Pure; lists are sorted. */
export function diffVersions(oldData: VersionData, newData: VersionData): VersionDiff {
  const counts = {} as Record<CountName, CountChange>;
  for (const name of COUNT_NAMES) {
    const o = oldData.counts[name];
    const n = newData.counts[name];
    counts[name] = { old: o, new: n, delta: n - o };
  }

  // Techniques: by ID.
  const oldTech = new Map(oldData.techniques.map((t) => [t.id, t]));
  const newTech = new Map(newData.techniques.map((t) => [t.id, t]));
  const techRef = (t: { id: string; name: string }): TechniqueRef => ({ id: t.id, name: t.name });
  const techName = (id: string): string => newTech.get(id)?.name ?? oldTech.get(id)?.name ?? '';
  const withEvents = (t: (typeof newData.techniques)[number]): TechniqueRef & { events: number } => ({ ...techRef(t), events: t.events.length });
  const techniques: VersionDiff['techniques'] = {
    added: setDiff(newTech, oldTech).map(withEvents).sort((a, b) => compareIds(a.id, b.id)),
    removed: setDiff(oldTech, newTech).map(withEvents).sort((a, b) => compareIds(a.id, b.id)),
    renamed: [...newTech.values()]
      .filter((t) => oldTech.has(t.id) && oldTech.get(t.id)?.name !== t.name)
      .map((t) => ({ id: t.id, oldName: oldTech.get(t.id)?.name ?? '', newName: t.name }))
      .sort((a, b) => compareIds(a.id, b.id)),
  };

  // Events: by key (`Security:4688`). Names come from events.json, falling back to the techniques'.
  const oldEv = new Map(oldData.events.map((e) => [e.key, e]));
  const newEv = new Map(newData.events.map((e) => [e.key, e]));
  const eventName = (key: string): string => newEv.get(key)?.name || oldEv.get(key)?.name || '';
  const evRef = (key: string): EventRef => ({ key, name: eventName(key) });
  const evWithTechniques = (e: (typeof newData.events)[number]): EventRef & { techniques: number } => ({ key: e.key, name: e.name, techniques: e.techniques.length });
  const events: VersionDiff['events'] = {
    added: setDiff(newEv, oldEv).map(evWithTechniques).sort((a, b) => compareEventKeys(a.key, b.key)),
    removed: setDiff(oldEv, newEv).map(evWithTechniques).sort((a, b) => compareEventKeys(a.key, b.key)),
    renamed: [...newEv.values()]
      .filter((e) => oldEv.has(e.key) && oldEv.get(e.key)?.name !== e.name)
      .map((e) => ({ key: e.key, oldName: oldEv.get(e.key)?.name ?? '', newName: e.name }))
      .sort((a, b) => compareEventKeys(a.key, b.key)),
  };

  // Events gained and lost by each technique present on both sides.
  const techniqueEvents: VersionDiff['techniqueEvents'] = [];
  for (const t of [...newTech.values()].sort((a, b) => compareIds(a.id, b.id))) {
    const before = oldTech.get(t.id);
    if (!before) continue;
    const was = new Set(before.events.map((e) => e.key));
    const is = new Set(t.events.map((e) => e.key));
    const nameOf = new Map([...before.events, ...t.events].map((e) => [e.key, e.name]));
    const ref = (key: string): EventRef => ({ key, name: eventName(key) || nameOf.get(key) || '' });
    const gained = [...is].filter((k) => !was.has(k)).sort(compareEventKeys).map(ref);
    const lost = [...was].filter((k) => !is.has(k)).sort(compareEventKeys).map(ref);
    if (gained.length > 0 || lost.length > 0) techniqueEvents.push({ id: t.id, name: t.name, gained, lost });
  }

  // Techniques gained and lost by each event present on both sides.
  const eventTechniques: VersionDiff['eventTechniques'] = [];
  for (const e of [...newEv.values()].sort((a, b) => compareEventKeys(a.key, b.key))) {
    const before = oldEv.get(e.key);
    if (!before) continue;
    const was = new Set(before.techniques.map((x) => x.id));
    const is = new Set(e.techniques.map((x) => x.id));
    const gained = [...is].filter((id) => !was.has(id)).sort(compareIds).map((id) => ({ id, name: techName(id) }));
    const lost = [...was].filter((id) => !is.has(id)).sort(compareIds).map((id) => ({ id, name: techName(id) }));
    if (gained.length > 0 || lost.length > 0) eventTechniques.push({ ...evRef(e.key), gained, lost });
  }

  // Data components: by name (unique per version; IDs only exist from ATT&CK 18 in this mapping).
  const dcRef = (c: DataComponentRef): DataComponentRef => ({ name: c.name, id: c.id, dataSource: c.dataSource });
  const oldDc = new Map(oldData.dataComponents.map((c) => [c.name, dcRef(c)]));
  const newDc = new Map(newData.dataComponents.map((c) => [c.name, dcRef(c)]));
  const byName = (a: DataComponentRef, b: DataComponentRef): number => cmp(a.name, b.name);
  const dataComponents: VersionDiff['dataComponents'] = {
    added: setDiff(newDc, oldDc).sort(byName),
    removed: setDiff(oldDc, newDc).sort(byName),
    changed: [...newDc.values()]
      .filter((c) => {
        const o = oldDc.get(c.name);
        return o !== undefined && (o.id !== c.id || o.dataSource !== c.dataSource);
      })
      .sort(byName)
      .map((c) => ({ name: c.name, old: oldDc.get(c.name) as DataComponentRef, new: c })),
  };

  const files = fileChanges(oldData.files, newData.files);
  return {
    oldVersion: oldData.version,
    newVersion: newData.version,
    identical: files.length === 0,
    counts,
    techniques,
    techniqueEvents,
    events,
    eventTechniques,
    dataComponents,
    rules: ruleChanges(oldData.rules ?? [], newData.rules ?? []),
    grades: gradeChanges(oldData, newData, eventName),
    sources: sourceChanges(oldData, newData),
    files,
  };
}

const summary = (v: VersionData): VersionSummary => ({ version: v.version, era: v.era, counts: { ...v.counts }, rules: v.rules?.length ?? 0 });

/**
 * Compares two loaded artifact folders: two version folders (any two versions, e.g. 17.1 → 18.1),
 * or two data roots (each version present in both, plus versions added and removed; an added
 * version is also compared with the newest older version).
 */
export function diffArtifacts(oldData: DataSet, newData: DataSet): ChangeReport {
  if (oldData.kind !== newData.kind) {
    throw new DiffError(`cannot compare a ${oldData.kind === 'version' ? 'version folder' : 'data root'} (${oldData.label}) with a ${newData.kind === 'version' ? 'version folder' : 'data root'} (${newData.label}); pass two of the same kind`);
  }
  const base = { kind: oldData.kind, oldLabel: oldData.label, newLabel: newData.label };
  if (oldData.kind === 'version') {
    const [o] = oldData.versions;
    const [n] = newData.versions;
    if (!o || !n) throw new DiffError('a version folder data set must hold exactly one version');
    const d = diffVersions(o, n);
    return { ...base, changed: !d.identical, versionsAdded: [], versionsRemoved: [], compared: [d], releases: [], otherFiles: [] };
  }
  const olds = new Map(oldData.versions.map((v) => [v.version, v]));
  const news = new Map(newData.versions.map((v) => [v.version, v]));
  const byVersion = (a: VersionData, b: VersionData): number => compareVersions(a.version, b.version);
  const added = setDiff(news, olds).sort(byVersion);
  const removed = setDiff(olds, news).sort(byVersion);
  const compared = [...news.values()]
    .filter((v) => olds.has(v.version))
    .sort(byVersion)
    .map((v) => diffVersions(olds.get(v.version) as VersionData, v));
  // An added version's predecessor: the newest older version on either side, the new side's copy
  // first (two releases added at once: 18.0 is compared with 17.1, then 18.1 with 18.0).
  const everyVersion = [...new Set([...olds.keys(), ...news.keys()])].sort(compareVersions);
  const releases: VersionDiff[] = [];
  for (const v of added) {
    const previous = everyVersion.filter((x) => compareVersions(x, v.version) < 0).at(-1);
    const base = previous === undefined ? undefined : (news.get(previous) ?? olds.get(previous));
    if (base) releases.push(diffVersions(base, v));
  }
  const otherFiles = fileChanges(oldData.rootFiles, newData.rootFiles);
  const changed = added.length > 0 || removed.length > 0 || otherFiles.length > 0 || compared.some((d) => !d.identical);
  return { ...base, changed, versionsAdded: added.map(summary), versionsRemoved: removed.map(summary), compared, releases, otherFiles };
}

/**
 * Each version compared with the one before it (6.3 → 8.2, 8.2 → 9.0, …): the input of the site's
 * "what changed" pages, one `renderVersionChanges` per element.
 */
export function consecutiveVersionDiffs(data: DataSet): VersionDiff[] {
  const sorted = [...data.versions].sort((a, b) => compareVersions(a.version, b.version));
  const out: VersionDiff[] = [];
  for (let i = 1; i < sorted.length; i++) out.push(diffVersions(sorted[i - 1] as VersionData, sorted[i] as VersionData));
  return out;
}

/** Keeps only the given versions of a data root (the nightly compares just what it rebuilt). */
export function selectVersions(data: DataSet, versions: Iterable<string>): DataSet {
  const keep = new Set(versions);
  return { ...data, versions: data.versions.filter((v) => keep.has(v.version)) };
}
