/**
 * A version's coverage page: tick the events you collect and see which techniques they show, per
 * tactic, or paste an auditpol export and a Sysmon configuration. The page holds the inputs, the event
 * list (fieldsets per log) and the table's skeleton; the browser script
 * (scripts/pages/browser/coverage-app.ts, bundled with the coverage core) reads the version's
 * slim data file (/assets/coverage/<version>.json, written here from the same artifacts as the
 * published JSON), parses the configuration with the CLI's parsers and does the counting, in a
 * worker thread. Nothing is sent anywhere.
 */
import { buildCoverageData } from './browser/coverage-data.ts';
import { isAuditPreset, PRESET_IDS, PRESET_LABELS, presetSummaries } from './browser/coverage-state.ts';
import { plural } from '../lib/plural.ts';
import { homeCrumbs, pageMeta, type VersionContext } from './context.ts';
import { html } from './escape.ts';
import type { CoverageView, GeneratedFile, Page, Scope, VersionInput } from './types.ts';
import { eventSlug, paths, slug, UnsafePathError } from './urls.ts';

/** Where the pages CLI writes the browser bundle, under site/_generated/ (and so under /assets/ on the site). */
export const COVERAGE_SCRIPT = 'assets/coverage.js';

/** The page's data file of a version, under site/_generated/ (and so under /assets/coverage/ on the site). */
export function coverageDataPath(version: string): string {
  // The version becomes a file name: only the characters of index.json's version paths.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) throw new UnsafePathError(`version "${version}" cannot name the coverage page's data file`);
  return `assets/coverage/${version}.json`;
}

/** The coverage page's data file of one version (scripts/pages/browser/coverage-data.ts): written once, read by both of its pages. */
export function coverageDataFile(v: VersionInput): GeneratedFile {
  return { path: coverageDataPath(v.version), text: `${JSON.stringify(buildCoverageData(v))}\n` };
}

export function coveragePage(ctx: VersionContext, scope: Scope): Page<CoverageView> {
  const v = ctx.input;
  const root = ctx.presence.root;
  const logs: CoverageView['logs'] = [];
  const byLog = new Map<string, CoverageView['logs'][number]>();
  for (const e of v.events) {
    let group = byLog.get(e.log);
    if (!group) {
      group = { log: e.log, slug: slug(e.log) || 'log', events: [] };
      byLog.set(e.log, group);
      logs.push(group);
    }
    group.events.push({ key: e.key, eventId: e.eventId, name: e.name, inputId: `ev-${eventSlug(e.key)}` });
  }
  // The biggest logs first (Security, then System, Sysmon…), the rest by name.
  logs.sort((a, b) => b.events.length - a.events.length || (a.log < b.log ? -1 : a.log > b.log ? 1 : 0));
  // What the table shows before anything is ticked; the script recomputes the same figures.
  const eventKeys = new Set(v.events.map((e) => e.key));
  const isMapped = (t: (typeof v.techniques)[number]): boolean => t.events.some((e) => eventKeys.has(e.key));
  const tactics = v.tactics.map((t) => {
    const ts = v.techniques.filter((x) => x.tactics.includes(t.shortname));
    return { id: t.id, name: t.name, url: scope.base + paths.tactic(t.id), mapped: ts.filter(isMapped).length, total: ts.length };
  });
  const summaries = presetSummaries({ events: v.events });
  const view: CoverageView = {
    version: v.version,
    data: root + coverageDataPath(v.version),
    script: root + COVERAGE_SCRIPT,
    presets: PRESET_IDS.map((id) => ({ id, label: PRESET_LABELS[id], kind: isAuditPreset(id) ? 'audit' : id === 'clear' ? 'clear' : 'ticks', ...summaries[id] })),
    eventBase: `${scope.base}events/`,
    techniqueBase: `${scope.base}techniques/`,
    logs,
    events: v.events.length,
    tactics,
    totals: { mapped: v.techniques.filter(isMapped).length, total: v.techniques.length },
  };
  const lede = `Paste your audit policy and Sysmon configuration, or tick the Windows events you collect: the table shows at once how many of the ${plural(v.techniques.length, 'Windows technique')} of ATT&CK v${scope.version} they can show, tactic by tactic, and what to switch on next. Everything runs in your browser from the published data, with the same code as npm run coverage.`;
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'coverage',
      path: paths.coverage(),
      title: 'Coverage of the events you collect',
      description: `Which ATT&CK v${scope.version} techniques the Windows events you collect can show, per tactic, with the next events to add and a Navigator layer to download.`,
      crumbs: homeCrumbs(scope),
    }),
    data: view,
    summary: `<p class="lede">${html(lede)}</p>`,
    file: 'index.md',
  };
}
