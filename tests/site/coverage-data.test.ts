/**
 * The coverage page's own data file and its counting, without a browser: the slim file carries
 * every link (grade and rule count) the coverage core reads, so the page's figures at each minimum
 * grade are the CLI's; and it is small.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { computeCoverage, configEventsFromJson, GRADES, versionDataFromJson } from '../../scripts/coverage/index.ts';
import { computePage } from '../../scripts/pages/browser/coverage-compute.ts';
import { buildCoverageData, COVERAGE_DATA_FORMAT, CoverageDataError, expandCoverageData } from '../../scripts/pages/browser/coverage-data.ts';
import { decodeHash, encodeHash, presetSummaries } from '../../scripts/pages/browser/coverage-state.ts';
import { modelFromText } from '../../scripts/pages/browser/coverage-worker.ts';
import { coverageDataFile, coverageDataPath } from '../../scripts/pages/coverage.ts';
import { eventCatalog } from '../../scripts/coverage/index.ts';
import type { VersionInput } from '../../scripts/pages/types.ts';
import { UnsafePathError } from '../../scripts/pages/urls.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { fixtureInput } from './fixture.ts';

const fullDocs = (v: Pick<VersionInput, 'version' | 'techniques' | 'events' | 'tactics'>) => ({
  techniques: { attackVersion: v.version, techniques: v.techniques },
  events: { attackVersion: v.version, events: v.events },
  tactics: { attackVersion: v.version, tactics: v.tactics },
});

const NONE = { ticked: [], preset: null, auditpol: null, sysmon: null };

describe('the coverage page data file', () => {
  const v2 = fixtureInput().versions[1] as VersionInput;

  it('gives the coverage core the same version and configuration fields as the published JSON', () => {
    const slim = buildCoverageData(v2);
    expect(slim.format).toBe(COVERAGE_DATA_FORMAT);
    const docs = expandCoverageData(JSON.parse(JSON.stringify(slim)));
    expect(versionDataFromJson(docs)).toEqual(versionDataFromJson(fullDocs(v2)));
    expect(configEventsFromJson(docs.events)).toEqual(configEventsFromJson(fullDocs(v2).events));
    // What the page never reads stays out; the enablement fields pass through whole.
    const e = slim.events.find((x) => x.key === 'Security:4688');
    expect(e).not.toHaveProperty('techniques');
    expect(e).not.toHaveProperty('description');
    expect(e?.enable).toEqual(v2.events.find((x) => x.key === 'Security:4688')?.enable);
  });

  it('is written once per version under assets/coverage/, refusing a version that is not a file name', () => {
    expect(coverageDataFile(v2).path).toBe('assets/coverage/2.0.json');
    expect(() => coverageDataPath('../x')).toThrow(UnsafePathError);
    expect(() => coverageDataPath('')).toThrow(UnsafePathError);
  });

  it('refuses a file of another shape, naming what is wrong', () => {
    expect(() => expandCoverageData({ techniques: [] })).toThrow(CoverageDataError);
    const slim = buildCoverageData(v2);
    expect(() => expandCoverageData({ ...slim, techniques: [['T1', 'x', [], '', [99, 0, 0]]] })).toThrow(/event 99/);
    expect(() => expandCoverageData({ ...slim, techniques: [['T1', 'x', [], '', [0, 0]]] })).toThrow(/techniques\[0\]/);
  });

  it('renders the preset counts in the page (nothing to fill in when the script starts)', () => {
    const s = presetSummaries({ events: v2.events });
    expect(s.sysmon).toEqual({ count: '1 event', disabled: false });
    expect(s['security-sysmon-powershell']).toEqual({ count: '2 events', disabled: false });
    expect(s.clear).toEqual({ count: '', disabled: false });
    expect(s['windows-default-client'].count).toMatch(/^\d+ subcategor(y|ies) audited$/);
    expect(presetSummaries({ events: [] }).sysmon).toEqual({ count: 'none in this version', disabled: true });
  });

  it('carries the minimum grade in the address beside the ticks', () => {
    const catalog = eventCatalog(versionDataFromJson(fullDocs(v2)));
    expect(encodeHash(['Sysmon:1'], null, 'named')).toBe('#events=Sysmon:1&min-grade=named');
    expect(encodeHash([], null, 'related')).toBe('');
    expect(decodeHash('#events=Sysmon:1&min-grade=confirmed', catalog)).toEqual({ keys: ['Sysmon:1'], preset: null, minGrade: 'confirmed', problems: [] });
    expect(decodeHash('#min-grade=named', catalog)?.minGrade).toBe('named');
    expect(decodeHash('#events=Sysmon:1&min-grade=detected', catalog)).toEqual({ keys: ['Sysmon:1'], preset: null, minGrade: 'related', problems: ['"detected" is not a grade (confirmed, named, related)'] });
  });
});

describe('the page’s counts on the real data are the CLI’s', async () => {
  const index = JSON.parse(await readFile(path.join(REPO_ROOT, 'data', 'index.json'), 'utf8')) as { latest: string };
  const dir = path.join(REPO_ROOT, 'data', 'enterprise-attack', index.latest);
  const read = async (name: string): Promise<{ [k: string]: never[] } & { attackVersion: string }> => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  const [techniques, events, tactics] = await Promise.all([read('techniques.json'), read('events.json'), read('tactics.json')]);
  const input = { version: index.latest, techniques: techniques.techniques, events: events.events, tactics: tactics.tactics } as unknown as VersionInput;
  const text = coverageDataFile(input).text;
  const model = modelFromText(text);
  const data = versionDataFromJson({ techniques, events, tactics });

  it(`is tens of kB gzipped for ${index.latest}, not the MBs of techniques.json`, async () => {
    const gz = gzipSync(text).length;
    expect(gz).toBeLessThan(60_000);
    expect(gz * 10).toBeLessThan(gzipSync(await readFile(path.join(dir, 'techniques.json'))).length);
  });

  it('counts Security 4688 + Sysmon 1 at each minimum grade as npm run coverage -- --events … --min-grade does', () => {
    const keys = ['Security:4688', 'Sysmon:1'];
    for (const minGrade of GRADES) {
      const cli = computeCoverage(data, keys, { minGrade });
      const page = computePage(model, { inputs: { ...NONE, ticked: keys }, minGrade });
      const pick = (c: { confirmed: number; named: number; related: number; mapped: number }) => [c.confirmed, c.named, c.related, c.mapped];
      expect(pick(page.table.totals), minGrade).toEqual(pick(cli.totals));
      expect(page.table.tactics.map(pick), minGrade).toEqual(cli.tactics.map(pick));
      expect(page.next.map((n) => n.key), minGrade).toEqual(cli.nextBest.map((n) => n.key));
    }
    // The figures the README quotes for 18.1.
    if (index.latest === '18.1') {
      expect(computePage(model, { inputs: { ...NONE, ticked: keys }, minGrade: 'named' }).table.totals).toMatchObject({ confirmed: 191, named: 189, related: 0, mapped: 465 });
    }
  });

  it('with nothing collected: the mapped column at the grade, and the advice of the configuration report', () => {
    for (const minGrade of GRADES) {
      const page = computePage(model, { inputs: NONE, minGrade });
      expect(page.report).toBeNull();
      expect(page.table.totals.mapped).toBe(computeCoverage(data, ['Sysmon:1'], { minGrade }).totals.mapped);
    }
  });
});
