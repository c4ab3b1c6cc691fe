/**
 * The join: Windows techniques of one ATT&CK version → events, by every route the version offers,
 * each route its own module in `routes/`; then one merge grades each technique × event link. Pure:
 * a parsed bundle, the OSSEM catalogue and the detection rules in, records out.
 */
import type { StixBundle } from '../attack/stix.ts';
import type { ResolvedRule } from '../rules/types.ts';
import type { OssemCatalog } from './catalog.ts';
import { createContext, NO_LINK } from './context.ts';
import { gradeLinks, linkKey } from './grade.ts';
import { analytics } from './routes/analytics.ts';
import { componentDm } from './routes/component-dm.ts';
import { componentLogSources } from './routes/component-log-sources.ts';
import { components } from './routes/components.ts';
import { detectionRules } from './routes/detection-rules.ts';
import { legacyStrings } from './routes/legacy-strings.ts';
import type { Route } from './routes/route.ts';
import { sourceComponentStrings } from './routes/source-component-strings.ts';
import type { AnalyticText, MappingRow, Problem, VersionMapping } from './types.ts';
import { cmp } from '../lib/cmp.ts';

export interface MapOptions {
  /** Keep revoked and deprecated objects (off by default, as ATT&CK's own tools do). */
  includeDeprecated?: boolean;
  platform?: string;
  /** Detection rules, read and resolved once per build. */
  rules?: readonly ResolvedRule[];
  /** Problems found once per build (the rules' data sources) that every version reports. */
  extraProblems?: readonly Problem[];
}

/** In order: the component routes of ATT&CK 18 read what the analytics route found. */
export const ROUTES: readonly Route[] = [legacyStrings, sourceComponentStrings, components, analytics, componentLogSources, componentDm, detectionRules];


/** Technique IDs sort T1003 < T1003.001 < T1003.002 < T1004; event IDs numerically. */
export function compareTechniqueIds(a: string, b: string): number {
  return cmp(a, b);
}

export function compareEventIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  return Number(a) - Number(b) || cmp(a, b);
}

export function compareRows(a: MappingRow, b: MappingRow): number {
  return (
    cmp(a.techniqueId, b.techniqueId) ||
    cmp(a.dataSource, b.dataSource) ||
    cmp(a.dataComponent, b.dataComponent) ||
    cmp(a.eventLog, b.eventLog) ||
    compareEventIds(a.eventId, b.eventId) ||
    cmp(a.evidence, b.evidence) ||
    cmp(a.evidenceRef, b.evidenceRef) ||
    cmp(a.detail, b.detail)
  );
}

export function mapVersion(bundle: StixBundle, catalog: OssemCatalog, attackVersion: string, options: MapOptions = {}): VersionMapping {
  const ctx = createContext(bundle, catalog, attackVersion, options);
  for (const route of ROUTES) if (route.eras.includes(ctx.era)) route.run(ctx);

  // Every Windows technique appears, even one that no ATT&CK route reaches.
  const withRow = new Set(ctx.rows.map((r) => r.techniqueId));
  for (const t of ctx.techniques.values()) {
    if (ctx.linked.has(t.stixId)) continue;
    const id = ctx.info.get(t.stixId)?.id ?? '';
    if (!withRow.has(id)) ctx.push(ctx.row(t, NO_LINK));
    ctx.problems.add('no-detection', ctx.era === 'detection-strategies' ? 'technique with no Windows analytic' : 'technique with no data source', id, 'this ATT&CK version gives no Windows data source, component or analytic for the technique');
  }

  // One grade per technique × event, written on each of its rows.
  const links = gradeLinks(ctx.rows);
  for (const r of ctx.rows) if (r.eventId && r.evidence) r.grade = links.get(linkKey(r.techniqueId, `${r.eventLog}:${r.eventId}`))?.grade ?? '';

  const rows = [...ctx.rows].sort(compareRows);
  const usedEvents = [...ctx.events.values()].sort((a, b) => cmp(a.log, b.log) || compareEventIds(a.eventId, b.eventId));
  const techniqueList = [...ctx.info.values()].sort((a, b) => compareTechniqueIds(a.id, b.id));
  const allSpellings = [...catalog.spellings, ...ctx.spellings()].sort((a, b) => cmp(a.source, b.source) || cmp(a.spelling, b.spelling));
  const allProblems = [...catalog.problems, ...(options.extraProblems ?? []), ...ctx.problems.list()].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.subject, b.subject) || cmp(a.message, b.message));

  // The texts of the analytics that name an event, for the pages (what to look for, what to tune).
  const named = new Set(rows.filter((r) => r.evidence === 'attack-analytic' && r.eventId).map((r) => r.evidenceRef.slice(r.evidenceRef.indexOf('/') + 1)));
  const analytics = new Map<string, AnalyticText>();
  for (const a of bundle.analytics) {
    const id = a.attackId ?? a.stixId;
    if (!named.has(id) || analytics.has(id)) continue;
    analytics.set(id, { id, url: a.url ?? '', description: a.description, mutableElements: a.mutableElements.map((m) => ({ field: m.field, description: m.description })) });
  }

  return {
    attackVersion,
    era: ctx.era,
    tactics: ctx.tactics,
    techniques: techniqueList,
    rows,
    events: usedEvents,
    problems: allProblems,
    logSpellings: allSpellings,
    skipped: ctx.skipped,
    links,
    rules: [...ctx.placedRules].sort((a, b) => cmp(a.source, b.source) || cmp(a.id, b.id)),
    analytics,
  };
}
