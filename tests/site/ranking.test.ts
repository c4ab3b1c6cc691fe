/**
 * Strongest first on the real data (data/, or the folder in $PAGES_DATA): the technique, event and
 * home pages of the latest version as the page builders make them, without Eleventy.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataComponentArtifact, EventArtifact, IndexEntry, TacticArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import type { RuleArtifact } from '../../scripts/diff/types.ts';
import { versionContext } from '../../scripts/pages/context.ts';
import { eventPage } from '../../scripts/pages/event.ts';
import { homePage } from '../../scripts/pages/home.ts';
import { buildPresence } from '../../scripts/pages/presence.ts';
import { techniquePage } from '../../scripts/pages/technique.ts';
import type { VersionInput } from '../../scripts/pages/types.ts';
import { scopesFor } from '../../scripts/pages/urls.ts';

const DATA = process.env.PAGES_DATA ? path.resolve(process.env.PAGES_DATA) : path.join(REPO_ROOT, 'data');
const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { latest: string; versions: IndexEntry[] };
const LATEST = index.latest;

async function version(v: string): Promise<VersionInput> {
  const entry = index.versions.find((x) => x.version === v);
  if (!entry) throw new Error(`no version ${v} in ${DATA}`);
  const read = async <T>(name: string): Promise<T> => JSON.parse(await readFile(path.join(DATA, entry.path, name), 'utf8')) as T;
  return {
    version: v,
    era: entry.era,
    counts: entry.counts,
    techniques: (await read<{ techniques: TechniqueArtifact[] }>('techniques.json')).techniques,
    events: (await read<{ events: EventArtifact[] }>('events.json')).events,
    tactics: (await read<{ tactics: TacticArtifact[] }>('tactics.json')).tactics,
    dataComponents: (await read<{ dataComponents: DataComponentArtifact[] }>('data-components.json')).dataComponents,
    rules: (await read<{ rules: RuleArtifact[] }>('rules.json')).rules,
    files: [],
  };
}

const latest = await version(LATEST);
const older = index.versions.map((v) => v.version).filter((v) => Number.parseInt(v, 10) < Number.parseInt(LATEST, 10)).at(-1) ?? '';
const previous = older ? await version(older) : undefined;
const presence = buildPresence(previous ? [previous, latest] : [latest], LATEST);
const ctx = versionContext(latest, presence);
const root = scopesFor(LATEST, LATEST)[0];
if (!root) throw new Error('no root scope');
const technique = (id: string) => {
  const t = latest.techniques.find((x) => x.id === id);
  if (!t) throw new Error(`no ${id} in ${LATEST}`);
  return techniquePage(ctx, root, t).data;
};
const event = (key: string) => {
  const e = latest.events.find((x) => x.key === key);
  if (!e) throw new Error(`no ${key} in ${LATEST}`);
  return eventPage(ctx, root, e).data;
};
const RULE_SITE = /^https:\/\/(?:research\.splunk\.com|car\.mitre\.org)\//;

describe(`technique pages of ATT&CK ${LATEST}, strongest first`, () => {
  it('T1003.001 leads with Sysmon 10, confirmed, with its rules linked', () => {
    const t = technique('T1003.001');
    const first = t.groups[0];
    expect(first?.grade).toBe('confirmed');
    const row = first?.rows[0];
    expect(row?.key).toBe('Sysmon:10');
    expect(row?.rules).toBeGreaterThanOrEqual(5);
    const rules = [...(row?.ruleLinks ?? []), ...(row?.moreRules ?? [])];
    expect(rules).toHaveLength(row?.rules ?? -1);
    expect(row?.ruleLinks).toHaveLength(3);
    for (const r of rules) expect(r.url, r.id).toMatch(RULE_SITE);
    expect(rules.map((r) => r.source)).toEqual(expect.arrayContaining(['MITRE CAR']));
    expect(t.ruleSources.length).toBeGreaterThan(0);
    // Every group in grade order, every row strongest first inside it.
    expect(t.groups.map((g) => g.grade)).toEqual(['confirmed', 'named']);
    for (const g of t.groups) expect(g.rows.map((r) => r.rules)).toEqual([...g.rows.map((r) => r.rules)].sort((a, b) => b - a));
    expect(t.related?.count).toBe(t.grades.related);
    expect((t.groups[0]?.count ?? 0) + (t.groups[1]?.count ?? 0) + (t.related?.count ?? 0)).toBe(t.eventCount);
  });

  it("T1003.001's named rows link ATT&CK's analytic with its channel note, and the analytic says what it looks for and what to tune", () => {
    const t = technique('T1003.001');
    const named = t.groups.find((g) => g.grade === 'named');
    const row = named?.rows.find((r) => r.key === 'Security:4673');
    expect(row?.analytics).toEqual([{ ref: expect.stringMatching(/^DET\d{4}\/AN\d{4}$/), url: expect.stringMatching(/^https:\/\/attack\.mitre\.org\/detectionstrategies\/DET\d{4}#AN\d{4}$/), anchor: expect.stringMatching(/^analytic-det\d{4}-an\d{4}$/), channel: 'EventCode=4673' }]);
    // The analytic texts are in techniques.json from this change on: a data folder built before it has none (rebuild it: npm run data).
    const a = t.analytics.find((x) => x.ref === row?.analytics[0]?.ref);
    expect(a, `no text for ${row?.analytics[0]?.ref} in ${DATA}: rebuild the data (npm run data)`).toBeDefined();
    expect(a?.description.map((p) => p.text).join('')).toMatch(/lsass/i);
    expect(a?.tune.map((m) => m.field)).toContain('AccessMask');
    expect(a?.events.map((e) => e.label)).toEqual(expect.arrayContaining(['Sysmon 10', 'Security 4673']));
  });

  it('folds the related events of T1480 and keeps the rest short', () => {
    const t = technique('T1480');
    expect(t.related?.count).toBeGreaterThan(20);
    expect(t.groups.reduce((s, g) => s + g.count, 0)).toBeLessThan(t.eventCount - 20);
  });

  it.runIf(previous)(`links attack.mitre.org of ATT&CK ${older} to its archived site`, () => {
    const t = previous?.techniques.find((x) => x.id === 'T1003.001');
    if (!previous || !t) throw new Error(`no T1003.001 in ${older}`);
    const scope = scopesFor(older, LATEST)[0];
    if (!scope) throw new Error('no scope');
    const view = techniquePage(versionContext(previous, presence), scope, t).data;
    expect(view.attackUrl).toBe(`https://attack.mitre.org/versions/v${Number.parseInt(older, 10)}/techniques/T1003/001/`);
    expect(technique('T1003.001').attackUrl).toBe('https://attack.mitre.org/techniques/T1003/001');
  });
});

describe(`event pages of ATT&CK ${LATEST}`, () => {
  it('Security 4688 leads with its confirmed techniques, folds the related ones and says how broad it is', () => {
    const raw = latest.events.find((e) => e.key === 'Security:4688');
    const e = event('Security:4688');
    const confirmed = raw?.techniques.filter((x) => x.grade === 'confirmed') ?? [];
    const related = raw?.techniques.filter((x) => x.grade === 'related') ?? [];
    expect(confirmed.length).toBeGreaterThan(50);
    expect(e.groups[0]?.grade).toBe('confirmed');
    expect(e.groups[0]?.rows.map((r) => r.id)).toEqual(confirmed.map((x) => x.id));
    expect(e.groups[0]?.rows[0]?.rules).toBe(Math.max(...confirmed.map((x) => x.rules)));
    expect(e.groups[0]?.rows[0]?.evidence.some((k) => k === 'Splunk rule' || k === 'CAR analytic')).toBe(true);
    expect(e.related?.count).toBe(related.length);
    expect(e.breadth).toMatch(new RegExp(`^Security 4688 is related to ${raw?.techniques.length} of the ${latest.counts.techniques} Windows techniques: public detection rules use it for ${confirmed.length}; `));
    expect(e.breadth).toContain(`${related.length} are only related`);
  });

  it('Sysmon 1 too, and every technique row says its evidence', () => {
    const e = event('Sysmon:1');
    expect(e.groups[0]?.grade).toBe('confirmed');
    expect(e.breadth).toMatch(/^Sysmon 1 is related to \d+ of the \d+ Windows techniques: public detection rules use it for \d+/);
    for (const g of [...e.groups, ...(e.related ? [e.related] : [])]) for (const r of g.rows) expect(r.evidence.length, r.id).toBeGreaterThan(0);
  });
});

describe(`home page of ATT&CK ${LATEST}: collect first`, () => {
  const h = homePage(ctx, root).data;
  it('ranks by techniques newly confirmed by a rule, then named, then related', () => {
    const named = latest.events.filter((e) => e.name.trim() !== '');
    const confirmedOf = (e: EventArtifact): number => e.techniques.filter((x) => x.grade === 'confirmed').length;
    const first = h.priorities[0];
    expect(first && confirmedOf(named.find((e) => e.key === first.key) as EventArtifact)).toBe(Math.max(...named.map(confirmedOf)));
    // A greedy cover: what each event confirms anew never grows down the list, and every event gains something.
    const gains = h.priorities.map((p) => p.gain.confirmed);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    for (const p of h.priorities) expect(p.gain.confirmed + p.gain.named + p.gain.related, p.key).toBeGreaterThan(0);
    // Not by breadth: Security 4688, related to most techniques, is not first.
    expect(first?.key).not.toBe('Security:4688');
    const confirmedAnywhere = new Set(named.flatMap((e) => e.techniques.filter((x) => x.grade === 'confirmed').map((x) => x.id)));
    expect(h.priorities.at(-1)?.confirmed).toBe(confirmedAnywhere.size);
    expect(h.coverable.confirmed).toBe(confirmedAnywhere.size);
  });

  it('never lists an event without a name', () => {
    expect(h.unnamed).toBeGreaterThan(0);
    for (const p of h.priorities) expect(p.name.trim(), p.key).not.toBe('');
  });
});
