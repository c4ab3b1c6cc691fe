/**
 * ATT&CK Navigator layers (layer format 4.5): the coverage layer of a set of collected events, and
 * the heat maps published with every version (all events; one per log), and for a configuration
 * its current state and what the top recommendations would add. Every layer scores by the
 * best grade of the links (confirmed 3, named 2, related 1), keeps its comments short (the
 * Navigator's tooltip does not wrap long ones), lists legend entries only for scores that occur,
 * and opens every parent technique whose sub-techniques are scored (`showSubtechniques`).
 *
 * Format: https://github.com/mitre-attack/attack-navigator/blob/master/layers/LAYERFORMATv4_5.md
 * A technique with several tactics gets one entry per tactic (with `tactic`); a technique with one
 * tactic gets one entry without it (the Navigator then applies it under that tactic).
 *
 * Pure module: no I/O, no node: imports.
 */
import { stringifyJson } from '../lib/json.ts';
import { LOGS } from '../mapping/logs.ts';
import type { ConfigCoverageReport, CoverageReport, SeenTechnique, UnseenTechnique } from './compute.ts';
import { versionDataFromFiles, versionDataFromJson } from './data.ts';
import { plural } from '../lib/plural.ts';
import { GRADE_SCORE, GRADES, gradeCounts, gradeSummary, linkLabel, linksByEvent, minGradeWords, rankedLinks, withMinGrade } from './grades.ts';
import { LAYER_DOMAIN, LAYER_FORMAT_VERSION, NAVIGATOR_VERSION, type LayerMetadata, type LayerTechnique, type NavigatorLayer } from '../navigator/layer.ts';
import { validateLayer } from '../navigator/layer-schema.ts';
import { cmp, CoverageError, type CoverageTechnique, type Grade, type VersionData } from './types.ts';

export { LAYER_DOMAIN, LAYER_FORMAT_VERSION, NAVIGATOR_VERSION } from '../navigator/layer.ts';
export type { LayerMetadata, LayerTechnique, NavigatorLayer } from '../navigator/layer.ts';

/**
 * Colours. Scores follow grades (confirmed 3, named 2, related 1); the lowest step of every
 * gradient is a colour that stands out from the Navigator's white unscored cells.
 */
export const COLORS = {
  /** Coverage layers: mapped, but no collected event (score 0). */
  notCollected: '#ff6666',
  /** Coverage and advice layers: seen at a grade. */
  coverage: { related: '#a6d96a', named: '#66bd63', confirmed: '#1a9850' },
  /** Published heat maps: best grade of the mapped events. */
  heat: { related: '#9ecae1', named: '#4292c6', confirmed: '#08519c' },
  /** What the Navigator draws for an unscored technique. */
  unscored: '#ffffff',
} as const;

/** `18.1` → `18`: the Navigator's `versions.attack` is the major version. */
export function attackMajor(version: string): string {
  return version.split('.')[0] ?? version;
}

/** One entry per tactic for a technique in several tactics, else one entry without `tactic`. */
export function techniqueEntries(t: Pick<CoverageTechnique, 'id' | 'tactics'>, fields: Omit<LayerTechnique, 'techniqueID' | 'tactic'>): LayerTechnique[] {
  if (t.tactics.length <= 1) return [{ techniqueID: t.id, ...fields }];
  return t.tactics.map((tactic) => ({ techniqueID: t.id, tactic, ...fields }));
}

/**
 * Sets `showSubtechniques: true` on a parent's entry under every tactic where one of its
 * sub-techniques is scored (adding an unscored entry for the parent when it has none there): the
 * layers set `expandedSubtechniques: "none"`, so without it the Navigator opens those parents
 * collapsed and hides the scored sub-techniques. Entries come back ordered by technique ID, then
 * by the technique's tactic order.
 */
export function expandScoredParents(data: VersionData, entries: readonly LayerTechnique[]): LayerTechnique[] {
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  const want = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.score === undefined) continue;
    const t = byId.get(e.techniqueID);
    const p = t?.isSubtechnique && t.parent ? byId.get(t.parent) : undefined;
    if (!t || !p) continue;
    const tactics = want.get(p.id) ?? new Set<string>();
    for (const tactic of e.tactic !== undefined ? [e.tactic] : t.tactics) if (p.tactics.includes(tactic)) tactics.add(tactic);
    if (tactics.size > 0) want.set(p.id, tactics);
  }
  const slot = (id: string, tactic: string | undefined): string => `${id}\u0000${tactic ?? ''}`;
  const present = new Set(entries.map((e) => slot(e.techniqueID, e.tactic)));
  const out = entries.map((e) => {
    const tactics = want.get(e.techniqueID);
    if (!tactics || (e.tactic !== undefined && !tactics.has(e.tactic))) return e;
    return { ...e, showSubtechniques: true };
  });
  for (const [id, tactics] of want) {
    const p = byId.get(id);
    if (!p) continue;
    if (p.tactics.length <= 1) {
      if (!present.has(slot(id, undefined))) out.push({ techniqueID: id, showSubtechniques: true });
    } else {
      for (const tactic of p.tactics) if (tactics.has(tactic) && !present.has(slot(id, tactic))) out.push({ techniqueID: id, tactic, showSubtechniques: true });
    }
  }
  const order = (e: LayerTechnique): number => (e.tactic === undefined ? -1 : (byId.get(e.techniqueID)?.tactics.indexOf(e.tactic) ?? -1));
  return out.sort((a, b) => cmp(a.techniqueID, b.techniqueID) || order(a) - order(b));
}

interface LayerParts {
  name: string;
  description: string;
  attackVersion: string;
  sorting: NavigatorLayer['sorting'];
  techniques: LayerTechnique[];
  gradient: NavigatorLayer['gradient'];
  legendItems: NavigatorLayer['legendItems'];
  metadata: LayerMetadata[];
}

export function layer(p: LayerParts): NavigatorLayer {
  return {
    name: p.name,
    versions: { attack: attackMajor(p.attackVersion), navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
    domain: LAYER_DOMAIN,
    description: p.description,
    filters: { platforms: ['Windows'] },
    sorting: p.sorting,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'average', expandedSubtechniques: 'none' },
    hideDisabled: false,
    techniques: p.techniques,
    gradient: p.gradient,
    legendItems: p.legendItems,
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: [{ name: 'ATT&CK version', value: p.attackVersion }, ...p.metadata, { name: 'generated by', value: 'winevents-attack-map' }],
  };
}

/** `a, b, c … and 4 more` (at most `max` items; comments stay short in the Navigator's tooltip). */
export function fewOf(items: readonly string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} … and ${items.length - max} more`;
}

/** `Sysmon:10 (7 rules)` for a confirmed link, else the key. */
const ruleLabel = (l: { key: string; grade: Grade; rules: number }): string => (l.grade === 'confirmed' && l.rules > 0 ? `${l.key} (${plural(l.rules, 'rule')})` : l.key);

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const byId = (a: { id: string }, b: { id: string }): number => cmp(a.id, b.id);

/** The legend entries for the scores that occur, in the order given. */
function legendOf(entries: readonly LayerTechnique[], items: ReadonlyArray<{ score: number | 'unscored'; label: string; color: string }>, unscored: boolean): NavigatorLayer['legendItems'] {
  const scores = new Set(entries.map((e) => e.score).filter((s): s is number => s !== undefined));
  return items.filter((i) => (i.score === 'unscored' ? unscored : scores.has(i.score))).map(({ label, color }) => ({ label, color }));
}

/** What a coverage layer shows: the state of every technique of a report (configuration reports add `partial`). */
export interface CoverageLayerState {
  attackVersion: string;
  minGrade: Grade;
  seen: readonly SeenTechnique[];
  partial?: ReadonlyArray<{ id: string; via: string[] }>;
  unseen: readonly UnseenTechnique[];
}

/** The colour of partially seen techniques (only filtered Sysmon event types), set on their entries. */
export const PARTIAL_COLOR = '#ffd966';
export const PARTIAL_SCORE = 0.5;

/**
 * The technique entries and legend of a coverage layer: score = the best grade among the
 * collected links (confirmed 3, named 2, related 1), 0.5 = partial (explicit colour), 0 = mapped
 * but not collected; techniques with no mapped Windows event are disabled. Comments name the
 * strongest links with their rule counts.
 */
export function coverageLayerTechniques(data: VersionData, s: CoverageLayerState): { techniques: LayerTechnique[]; legendItems: NavigatorLayer['legendItems'] } {
  const graded = withMinGrade(data, s.minGrade);
  const events = new Map(data.events.map((e) => [e.key, e]));
  const seen = new Map(s.seen.map((t) => [t.id, t]));
  const partial = new Map((s.partial ?? []).map((t) => [t.id, t]));
  const unseen = new Map(s.unseen.map((t) => [t.id, t]));
  const at = s.minGrade === 'related' ? '' : ` at ${minGradeWords(s.minGrade)}`;
  const entries = [...graded.techniques].sort(byId).flatMap((t) => {
    const links = rankedLinks(t, events);
    const x = seen.get(t.id);
    if (x) {
      const via = new Set(x.via);
      const mine = links.filter((l) => via.has(l.key)).map(linkLabel);
      return techniqueEntries(t, { score: GRADE_SCORE[x.grade], comment: `${cap(x.grade)}. Collected: ${fewOf(mine)}.`, enabled: true });
    }
    const p = partial.get(t.id);
    if (p) {
      const via = new Set(p.via);
      const mine = links.filter((l) => via.has(l.key)).map(linkLabel);
      return techniqueEntries(t, { score: PARTIAL_SCORE, color: PARTIAL_COLOR, comment: `Partial: only filtered Sysmon event types: ${fewOf(mine)}.`, enabled: true });
    }
    if (unseen.has(t.id)) return techniqueEntries(t, { score: 0, comment: `Not collected. Mapped: ${fewOf(links.map(linkLabel))}.`, enabled: true });
    return techniqueEntries(t, { comment: `No Windows event mapped${at} in ATT&CK ${s.attackVersion}.`, enabled: false });
  });
  const techniques = expandScoredParents(data, entries);
  const legendItems = legendOf(
    techniques,
    [
      { score: 3, label: 'confirmed (3): a detection rule uses a collected event', color: COLORS.coverage.confirmed },
      { score: 2, label: 'named (2): an ATT&CK analytic names a collected event', color: COLORS.coverage.named },
      { score: 1, label: 'related (1): a collected event, only through a data component', color: COLORS.coverage.related },
      { score: PARTIAL_SCORE, label: 'partial (0.5): only filtered Sysmon event types', color: PARTIAL_COLOR },
      { score: 0, label: 'mapped, not collected (0)', color: COLORS.notCollected },
    ],
    false,
  );
  return { techniques, legendItems };
}

/** The gradient of coverage layers: 0 not collected, then related, named, confirmed. */
export const COVERAGE_GRADIENT: NavigatorLayer['gradient'] = {
  colors: [COLORS.notCollected, COLORS.coverage.related, COLORS.coverage.named, COLORS.coverage.confirmed],
  minValue: 0,
  maxValue: 3,
};

/** What the scores mean, for descriptions. */
export const GRADE_SCORES_TEXT = 'score = best grade of the links: 3 confirmed (a public detection rule uses the event for the technique), 2 named (an ATT&CK analytic names it), 1 related (only through a data component)';

/**
 * The layer of one coverage report: score = the best grade among the collected events' links
 * (confirmed 3, named 2, related 1), 0 = mapped but not collected; techniques with no mapped
 * Windows event are disabled.
 */
export function buildCoverageLayer(data: VersionData, report: CoverageReport, options: { name?: string } = {}): NavigatorLayer {
  const v = report.attackVersion;
  if (data.attackVersion !== v) throw new CoverageError(`the report is for ATT&CK ${v}, the data for ${data.attackVersion}`);
  const { techniques, legendItems } = coverageLayerTechniques(data, report);
  const keys = report.events.map((e) => e.key);
  const t = report.totals;
  const at = report.minGrade === 'related' ? '' : ` (links of ${minGradeWords(report.minGrade)} only)`;
  return layer({
    name: options.name ?? `Windows event coverage (ATT&CK ${v})`,
    description:
      `Techniques mapped to ${plural(keys.length, 'collected Windows event')}: ${fewOf(keys, 20)}${at}. ` +
      `Mapped, not detected: ${GRADE_SCORES_TEXT}; 0 = mapped, not collected; disabled = no mapped Windows event. ` +
      `${t.confirmed + t.named} of ${t.mapped} mapped techniques confirmed or named (${gradeSummary(t)}; ${t.total} Windows techniques, sub-techniques counted separately).`,
    attackVersion: v,
    sorting: 0,
    techniques,
    gradient: COVERAGE_GRADIENT,
    legendItems,
    metadata: [
      { name: 'collected events', value: keys.join(', ') },
      { name: 'seen by grade / mapped / all techniques', value: `${gradeSummary(t)} / ${t.mapped} / ${t.total}` },
      ...(report.minGrade === 'related' ? [] : [{ name: 'minimum grade', value: report.minGrade }]),
      { name: 'counting', value: report.convention },
    ],
  });
}

type RankedTechniques = Array<{ t: CoverageTechnique; links: ReturnType<typeof rankedLinks> }>;
const rankedCache = new WeakMap<VersionData, RankedTechniques>();

/** Every technique by ID with its links strongest first: once per version, not once per log's layer (21 of them). */
function rankedTechniques(data: VersionData): RankedTechniques {
  let ranked = rankedCache.get(data);
  if (!ranked) {
    const events = new Map(data.events.map((e) => [e.key, e]));
    ranked = [...data.techniques].sort(byId).map((t) => ({ t, links: rankedLinks(t, events) }));
    rankedCache.set(data, ranked);
  }
  return ranked;
}

/** Heat map of the events of `log` (all logs when undefined): score = best grade of those events. */
function heatLayer(data: VersionData, log: string | undefined): NavigatorLayer {
  const v = data.attackVersion;
  const what = log === undefined ? 'Windows event' : `${log} event`;
  const scored = rankedTechniques(data).map(({ t, links }) => ({ t, links: log === undefined ? links : links.filter((l) => l.log === log) }));
  const best = new Map<string, Grade>();
  const entries = scored.flatMap(({ t, links }) => {
    const top = links[0];
    if (!top) return [];
    best.set(t.id, top.grade);
    const counts = gradeCounts(links.map((l) => l.grade));
    const n = links.length;
    // Strongest first, so the grades follow from the counts: only rule counts are added to the keys.
    const comment = `Best grade ${top.grade}${n > 1 ? ` (${gradeSummary(counts)} ${what}s)` : ''}: ${fewOf(links.map(ruleLabel))}.`;
    return techniqueEntries(t, { score: GRADE_SCORE[top.grade], comment });
  });
  const techniques = expandScoredParents(data, entries);
  const withEvents = best.size;
  const nEvents = new Set(scored.flatMap((s) => s.links.map((l) => l.key))).size;
  const byBest = gradeCounts(best.values());
  return layer({
    name: log === undefined ? `Windows events: all logs (ATT&CK ${v})` : `Windows events: ${log} (ATT&CK ${v})`,
    description:
      `Score = best grade of the ${what}s mapped to the technique: 3 confirmed (a public detection rule uses the event for the technique), 2 named (an ATT&CK analytic names it), 1 related (only through a data component); the comment gives the rule counts. ` +
      `${plural(nEvents, what)} ${nEvents === 1 ? 'maps' : 'map'} to ${withEvents} of ${plural(data.techniques.length, 'Windows technique')} (best grade: ${gradeSummary(byBest)}; sub-techniques counted separately). ` +
      `Unscored (white): no ${what} mapped. Mapped, not detected.`,
    attackVersion: v,
    sorting: 3,
    techniques,
    gradient: { colors: [COLORS.heat.related, COLORS.heat.named, COLORS.heat.confirmed], minValue: 1, maxValue: 3 },
    legendItems: legendOf(
      techniques,
      [
        { score: 3, label: `confirmed (3): a detection rule uses the ${what}`, color: COLORS.heat.confirmed },
        { score: 2, label: `named (2): an ATT&CK analytic names the ${what}`, color: COLORS.heat.named },
        { score: 1, label: `related (1): only through a data component`, color: COLORS.heat.related },
        { score: 'unscored', label: `no ${what} mapped (unscored)`, color: COLORS.unscored },
      ],
      withEvents < data.techniques.length,
    ),
    metadata: [
      { name: 'score', value: `best grade of the ${what}s mapped to the technique: confirmed 3, named 2, related 1` },
      { name: 'techniques with events', value: `${withEvents} of ${data.techniques.length}` },
      { name: 'techniques by best grade', value: gradeSummary(byBest) },
    ],
  });
}

export function buildAllEventsLayer(data: VersionData): NavigatorLayer {
  return heatLayer(data, undefined);
}

export function buildLogLayer(data: VersionData, log: string): NavigatorLayer {
  if (!data.events.some((e) => e.log === log)) throw new CoverageError(`no ${log} events in ATT&CK ${data.attackVersion}`);
  return heatLayer(data, log);
}

/** `Microsoft-Windows-SMBClient/Security` → `microsoft-windows-smbclient-security`. */
export function logSlug(log: string): string {
  return log.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export const ALL_EVENTS_LAYER_FILE = 'layer-all-events.json';

export function logLayerFile(log: string): string {
  return `layer-${logSlug(log)}.json`;
}

/** Logs with events in this version: those of the alias table in its order, then the rest by name. */
export function layerLogs(data: VersionData): string[] {
  const present = new Set(data.events.map((e) => e.log));
  const known = LOGS.map((d) => d.log).filter((l) => present.has(l));
  const rest = [...present].filter((l) => !known.includes(l)).sort(cmp);
  return [...known, ...rest];
}

/**
 * What buildPublishedLayers reads: the pipeline's VersionArtifacts (scripts/artifacts/build.ts) —
 * its `files` map of JSON text, or its parsed `json` map when present — or VersionData.
 */
export type PublishedLayersInput = { files: ReadonlyMap<string, string>; json?: ReadonlyMap<string, unknown> } | VersionData;

function toVersionData(input: PublishedLayersInput): VersionData {
  if (!('files' in input)) return input;
  const json = input.json;
  if (json && ['techniques.json', 'events.json', 'tactics.json'].every((f) => json.has(f))) {
    return versionDataFromJson({ techniques: json.get('techniques.json'), events: json.get('events.json'), tactics: json.get('tactics.json') });
  }
  return versionDataFromFiles(input.files);
}

/**
 * The Navigator layers published with one version: `layer-all-events.json` (score = the best grade
 * of the technique's mapped events) and `layer-<log>.json` for every log with events (score = the
 * best grade of that log's events), in that order. Pure; the caller writes them (see publishedLayerFiles for the exact bytes).
 */
export function buildPublishedLayers(input: PublishedLayersInput): Map<string, NavigatorLayer> {
  const data = toVersionData(input);
  const layers = new Map<string, NavigatorLayer>([[ALL_EVENTS_LAYER_FILE, buildAllEventsLayer(data)]]);
  for (const log of layerLogs(data)) {
    const file = logLayerFile(log);
    if (layers.has(file)) throw new CoverageError(`two layers would be written to ${file} (log ${log})`);
    layers.set(file, buildLogLayer(data, log));
  }
  return layers;
}

/**
 * buildPublishedLayers serialised with the artifacts' JSON writer (2-space indent, LF, trailing
 * newline): file name → text, ready to add to a version's artifact files. Every layer is checked
 * against LAYER_SCHEMA first; a failure throws CoverageError.
 */
export function publishedLayerFiles(input: PublishedLayersInput): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, layer] of buildPublishedLayers(input)) {
    const problems = validateLayer(layer);
    if (problems.length > 0) throw new CoverageError(`${file} is not a valid Navigator layer: ${problems.slice(0, 5).join('; ')}`, problems);
    out.set(file, stringifyJson(layer));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Configuration coverage layers
// ---------------------------------------------------------------------------------------------

/** `preset windows-default-client; auditpol audit.csv` (a source already naming its input is not repeated). */
function inputsLine(r: ConfigCoverageReport): string {
  return r.inputs.map((i) => (i.source === i.input || i.source.startsWith(`${i.input} `) ? i.source : `${i.input} ${i.source}`)).join('; ');
}

/**
 * The current state: score = the best grade among the links of the events collected in full
 * (confirmed 3, named 2, related 1), 0.5 = partial (only through Sysmon event types filtered by
 * include rules; drawn in its own colour), 0 = mapped but not collected; no mapped event = disabled.
 */
export function buildConfigLayer(data: VersionData, report: ConfigCoverageReport, options: { name?: string } = {}): NavigatorLayer {
  const v = report.attackVersion;
  if (data.attackVersion !== v) throw new CoverageError(`the report is for ATT&CK ${v}, the data for ${data.attackVersion}`);
  const { techniques, legendItems } = coverageLayerTechniques(data, report);
  const t = report.totals;
  const at = report.minGrade === 'related' ? '' : ` Links of ${minGradeWords(report.minGrade)} only.`;
  return layer({
    name: options.name ?? `Windows event coverage from configuration (ATT&CK ${v})`,
    description:
      `Techniques mapped to the Windows events collected by: ${inputsLine(report)}.${at} ` +
      `Mapped, not detected: ${GRADE_SCORES_TEXT}; 0.5 = partial (only through Sysmon event types filtered by include rules); 0 = mapped, not collected; disabled = no mapped Windows event. ` +
      `${t.confirmed + t.named} of ${t.mapped} mapped techniques confirmed or named (${gradeSummary(t)}), ${t.partial} partial (${t.total} Windows techniques, sub-techniques counted separately).`,
    attackVersion: v,
    sorting: 0,
    techniques,
    gradient: COVERAGE_GRADIENT,
    legendItems,
    metadata: [
      { name: 'collected events', value: report.events.filter((e) => e.status === 'full').map((e) => e.key).join(', ') },
      { name: 'inputs', value: inputsLine(report) },
      { name: 'seen by grade / partial / mapped / all techniques', value: `${gradeSummary(t)} / ${t.partial} / ${t.mapped} / ${t.total}` },
      ...(report.minGrade === 'related' ? [] : [{ name: 'minimum grade', value: report.minGrade }]),
      { name: 'counting', value: report.convention },
    ],
  });
}

/**
 * What the first `top` recommendations of the report would add: every technique they make seen, or
 * seen at a stronger grade, scored by the grade it ends at (confirmed 3, named 2, related 1), with
 * the recommendation, the grade before and the events in the comment. Sorted by score, highest
 * first. Other techniques are left out (unscored).
 */
export function buildAdviceDiffLayer(data: VersionData, report: ConfigCoverageReport, options: { top?: number; name?: string } = {}): NavigatorLayer {
  const advice = report.advice.slice(0, options.top ?? report.advice.length);
  if (data.attackVersion !== report.attackVersion) throw new CoverageError(`the report is for ATT&CK ${report.attackVersion}, the data for ${data.attackVersion}`);
  const links = linksByEvent(withMinGrade(data, report.minGrade));
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  const before = new Map<string, string>([...report.seen.map((t) => [t.id, t.grade] as [string, string]), ...report.partial.map((t) => [t.id, 'partial'] as [string, string])]);
  const changed = new Map<string, { grade: Grade; rank: number; title: string; events: string[] }>();
  for (const a of advice) {
    for (const g of GRADES) {
      for (const id of a.gained[g]) {
        const events = a.events
          .filter((e) => e.techniques.includes(id))
          .map((e) => {
            // Every event listed for a technique gives it the grade it gains: only the rule count is new.
            const rules = links.get(e.key)?.get(id)?.rules ?? 0;
            return g === 'confirmed' && rules > 0 ? `${e.key} (${rules} rule${rules === 1 ? '' : 's'})` : e.key;
          });
        changed.set(id, { grade: g, rank: a.rank, title: a.title, events });
      }
    }
  }
  const entries: LayerTechnique[] = [...changed.entries()]
    .sort((a, b) => cmp(a[0], b[0]))
    .flatMap(([id, x]) => {
      const t = byId.get(id);
      if (!t) return [];
      return techniqueEntries(t, {
        score: GRADE_SCORE[x.grade],
        comment: `${before.get(id) ?? 'not seen'} → ${x.grade} with recommendation ${x.rank}: ${x.title} (${fewOf(x.events)}).`,
        enabled: true,
      });
    });
  const techniques = expandScoredParents(data, entries);
  const n = advice.length;
  const which = n === 1 ? 'the first recommendation' : `the top ${n} recommendations`;
  const scores = new Set(techniques.map((e) => e.score));
  const legend = [
    { score: 3, label: 'now confirmed (3): a detection rule uses a newly collected event', color: COLORS.coverage.confirmed },
    { score: 2, label: 'now named (2): an ATT&CK analytic names a newly collected event', color: COLORS.coverage.named },
    { score: 1, label: 'now related (1): only through a data component', color: COLORS.coverage.related },
  ].filter((l) => scores.has(l.score));
  return layer({
    name: options.name ?? `Coverage added by ${which} (ATT&CK ${report.attackVersion})`,
    description:
      `Techniques ${which} would map to a collected event, or map at a stronger grade, over the current configuration (${inputsLine(report)}). ` +
      `Score = the grade after them: 3 confirmed (a public detection rule uses the event for the technique), 2 named (an ATT&CK analytic names it), 1 related (only through a data component); highest first. Unscored: unchanged. Mapped, not detected. ` +
      `Recommendations: ${fewOf(advice.map((a) => `${a.rank}. ${a.title}`), 10)}.`,
    attackVersion: report.attackVersion,
    sorting: 3,
    techniques,
    gradient: { colors: [COLORS.coverage.related, COLORS.coverage.named, COLORS.coverage.confirmed], minValue: 1, maxValue: 3 },
    legendItems: [...legend.map(({ label, color }) => ({ label, color })), ...(changed.size < data.techniques.length ? [{ label: 'unchanged (unscored)', color: COLORS.unscored }] : [])],
    metadata: [
      ...advice.map((a) => ({ name: `recommendation ${a.rank}`, value: `${a.title}: ${gainWords(a.gained)}` })),
      {
        name: 'confirmed or named before / after',
        value: `${report.totals.confirmed + report.totals.named} / ${(advice.at(-1)?.after.confirmed ?? report.totals.confirmed) + (advice.at(-1)?.after.named ?? report.totals.named)} of ${report.totals.mapped} mapped`,
      },
      { name: 'seen before / after', value: `${report.totals.seen} / ${advice.at(-1)?.seenAfter ?? report.totals.seen} of ${report.totals.mapped} mapped` },
    ],
  });
}

/** `+3 confirmed, +1 named techniques`. */
function gainWords(g: Record<Grade, string[]>): string {
  const parts = GRADES.filter((x) => g[x].length > 0).map((x) => `+${g[x].length} ${x}`);
  const n = GRADES.reduce((s, x) => s + g[x].length, 0);
  return parts.length === 0 ? 'no technique' : `${parts.join(', ')} ${n === 1 ? 'technique' : 'techniques'}`;
}
