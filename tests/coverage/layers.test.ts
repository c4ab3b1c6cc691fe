import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS_LAYER_FILE,
  attackMajor,
  buildCoverageLayer,
  buildLogLayer,
  buildPublishedLayers,
  computeCoverage,
  expandScoredParents,
  type Grade,
  GRADE_SCORE,
  gradeCounts,
  type LayerTechnique,
  LAYER_SCHEMA,
  logLayerFile,
  logSlug,
  type NavigatorLayer,
  publishedLayerFiles,
  validateLayer,
  versionDataFromFiles,
} from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';
import { contrastWithWhite, navigatorProblems } from './navigator.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const entries = (layer: NavigatorLayer, id: string): LayerTechnique[] => layer.techniques.filter((t) => t.techniqueID === id);
const clone = (l: NavigatorLayer): NavigatorLayer => JSON.parse(JSON.stringify(l)) as NavigatorLayer;

describe('layer schema', () => {
  const good = buildCoverageLayer(FIXTURE, computeCoverage(FIXTURE, ['Sysmon:1']));

  it('accepts our layers and rejects {}', () => {
    expect(validateLayer(good)).toEqual([]);
    const problems = validateLayer({});
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/must have required property 'name'/);
  });

  it('rejects a wrong layer version, domain, technique ID, colour, unknown field and maxValue ≤ minValue', () => {
    const cases: Array<[(l: NavigatorLayer) => void, RegExp]> = [
      [(l) => (l.versions.layer = '4.4'), /\/versions\/layer must be equal to constant/],
      [(l) => (l.versions.navigator = '4.8.0'), /\/versions\/navigator must match pattern/],
      [(l) => (l.domain = 'mitre-enterprise'), /\/domain must be equal to one of the allowed values/],
      [(l) => (l.techniques[0]!.techniqueID = 'T59'), /\/techniques\/0\/techniqueID must match pattern/],
      [(l) => (l.gradient.colors = ['red', '#00ff00']), /\/gradient\/colors\/0 must match pattern/],
      [(l) => Object.assign(l.techniques[0]!, { techniqueId: 'T1059' }), /\/techniques\/0 must NOT have additional properties/],
      [(l) => (l.gradient.maxValue = l.gradient.minValue), /maxValue .* must be greater than minValue/],
    ];
    for (const [mutate, message] of cases) {
      const l = clone(good);
      mutate(l);
      expect(validateLayer(l).join('\n')).toMatch(message);
    }
  });

  it('rejects a technique twice under one tactic, or with and without a tactic', () => {
    const twice = clone(good);
    const t1078 = entries(twice, 'T1078')[0]!;
    twice.techniques.push({ ...t1078 });
    expect(validateLayer(twice)).toEqual([`/techniques T1078 appears twice under tactic ${t1078.tactic}`]);
    const mixed = clone(good);
    mixed.techniques.push({ techniqueID: 'T1078', score: 0 });
    expect(validateLayer(mixed)).toEqual(['/techniques T1078 appears both with and without a tactic']);
  });

  it('is a draft-07 schema object with the 4.5 layer version pinned', () => {
    const schema = LAYER_SCHEMA as { required: string[]; properties: { versions: { properties: { layer: unknown } } } };
    expect(schema.properties.versions.properties.layer).toEqual({ const: '4.5' });
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'versions', 'domain', 'techniques']));
  });
});

describe('coverage layer', () => {
  const report = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4624']);
  const layer = buildCoverageLayer(FIXTURE, report);

  it('has the 4.5 header, Windows filter and a 0–3 gradient whose every step is visible', () => {
    expect(layer.versions).toEqual({ attack: '42', navigator: '4.9.1', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.filters).toEqual({ platforms: ['Windows'] });
    expect(layer.gradient).toEqual({ colors: ['#ff6666', '#a6d96a', '#66bd63', '#1a9850'], minValue: 0, maxValue: 3 });
    for (const c of layer.gradient.colors) expect(contrastWithWhite(c), c).toBeGreaterThan(1.5);
    expect(validateLayer(layer)).toEqual([]);
    expect(navigatorProblems(layer, FIXTURE)).toEqual([]);
  });

  it('gives a technique in several tactics one entry per tactic, a single-tactic one a single entry without tactic', () => {
    expect(entries(layer, 'T1078').map((t) => t.tactic)).toEqual(['persistence', 'privilege-escalation', 'defense-evasion']);
    expect(entries(layer, 'T1059')).toHaveLength(1);
    expect(entries(layer, 'T1059')[0]).not.toHaveProperty('tactic');
    const expected = FIXTURE.techniques.reduce((n, t) => n + Math.max(1, t.tactics.length), 0);
    expect(layer.techniques).toHaveLength(expected);
  });

  it('scores the best grade of the collected links (confirmed 3, named 2, related 1), 0 for mapped but not collected, disables unmapped', () => {
    expect(entries(layer, 'T1078').map((t) => [t.score, t.comment])).toEqual(Array(3).fill([3, 'Confirmed. Collected: Security:4624 (confirmed, 1 rule).']));
    expect(entries(layer, 'T1059')[0]).toMatchObject({ score: 3, comment: 'Confirmed. Collected: Sysmon:1 (confirmed, 2 rules).' });
    expect(entries(layer, 'T1059.001')[0]).toMatchObject({ score: 2, comment: 'Named. Collected: Sysmon:1 (named).' });
    expect(entries(layer, 'T1003.001')[0]).toMatchObject({ score: 1, comment: 'Related. Collected: Sysmon:1 (related).' });
    expect(entries(layer, 'T1003')[0]).toMatchObject({ score: 0, comment: 'Not collected. Mapped: Sysmon:10 (confirmed, 3 rules).' });
    for (const e of entries(layer, 'T1543')) {
      expect(e.enabled).toBe(false);
      expect(e).not.toHaveProperty('score');
    }
    // Every score follows the report's grade.
    const want = new Map<string, number>([...report.seen.map((t) => [t.id, GRADE_SCORE[t.grade]] as [string, number]), ...report.unseen.map((t) => [t.id, 0] as [string, number])]);
    for (const e of layer.techniques) expect(e.score, e.techniqueID).toBe(want.get(e.techniqueID));
  });

  it('opens every parent whose sub-techniques are scored, per tactic', () => {
    // T1003.001 (scored 1) → T1003; T1053.005 (scored 0, three tactics) → T1053 under each; T1543.003 → T1543 under both.
    expect(entries(layer, 'T1003')[0]?.showSubtechniques).toBe(true);
    expect(entries(layer, 'T1053').map((e) => [e.tactic, e.showSubtechniques])).toEqual([
      ['execution', true],
      ['persistence', true],
      ['privilege-escalation', true],
    ]);
    expect(entries(layer, 'T1543').map((e) => e.showSubtechniques)).toEqual([true, true]);
    expect(entries(layer, 'T1006')[0]).not.toHaveProperty('showSubtechniques');
    expect(entries(layer, 'T1003.001')[0]).not.toHaveProperty('showSubtechniques');
  });

  it('has legend entries only for the scores that occur, and none for disabled cells', () => {
    expect(layer.legendItems).toEqual([
      { label: 'confirmed (3): a detection rule uses a collected event', color: '#1a9850' },
      { label: 'named (2): an ATT&CK analytic names a collected event', color: '#66bd63' },
      { label: 'related (1): a collected event, only through a data component', color: '#a6d96a' },
      { label: 'mapped, not collected (0)', color: '#ff6666' },
    ]);
    const onlyConfirmed = buildCoverageLayer(FIXTURE, computeCoverage(FIXTURE, ['Security:4624']));
    expect(onlyConfirmed.legendItems.map((i) => i.label)).toEqual(['confirmed (3): a detection rule uses a collected event', 'mapped, not collected (0)']);
    expect(navigatorProblems(onlyConfirmed, FIXTURE)).toEqual([]);
  });

  it('keeps comments short: the strongest three links, then "… and N more"', () => {
    // T1078 named by every event but PowerShell:4104.
    const keys = FIXTURE.events.map((e) => e.key).filter((k) => k !== 'PowerShell:4104');
    const many = { ...FIXTURE, techniques: FIXTURE.techniques.map((t) => (t.id === 'T1078' ? { ...t, events: keys.map((key) => ({ key, grade: 'named' as const, rules: 0 })) } : t)) };
    const seen = buildCoverageLayer(many, computeCoverage(many, ['Sysmon:1', 'Sysmon:9', 'Sysmon:10', 'Sysmon:19']));
    expect(entries(seen, 'T1078')[0]?.comment).toBe('Named. Collected: Sysmon:1 (named), Sysmon:9 (named), Sysmon:10 (named) … and 1 more.');
    const notCollected = buildCoverageLayer(many, computeCoverage(many, ['PowerShell:4104']));
    expect(entries(notCollected, 'T1078')[0]?.comment).toBe('Not collected. Mapped: Security:1 (named), Security:4104 (named), Security:4624 (named) … and 7 more.');
  });

  it('at --min-grade named: related links score nothing, techniques with only related links are disabled', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4624'], { minGrade: 'named' });
    const l = buildCoverageLayer(FIXTURE, r);
    expect(validateLayer(l)).toEqual([]);
    expect(navigatorProblems(l, FIXTURE)).toEqual([]);
    expect(entries(l, 'T1003.001')[0]).toMatchObject({ score: 0 });
    expect(entries(l, 'T1543.003').map((e) => [e.enabled, e.comment])).toEqual(Array(2).fill([false, 'No Windows event mapped at grade named or better in ATT&CK 42.1.']));
    expect(l.legendItems.map((i) => i.label)).not.toContain('related (1): a collected event, only through a data component');
    expect(l.metadata).toContainEqual({ name: 'minimum grade', value: 'named' });
  });

  it('refuses a report of another version', () => {
    expect(() => buildCoverageLayer({ ...FIXTURE, attackVersion: '1.0' }, report)).toThrow(/report is for ATT&CK 42\.1/);
  });
});

describe('expandScoredParents', () => {
  it('adds an unscored parent entry per tactic where a sub-technique is scored, and keeps the order by ID then tactic', () => {
    const out = expandScoredParents(FIXTURE, [
      { techniqueID: 'T1053.005', tactic: 'persistence', score: 1 },
      { techniqueID: 'T1003.001', score: 2 },
      { techniqueID: 'T1543.003', tactic: 'persistence' },
    ]);
    expect(out).toEqual([
      { techniqueID: 'T1003', showSubtechniques: true },
      { techniqueID: 'T1003.001', score: 2 },
      { techniqueID: 'T1053', tactic: 'persistence', showSubtechniques: true },
      { techniqueID: 'T1053.005', tactic: 'persistence', score: 1 },
      { techniqueID: 'T1543.003', tactic: 'persistence' },
    ]);
  });
});

describe('published layers (fixture)', () => {
  const layers = buildPublishedLayers(FIXTURE);

  it('one heat map of all events, then one per log with events; all valid and as the Navigator reads them', () => {
    expect([...layers.keys()]).toEqual(['layer-all-events.json', 'layer-security.json', 'layer-sysmon.json', 'layer-powershell.json', 'layer-system.json', 'layer-taskscheduler.json']);
    for (const [file, l] of layers) {
      expect(validateLayer(l), file).toEqual([]);
      expect(navigatorProblems(l, FIXTURE), file).toEqual([]);
      expect(l.sorting, file).toBe(3);
    }
  });

  it('scores the best grade of the events, overall and per log, with the rule counts in the comment', () => {
    const all = layers.get(ALL_EVENTS_LAYER_FILE)!;
    expect(entries(all, 'T1003.001')[0]).toMatchObject({ score: 3, comment: 'Best grade confirmed (1 confirmed, 1 related Windows events): Sysmon:10 (7 rules), Sysmon:1.' });
    expect(entries(all, 'T1053.005').map((t) => t.score)).toEqual([3, 3, 3]);
    expect(entries(all, 'T1006')[0]).toMatchObject({ score: 2, comment: 'Best grade named: Sysmon:9.' });
    expect(entries(all, 'T1543.003').map((t) => t.score)).toEqual([1, 1]);
    expect(all.gradient).toEqual({ colors: ['#9ecae1', '#4292c6', '#08519c'], minValue: 1, maxValue: 3 });
    expect(all.legendItems).toEqual([
      { label: 'confirmed (3): a detection rule uses the Windows event', color: '#08519c' },
      { label: 'named (2): an ATT&CK analytic names the Windows event', color: '#4292c6' },
      { label: 'related (1): only through a data component', color: '#9ecae1' },
      { label: 'no Windows event mapped (unscored)', color: '#ffffff' },
    ]);
    expect(all.description).toContain('10 Windows events map to 9 of 11 Windows techniques (best grade: 6 confirmed, 2 named, 1 related;');
    const sec = layers.get('layer-security.json')!;
    // Per log: the best grade of that log's events only (T1059: Security:4688 is related; Sysmon:1 confirms it elsewhere).
    expect(entries(sec, 'T1059')[0]).toMatchObject({ score: 1, comment: 'Best grade related: Security:4688.' });
    expect(entries(sec, 'T1078').map((t) => t.score)).toEqual([3, 3, 3]);
    expect(entries(sec, 'T1078')[0]?.comment).toBe('Best grade confirmed (1 confirmed, 1 related Security events): Security:4624 (1 rule), Security:1.');
    // Techniques without events of the log are left unscored (not listed); their parents open where a sub-technique is scored.
    expect(entries(sec, 'T1003.001')).toEqual([]);
    expect(sec.techniques.map((t) => [t.techniqueID, t.score ?? null])).toEqual([
      ['T1053', null],
      ['T1053', null],
      ['T1053', null],
      ['T1053.005', 2],
      ['T1053.005', 2],
      ['T1053.005', 2],
      ['T1059', 1],
      ['T1078', 3],
      ['T1078', 3],
      ['T1078', 3],
    ]);
    expect(entries(layers.get('layer-sysmon.json')!, 'T1003.001')[0]?.score).toBe(3);
    expect(entries(all, 'T1053').map((e) => e.showSubtechniques)).toEqual([true, true, true]);
    expect(entries(all, 'T1053').every((e) => e.score === undefined)).toBe(true);
  });

  it('lists legend entries only for the grades that occur in each layer', () => {
    const system = layers.get('layer-system.json')!;
    expect(system.legendItems.map((i) => i.label)).toEqual(['related (1): only through a data component', 'no System event mapped (unscored)']);
    const ts = layers.get('layer-taskscheduler.json')!;
    expect(ts.legendItems.map((i) => i.label)).toEqual(['confirmed (3): a detection rule uses the TaskScheduler event', 'no TaskScheduler event mapped (unscored)']);
    expect(ts.description).toContain('1 TaskScheduler event maps to 1 of 11 Windows techniques');
  });

  it('accepts the pipeline’s artifact map as well as parsed data', () => {
    const files = new Map([
      ['techniques.json', JSON.stringify({ attackVersion: '42.1', techniques: FIXTURE.techniques })],
      ['events.json', JSON.stringify({ attackVersion: '42.1', events: FIXTURE.events })],
      ['tactics.json', JSON.stringify({ attackVersion: '42.1', tactics: FIXTURE.tactics })],
    ]);
    expect(buildPublishedLayers({ files })).toEqual(layers);
    const json = new Map([...files].map(([f, text]) => [f, JSON.parse(text) as unknown]));
    expect(buildPublishedLayers({ files: new Map(), json })).toEqual(layers);
    expect(() => buildPublishedLayers({ files: new Map() })).toThrow(/techniques\.json is missing/);
    expect(() => buildPublishedLayers({ files: new Map([['techniques.json', '{']]) })).toThrow(/techniques\.json: not valid JSON/);
  });

  it('publishedLayerFiles gives the bytes to write: validated, 2-space JSON with a trailing newline', () => {
    const texts = publishedLayerFiles(FIXTURE);
    expect([...texts.keys()]).toEqual([...layers.keys()]);
    const text = texts.get('layer-sysmon.json') ?? '';
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "name": "Windows events: Sysmon (ATT&CK 42.1)",\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(layers.get('layer-sysmon.json'));
  });

  it('names files by log slug', () => {
    expect(logSlug('Microsoft-Windows-SMBClient/Security')).toBe('microsoft-windows-smbclient-security');
    expect(logLayerFile('TaskScheduler')).toBe('layer-taskscheduler.json');
    expect(attackMajor('18.1')).toBe('18');
    expect(() => buildLogLayer(FIXTURE, 'Defender')).toThrow(/no Defender events/);
  });
});

describe('published layers from the committed data (18.1)', () => {
  const dir = path.join(REPO, 'data', 'enterprise-attack', '18.1');
  const files = new Map(['techniques.json', 'events.json', 'tactics.json'].map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
  const data = versionDataFromFiles(files);
  const layers = buildPublishedLayers({ files });
  const raw = (JSON.parse(files.get('techniques.json') ?? '{}') as { techniques: Array<{ id: string; tactics: string[]; events: Array<{ key: string; log: string; grade: Grade; rules: number }> }> }).techniques;

  it('builds one valid layer for all events and one per log, each as the Navigator reads it', () => {
    const logs = [...new Set(data.events.map((e) => e.log))];
    expect(layers.size).toBe(1 + logs.length);
    expect(new Set(layers.keys())).toEqual(new Set([ALL_EVENTS_LAYER_FILE, ...logs.map(logLayerFile)]));
    expect(layers.has('layer-security.json') && layers.has('layer-sysmon.json')).toBe(true);
    for (const [file, l] of layers) {
      expect(validateLayer(l), file).toEqual([]);
      expect(navigatorProblems(l, data), file).toEqual([]);
      expect(l.versions.attack).toBe('18');
    }
  });

  it('scores match techniques.json: the best grade of its events, and per log of that log’s events; the top rule count is in the comment', () => {
    const all = layers.get(ALL_EVENTS_LAYER_FILE)!;
    const sysmon = layers.get('layer-sysmon.json')!;
    const rank = (g: Grade): number => ['confirmed', 'named', 'related'].indexOf(g);
    const best = (evs: Array<{ grade: Grade; rules: number }>) => [...evs].sort((a, b) => rank(a.grade) - rank(b.grade) || b.rules - a.rules)[0];
    for (const t of raw) {
      const top = best(t.events);
      const mine = entries(all, t.id).filter((e) => e.score !== undefined);
      expect(mine, t.id).toHaveLength(top ? Math.max(1, t.tactics.length) : 0);
      if (top && t.tactics.length > 1) expect(mine.map((e) => e.tactic)).toEqual(t.tactics);
      for (const e of mine) expect(e.score, t.id).toBe(top ? GRADE_SCORE[top.grade] : undefined);
      if (top?.grade === 'confirmed') expect(mine[0]?.comment, t.id).toContain(`(${top.rules} rule${top.rules === 1 ? '' : 's'})`);
      const topSysmon = best(t.events.filter((e) => e.log === 'Sysmon'));
      const inSysmon = entries(sysmon, t.id).filter((e) => e.score !== undefined);
      expect(inSysmon, t.id).toHaveLength(topSysmon ? Math.max(1, t.tactics.length) : 0);
      for (const e of inSysmon) expect(e.score, t.id).toBe(topSysmon ? GRADE_SCORE[topSysmon.grade] : undefined);
    }
    const byGrade = gradeCounts(raw.flatMap((t) => (best(t.events) ? [best(t.events)!.grade] : [])));
    expect(all.metadata).toContainEqual({ name: 'techniques by best grade', value: `${byGrade.confirmed} confirmed, ${byGrade.named} named, ${byGrade.related} related` });
  });
});
