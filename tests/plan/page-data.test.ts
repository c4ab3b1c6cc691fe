/**
 * The plan page's data file (scripts/pages/browser/plan-data.ts): built from the committed 18.1
 * artifacts and read back with the coverage page's data file, it plans exactly as `npm run plan`
 * does from the artifacts (scripts/plan/load.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GroupsArtifact } from '../../scripts/artifacts/groups.ts';
import { buildCoverageData } from '../../scripts/pages/browser/coverage-data.ts';
import { buildPlanData, expandPlanData, PlanDataError } from '../../scripts/pages/browser/plan-data.ts';
import { planDataPath } from '../../scripts/pages/plan.ts';
import type { VersionInput } from '../../scripts/pages/types.ts';
import { presetPolicy } from '../../scripts/plan/core.ts';
import { computePlan } from '../../scripts/plan/plan.ts';
import { resolveTarget } from '../../scripts/plan/targets.ts';
import { DATA, v181 } from './load.ts';

const dir = path.join(DATA, 'enterprise-attack', '18.1');
const json = async <T>(f: string): Promise<T> => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as T;
const groups = await json<GroupsArtifact>('groups.json');
const v = {
  version: '18.1',
  techniques: (await json<{ techniques: VersionInput['techniques'] }>('techniques.json')).techniques,
  events: (await json<{ events: VersionInput['events'] }>('events.json')).events,
  tactics: (await json<{ tactics: VersionInput['tactics'] }>('tactics.json')).tactics,
  groups,
};
// Through JSON text, as the browser receives the files.
const roundTrip = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const planText = JSON.stringify(buildPlanData(v));
const page = expandPlanData(roundTrip(buildCoverageData(v)), JSON.parse(planText));

describe('plan page data file', () => {
  it('gives the catalog npm run plan reads: every group, campaign, software and other technique, field for field', () => {
    expect(page.catalog.groups).toEqual(v181.catalog.groups);
    expect(page.catalog.campaigns).toEqual(v181.catalog.campaigns);
    expect(page.catalog.software).toEqual(v181.catalog.software);
    expect([...page.catalog.other]).toEqual([...v181.catalog.other]);
    expect([...page.catalog.techniques]).toEqual([...v181.catalog.techniques]);
    expect([...page.version.dataComponents].sort()).toEqual([...v181.version.dataComponents].sort());
    expect(page.catalog.groups.length).toBe(187);
  });

  it('plans as the CLI does: APT29 by alias, from nothing and from the client default audit policy, at two grades', () => {
    for (const options of [{}, { minGrade: 'named' as const, top: 5 }, { inputs: { presets: [presetPolicy(v181.version.details, 'windows-default-client')] } }]) {
      const cli = computePlan(v181.version, resolveTarget(v181.catalog, { groups: ['Cozy Bear'] }), options);
      const fromPage = computePlan(page.version, resolveTarget(page.catalog, { groups: ['Cozy Bear'] }), options);
      expect(fromPage).toEqual(cli);
      expect(cli.steps.length).toBeGreaterThan(0);
    }
    // Software with techniques no Windows event can show, and their data components.
    const cli = computePlan(v181.version, resolveTarget(v181.catalog, { software: ['Cobalt Strike'], campaigns: ['C0024'] }));
    expect(computePlan(page.version, resolveTarget(page.catalog, { software: ['Cobalt Strike'], campaigns: ['C0024'] }))).toEqual(cli);
  });

  it('stays small: technique IDs as indexes, ATT&CK’s usual URLs left out, names in tables', () => {
    const raw = JSON.stringify(groups).length;
    expect(planText.length).toBeLessThan(raw / 2);
    expect(planText).not.toContain('https://attack.mitre.org/groups/G0016');
    expect(planText.match(/"Windows"/g)?.length).toBe(1);
  });

  it('reads a version without groups.json as one with no group, and refuses a file of another format or version', () => {
    const none = buildPlanData({ version: '18.1', techniques: v.techniques });
    const expanded = expandPlanData(roundTrip(buildCoverageData(v)), roundTrip(none));
    expect(expanded.catalog.groups).toEqual([]);
    expect(expanded.catalog.techniques.size).toBe(v181.catalog.techniques.size);
    expect(() => expandPlanData(roundTrip(buildCoverageData(v)), { ...none, format: 2 })).toThrow(PlanDataError);
    expect(() => expandPlanData(roundTrip(buildCoverageData(v)), { ...none, attackVersion: '18.0' })).toThrow(/for ATT&CK 18\.0, the coverage data file for 18\.1/);
  });

  it('is written under assets/plan/, its version checked as a file name', () => {
    expect(planDataPath('18.1')).toBe('assets/plan/18.1.json');
    expect(() => planDataPath('../x')).toThrow();
  });
});
