/**
 * A version's plan page (issue 13): pick groups, campaigns and software (or drop a Navigator layer),
 * optionally paste the audit policy and Sysmon configuration in force, and get the ranked logging
 * plan `npm run plan` prints, with the same numbers. The page holds the inputs and empty result
 * regions; the browser script (scripts/pages/browser/plan-app.ts, bundled with the plan and coverage
 * cores) reads the coverage page's data file of the version and the plan's own small one
 * (/assets/plan/<version>.json: groups, campaigns, software, platforms, data components) and plans
 * in a worker thread. Nothing is sent anywhere.
 */
import { plural } from '../lib/plural.ts';
import { buildPlanData } from './browser/plan-data.ts';
import { homeCrumbs, pageMeta, type VersionContext } from './context.ts';
import { coverageDataPath } from './coverage.ts';
import { html } from './escape.ts';
import { groupPaths } from './group.ts';
import type { GeneratedFile, Page, Scope, VersionInput } from './types.ts';
import { paths } from './urls.ts';

/** Where the pages CLI writes the plan page's bundle, under site/_generated/ (so /assets/plan.js). */
export const PLAN_SCRIPT = 'assets/plan.js';

export const planPaths = { plan: (): string => 'plan/' };

/** The plan page's data file of a version (the version is checked as a file name by coverageDataPath). */
export function planDataPath(version: string): string {
  return coverageDataPath(version).replace(/^assets\/coverage\//, 'assets/plan/');
}

/** The plan page's data file of one version (scripts/pages/browser/plan-data.ts). */
export function planDataFile(v: VersionInput): GeneratedFile {
  return { path: planDataPath(v.version), text: `${JSON.stringify(buildPlanData(v))}\n` };
}

export interface PlanView {
  version: string;
  /** The coverage page's data file (events, links, tactics) and the plan's own (groups, campaigns, software). */
  coverageData: string;
  planData: string;
  script: string;
  /** Links to group pages are `groupBase` + ID + `/`; to techniques `techniqueBase` + ID + `/`; to events `eventBase` + slug + `/`. */
  groupBase: string;
  techniqueBase: string;
  eventBase: string;
  coverageUrl: string;
  groupsUrl: string;
  /** How many of each the version has (live ones), for the lede and the list's empty state. */
  counts: { groups: number; campaigns: number; software: number };
}

export function planPage(ctx: VersionContext, scope: Scope): Page<PlanView> {
  const v = ctx.input;
  const root = ctx.presence.root;
  const live = (list: ReadonlyArray<{ revokedBy: string }> | undefined): number => (list ?? []).filter((a) => a.revokedBy === '').length;
  const counts = { groups: live(v.groups?.groups), campaigns: live(v.groups?.campaigns), software: live(v.groups?.software) };
  const view: PlanView = {
    version: v.version,
    coverageData: root + coverageDataPath(v.version),
    planData: root + planDataPath(v.version),
    script: root + PLAN_SCRIPT,
    groupBase: `${scope.base}groups/`,
    techniqueBase: `${scope.base}techniques/`,
    eventBase: `${scope.base}events/`,
    coverageUrl: scope.base + paths.coverage(),
    // No group pages are written for a data folder without groups.json (an older build): no link to them.
    groupsUrl: v.groups ? scope.base + groupPaths.groups() : '',
    counts,
  };
  const lede =
    `Name the adversaries in your threat model — ${plural(counts.groups, 'group')}, ${plural(counts.campaigns, 'campaign')} and ${counts.software} software entries of ATT&CK v${scope.version}, by name or alias — or drop the Navigator layer your CTI team gave you: ` +
    'the page lists the audit subcategories, Sysmon event types and switches to turn on, in order, with what each makes visible (mapped, not detected). It runs in your browser with the same code as npm run plan.';
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'plan',
      path: planPaths.plan(),
      title: 'Logging plan for the adversaries you worry about',
      description: `Which Windows audit subcategories, Sysmon event types and switches make the techniques of chosen ATT&CK v${scope.version} groups, campaigns and software visible, in order, with commands.`,
      crumbs: homeCrumbs(scope),
    }),
    data: view,
    summary: `<p class="lede">${html(lede)}</p>`,
    file: 'index.md',
  };
}
