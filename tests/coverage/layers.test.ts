import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS_LAYER_FILE,
  attackMajor,
  buildAllEventsLayer,
  buildCoverageLayer,
  buildLogLayer,
  buildPublishedLayers,
  computeCoverage,
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

  it('has the 4.5 header, Windows filter and a 0–1 gradient', () => {
    expect(layer.versions).toEqual({ attack: '42', navigator: '4.9.1', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.filters).toEqual({ platforms: ['Windows'] });
    expect(layer.gradient).toMatchObject({ minValue: 0, maxValue: 1 });
    expect(layer.legendItems).toHaveLength(3);
    expect(validateLayer(layer)).toEqual([]);
  });

  it('gives a technique in several tactics one entry per tactic, a single-tactic one a single entry without tactic', () => {
    expect(entries(layer, 'T1078').map((t) => t.tactic)).toEqual(['persistence', 'privilege-escalation', 'defense-evasion']);
    expect(entries(layer, 'T1059')).toHaveLength(1);
    expect(entries(layer, 'T1059')[0]).not.toHaveProperty('tactic');
    const expected = FIXTURE.techniques.reduce((n, t) => n + Math.max(1, t.tactics.length), 0);
    expect(layer.techniques).toHaveLength(expected);
  });

  it('scores 1 for seen, 0 for mapped but not seen, disables unmapped; comments list the events', () => {
    expect(entries(layer, 'T1078').map((t) => [t.score, t.comment])).toEqual(Array(3).fill([1, 'Seen through Security:4624.']));
    expect(entries(layer, 'T1059')[0]).toMatchObject({ score: 1, comment: 'Seen through Sysmon:1.', metadata: [{ name: 'status', value: 'seen' }, { name: 'seen through', value: 'Sysmon:1' }] });
    expect(entries(layer, 'T1003')[0]).toMatchObject({ score: 0, comment: 'Not seen. Mapped events: Sysmon:10.' });
    for (const e of entries(layer, 'T1543')) {
      expect(e.enabled).toBe(false);
      expect(e).not.toHaveProperty('score');
    }
    // Parents whose sub-technique is seen open by default.
    expect(entries(layer, 'T1003')[0]?.showSubtechniques).toBe(true);
    expect(entries(layer, 'T1543')[0]).not.toHaveProperty('showSubtechniques');
  });

  it('refuses a report of another version', () => {
    expect(() => buildCoverageLayer({ ...FIXTURE, attackVersion: '1.0' }, report)).toThrow(/report is for ATT&CK 42\.1/);
  });
});

describe('published layers (fixture)', () => {
  const layers = buildPublishedLayers(FIXTURE);

  it('one heat map of all events, then one per log with events', () => {
    expect([...layers.keys()]).toEqual(['layer-all-events.json', 'layer-security.json', 'layer-sysmon.json', 'layer-powershell.json', 'layer-system.json', 'layer-taskscheduler.json']);
    for (const [file, l] of layers) expect(validateLayer(l), file).toEqual([]);
  });

  it('scores the number of distinct events, overall and per log', () => {
    const all = layers.get(ALL_EVENTS_LAYER_FILE)!;
    expect(entries(all, 'T1003.001')[0]).toMatchObject({ score: 2, comment: '2 mapped Windows events: Sysmon:1, Sysmon:10.' });
    expect(entries(all, 'T1053.005').map((t) => t.score)).toEqual([2, 2, 2]);
    expect(entries(all, 'T1053.005')[0]?.metadata).toEqual([
      { name: 'Security', value: '1 event' },
      { name: 'TaskScheduler', value: '1 event' },
    ]);
    expect(all.gradient).toEqual({ colors: ['#deebf7', '#6baed6', '#08519c'], minValue: 1, maxValue: 2 });
    const sec = layers.get('layer-security.json')!;
    expect(entries(sec, 'T1078').map((t) => t.score)).toEqual([2, 2, 2]);
    expect(entries(sec, 'T1078')[0]?.comment).toBe('2 mapped Security events: Security:1 (Audit event one); Security:4624 (An account was successfully logged on).');
    // Techniques without events of the log are left unscored (not listed).
    expect(entries(sec, 'T1003.001')).toEqual([]);
    expect(sec.techniques.map((t) => t.techniqueID)).toEqual(['T1053.005', 'T1053.005', 'T1053.005', 'T1059', 'T1078', 'T1078', 'T1078']);
    expect(entries(layers.get('layer-sysmon.json')!, 'T1003.001')[0]?.score).toBe(2);
    expect(entries(all, 'T1053')).toEqual([]);
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

  it('builds one valid layer for all events and one per log', () => {
    const logs = [...new Set(data.events.map((e) => e.log))];
    expect(layers.size).toBe(1 + logs.length);
    expect(new Set(layers.keys())).toEqual(new Set([ALL_EVENTS_LAYER_FILE, ...logs.map(logLayerFile)]));
    expect(layers.has('layer-security.json') && layers.has('layer-sysmon.json')).toBe(true);
    for (const [file, l] of layers) {
      expect(validateLayer(l), file).toEqual([]);
      expect(l.versions.attack).toBe('18');
    }
  });

  it('scores match techniques.json: distinct events, and per log that log’s events', () => {
    const all = layers.get(ALL_EVENTS_LAYER_FILE)!;
    const sysmon = layers.get('layer-sysmon.json')!;
    const logOf = new Map(data.events.map((e) => [e.key, e.log]));
    for (const t of data.techniques) {
      const n = new Set(t.events.map((e) => e.key)).size;
      const mine = entries(all, t.id);
      expect(mine, t.id).toHaveLength(n > 0 ? Math.max(1, t.tactics.length) : 0);
      if (n > 0 && t.tactics.length > 1) expect(mine.map((e) => e.tactic)).toEqual(t.tactics);
      for (const e of mine) expect(e.score, t.id).toBe(n);
      const nSysmon = t.events.filter((e) => logOf.get(e.key) === 'Sysmon').length;
      const inSysmon = entries(sysmon, t.id);
      expect(inSysmon, t.id).toHaveLength(nSysmon > 0 ? Math.max(1, t.tactics.length) : 0);
      for (const e of inSysmon) expect(e.score, t.id).toBe(nSysmon);
    }
    const max = Math.max(...data.techniques.map((t) => t.events.length));
    expect(all.gradient.maxValue).toBe(max);
  });
});
