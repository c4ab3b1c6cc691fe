/** Every version in data/index.json loads, agrees with the index counts and yields valid layers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCoverageLayer, buildPublishedLayers, computeCoverage, CoverageError, resolveVersion, validateLayer, versionDataFromJson } from '../../scripts/coverage/index.ts';
import { loadVersionData } from '../../scripts/coverage/load.ts';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');
const index = JSON.parse(readFileSync(path.join(DATA, 'index.json'), 'utf8')) as {
  latest: string;
  versions: Array<{ version: string; counts: { techniques: number; techniquesWithEvents: number; tactics: number; events: number } }>;
};

describe.each(index.versions.map((v) => [v.version, v] as const))('ATT&CK %s', (version, entry) => {
  it('coverage totals match the index counts; per-grade counts add up; layers are valid', async () => {
    const data = await loadVersionData(DATA, version);
    expect(data.attackVersion).toBe(version);
    const r = computeCoverage(data, ['Security:4688'], { top: 3 });
    expect(r.totals.total).toBe(entry.counts.techniques);
    expect(r.totals.mapped).toBe(entry.counts.techniquesWithEvents);
    expect(r.tactics).toHaveLength(entry.counts.tactics);
    expect(r.totals.confirmed + r.totals.named + r.totals.related).toBe(r.totals.seen);
    for (const t of r.tactics) expect(t.confirmed + t.named + t.related, `${version} ${t.shortname}`).toBe(t.seen);
    expect(validateLayer(buildCoverageLayer(data, r))).toEqual([]);
    const layers = buildPublishedLayers(data);
    expect(layers.size).toBe(1 + new Set(data.events.map((e) => e.log)).size);
    for (const [file, layer] of layers) expect(validateLayer(layer), `${version}/${file}`).toEqual([]);
  });
});

describe('resolveVersion', () => {
  it('latest, exact, v-prefixed and major-only', () => {
    expect(resolveVersion(index, 'latest').version).toBe(index.latest);
    expect(resolveVersion(index, 'v18.1')).toEqual({ version: '18.1', path: 'enterprise-attack/18.1' });
    expect(resolveVersion(index, '18').version).toBe('18.1');
    expect(resolveVersion(index, '9').version).toBe('9.0');
  });

  it('unknown: lists what there is', () => {
    expect(() => resolveVersion(index, '7')).toThrow(CoverageError);
    expect(() => resolveVersion(index, '7')).toThrow(/no ATT&CK version "7" in the data; available: 6\.3, 8\.2, /);
    expect(() => resolveVersion({}, 'latest')).toThrow(/index\.json: expected an object/);
  });
});

describe('versionDataFromJson', () => {
  const techniques = { attackVersion: '1.0', techniques: [{ id: 'T1059', name: 'CSI', tactics: ['execution'], isSubtechnique: false, parent: '', events: [{ key: 'Sysmon:1', grade: 'named', rules: 0 }] }] };
  const events = { attackVersion: '1.0', events: [{ key: 'Sysmon:1', log: 'Sysmon', eventId: '1', name: 'Process creation', channel: 'Microsoft-Windows-Sysmon/Operational' }] };
  const tactics = { attackVersion: '1.0', tactics: [{ id: 'TA0002', shortname: 'execution', name: 'Execution' }] };

  it('narrows well-formed artifacts', () => {
    const d = versionDataFromJson({ techniques, events, tactics });
    expect(d.attackVersion).toBe('1.0');
    expect(d.techniques[0]?.events).toEqual([{ key: 'Sysmon:1', grade: 'named', rules: 0 }]);
    expect(computeCoverage(d, ['Sysmon:1']).totals).toEqual({ seen: 1, confirmed: 0, named: 1, related: 0, mapped: 1, total: 1 });
  });

  it('names the file and field that is wrong', () => {
    expect(() => versionDataFromJson({ techniques: [], events, tactics })).toThrow('techniques.json: expected an object with "attackVersion" and a "techniques" list');
    expect(() => versionDataFromJson({ techniques, events: { ...events, attackVersion: '2.0' }, tactics })).toThrow(/artifacts of different versions/);
    const bad = { ...techniques, techniques: [{ ...techniques.techniques[0], tactics: 'execution' }] };
    expect(() => versionDataFromJson({ techniques: bad, events, tactics })).toThrow('techniques.json: techniques[0] has no valid "tactics"');
    // Links without a grade and a rule count (artifacts from before grades) are refused.
    for (const link of [{ key: 'Sysmon:1' }, { key: 'Sysmon:1', grade: 'strong', rules: 0 }, { key: 'Sysmon:1', grade: 'named', rules: -1 }]) {
      const old = { ...techniques, techniques: [{ ...techniques.techniques[0], events: [link] }] };
      expect(() => versionDataFromJson({ techniques: old, events, tactics })).toThrow('techniques.json: techniques[0] has no valid "events"');
    }
  });
});
