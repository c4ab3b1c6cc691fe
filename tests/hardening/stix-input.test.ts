/**
 * Hostile or broken upstream STIX: identifiers that would become paths (`../../../../README`,
 * `"><script>`), `javascript:` URLs, techniques without an ATT&CK ID and IDs carried twice. Each
 * is left out (or its URL dropped) where the bundle is read, and reported in report.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../scripts/attack/stix.ts';
import { buildVersionArtifacts, type TacticArtifact, type TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import { validateArtifact } from '../../scripts/artifacts/schemas.ts';
import { mapVersion } from '../../scripts/mapping/map.ts';
import type { Problem, VersionMapping } from '../../scripts/mapping/types.ts';
import { fixtureCatalog } from '../fixtures/ossem.ts';
import { repoRoot } from '../helpers/mirror-server.ts';
import { realBundle } from '../helpers/real-sources.ts';
import { analytic, bundle, dataComponent, dataSource, detects, MATRIX, matrix, strategy, tactic, TACTICS, technique } from '../fixtures/stix.ts';

type Obj = Record<string, unknown>;
const catalog = fixtureCatalog();
const map = (objects: Obj[], version = '18.1'): VersionMapping => mapVersion(parseBundle(bundle(objects), `fixture ${version}`), catalog, version);
const problemsOf = (m: VersionMapping, kind: Problem['kind']): Problem[] => m.problems.filter((p) => p.kind === kind);
/** The object with its mitre-attack reference changed. */
const withRef = (o: Obj, ref: Obj | null): Obj => ({ ...o, external_references: ref === null ? [{ source_name: 'capec', external_id: 'CAPEC-1' }] : [{ source_name: 'mitre-attack', ...ref }] });
const evilTactic = (n: string, externalId: string, shortname = 'evil'): Obj => withRef(tactic(n, shortname, 'Evil'), { external_id: externalId, url: 'https://attack.mitre.org/tactics/x' });

describe('an ATT&CK ID that does not match its pattern', () => {
  const m = map([
    ...TACTICS,
    evilTactic('66', '../../../../README', 'persistence-evil'),
    evilTactic('67', '"><script>alert(1)</script>', 'exfil-evil'),
    matrix(['8', '3', '5', '66', '67']),
    technique({ id: 'T1003', tactics: ['persistence', 'persistence-evil'] }),
    withRef(technique({ id: 'T1004', tactics: ['persistence'] }), { external_id: 'T1004/../../x', url: 'https://attack.mitre.org/techniques/T1004' }),
    withRef(technique({ id: 'T1005', tactics: ['persistence'] }), { external_id: `T1005\n${'A'.repeat(200)}\u202E`, url: 'https://attack.mitre.org/techniques/T1005' }),
  ]);

  it('leaves the tactic out: no tactic, no page path, no tactic name on the technique', () => {
    expect(m.tactics.map((t) => t.id)).toEqual(['TA0008', 'TA0003', 'TA0005']);
    expect(m.techniques.find((t) => t.id === 'T1003')?.tactics).toEqual(['persistence']);
  });

  it('leaves the techniques out', () => {
    expect(m.techniques.map((t) => t.id)).toEqual(['T1003']);
    expect(m.rows.every((r) => r.techniqueId === 'T1003')).toBe(true);
  });

  it('reports each with its STIX ID and the offending value, printable and truncated', () => {
    const p = problemsOf(m, 'invalid-identifier');
    expect(p.map((x) => x.subject)).toEqual(['attack-pattern--T1004', 'attack-pattern--T1005', 'x-mitre-tactic--66', 'x-mitre-tactic--67']);
    expect(p.find((x) => x.subject === 'x-mitre-tactic--66')?.message).toBe('tactic external_id "../../../../README" does not match ^TA\\d{4}$; left out');
    expect(p.find((x) => x.subject === 'x-mitre-tactic--67')?.message).toContain('"\\"><script>alert(1)</script>"');
    const long = p.find((x) => x.subject === 'attack-pattern--T1005')?.message ?? '';
    expect(long).toContain(`T1005\\\\u000A${'A'.repeat(74)}… (207 characters)`);
    expect(long).not.toMatch(/[\n\u202E]/);
    expect(long.length).toBeLessThan(200);
  });

  it('writes artifacts that pass their schemas, with no trace of the bad IDs', () => {
    const { json, files } = buildVersionArtifacts(m, [{ role: 'test', url: 'https://example.invalid/x', sha256: '0'.repeat(64), size: 1 }]);
    for (const [name, value] of json) expect(validateArtifact(name, value), name).toEqual([]);
    const tactics = (json.get('tactics.json') as { tactics: TacticArtifact[] }).tactics;
    expect(tactics.map((t) => t.id)).toEqual(['TA0008', 'TA0003', 'TA0005']);
    for (const name of ['tactics.json', 'techniques.json', 'mapping.csv', 'links.csv']) expect(files.get(name), name).not.toMatch(/README|<script>|T1004/);
  });
});

describe('ATT&CK IDs of the other object types', () => {
  const m = map([
    ...TACTICS,
    MATRIX,
    technique({ id: 'T1003', tactics: ['persistence'] }),
    dataSource('1', 'Process'),
    withRef(dataSource('2', 'Evil Source'), { external_id: 'DS0002/..' }),
    dataComponent('32', 'Process Creation', null),
    withRef(dataComponent('33', 'Evil Component', null), { external_id: '../DC0033' }),
    analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }]),
    withRef(analytic('2', ['Windows'], [{ dc: '32', name: 'WinEventLog:Security', channel: 'EventCode=4688' }]), { external_id: 'AN2' }),
    strategy('1', ['1', '2']),
    withRef(strategy('2', ['1']), { external_id: 'DET 0002' }),
    detects('1', 'x-mitre-detection-strategy--1', 'T1003'),
    detects('2', 'x-mitre-detection-strategy--2', 'T1003'),
  ]);

  it('leaves out data sources, data components, analytics and strategies whose ID is malformed, and reports each', () => {
    expect(problemsOf(m, 'invalid-identifier').map((p) => p.subject)).toEqual([
      'x-mitre-analytic--2',
      'x-mitre-data-component--33',
      'x-mitre-data-source--2',
      'x-mitre-detection-strategy--2',
    ]);
    expect(m.rows.filter((r) => r.evidence === 'attack-analytic').map((r) => [r.eventLog, r.eventId, r.evidenceRef])).toEqual([['Sysmon', '1', 'DET0001/AN0001']]);
  });

  it('keeps a data component without an ATT&CK ID (ATT&CK 10–17 have none), unreported', () => {
    const old = map([...TACTICS, MATRIX, technique({ id: 'T1003', tactics: ['persistence'] }), dataSource('1', 'Process'), withRef(dataComponent('32', 'Process Creation', '1'), null), detects('1', 'x-mitre-data-component--32', 'T1003')], '10.1');
    expect(old.rows.filter((r) => r.techniqueId === 'T1003').map((r) => r.dataComponent)).toContain('Process Creation');
    expect(old.problems.filter((p) => p.kind.endsWith('-identifier'))).toEqual([]);
  });
});

describe('a WinEventLog log source whose channel is not a safe log name', () => {
  const m = map([
    ...TACTICS,
    MATRIX,
    technique({ id: 'T1003', tactics: ['persistence'] }),
    dataComponent('32', 'Process Creation', null, { x_mitre_log_sources: [{ name: 'WinEventLog:../../<script>', channel: 'EventCode=4688' }, { name: 'WinEventLog:Security', channel: 'EventCode=4688' }] }),
    analytic('1', ['Windows'], [
      { dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' },
      { dc: '32', name: 'WinEventLog:Evil"><img src=x>', channel: 'EventCode=7' },
      { dc: '32', name: 'WinEventLog:Microsoft-Windows-Partition/Diagnostic', channel: 'EventCode=1006' },
    ]),
    strategy('1', ['1']),
    detects('1', 'x-mitre-detection-strategy--1', 'T1003'),
  ]);

  it('leaves that log source out, keeps the others, and reports it', () => {
    const events = [...new Set(m.rows.filter((r) => r.eventId).map((r) => `${r.eventLog}:${r.eventId}`))].sort();
    expect(events).toEqual(['Microsoft-Windows-Partition/Diagnostic:1006', 'Security:4688', 'Sysmon:1']);
    const p = problemsOf(m, 'invalid-identifier');
    expect(p.map((x) => [x.subject, x.where])).toEqual([
      ['x-mitre-analytic--1', ['AN0001']],
      ['x-mitre-data-component--32', ['DC0032']],
    ]);
    expect(p[0]?.message).toContain('"WinEventLog:Evil\\"><img src=x>"');
    expect(p[1]?.message).toContain('"WinEventLog:../../<script>"');
  });
});

describe('a URL that is not http(s)', () => {
  const jsUrl = (o: Obj, id: string, url: string): Obj => withRef(o, { external_id: id, url });
  const m = map([
    jsUrl(tactic('3', 'persistence', 'Persistence'), 'TA0003', 'JavaScript:alert(1)'),
    tactic('5', 'defense-evasion', 'Defense Evasion'),
    matrix(['3', '5']),
    jsUrl(technique({ id: 'T1003', tactics: ['persistence'] }), 'T1003', 'javascript:alert(document.domain)'),
    jsUrl(technique({ id: 'T1004', tactics: ['persistence'] }), 'T1004', 'data:text/html,<script>alert(1)</script>'),
    jsUrl(technique({ id: 'T1005', tactics: ['persistence'] }), 'T1005', 'http://attack.mitre.org/techniques/T1005'),
    technique({ id: 'T1006', tactics: ['defense-evasion'] }),
  ]);

  it('is dropped (the url becomes empty) and reported; the object stays', () => {
    expect(m.techniques.map((t) => [t.id, t.url])).toEqual([
      ['T1003', ''],
      ['T1004', ''],
      ['T1005', 'http://attack.mitre.org/techniques/T1005'],
      ['T1006', 'https://attack.mitre.org/techniques/T1006'],
    ]);
    expect(m.tactics.map((t) => [t.id, t.url])).toEqual([
      ['TA0003', ''],
      ['TA0005', 'https://attack.mitre.org/tactics/TA0005'],
    ]);
    expect(problemsOf(m, 'unsafe-url').map((p) => [p.subject, p.where, p.message])).toEqual([
      ['attack-pattern--T1003', ['T1003'], 'mitre-attack url "javascript:alert(document.domain)" is not an http(s) URL; dropped'],
      ['attack-pattern--T1004', ['T1004'], 'mitre-attack url "data:text/html,<script>alert(1)</script>" is not an http(s) URL; dropped'],
      ['x-mitre-tactic--3', ['TA0003'], 'mitre-attack url "JavaScript:alert(1)" is not an http(s) URL; dropped'],
    ]);
  });

  it('never reaches techniques.json or tactics.json', () => {
    const { json, files } = buildVersionArtifacts(m, [{ role: 'test', url: 'https://example.invalid/x', sha256: '0'.repeat(64), size: 1 }]);
    for (const [name, value] of json) expect(validateArtifact(name, value), name).toEqual([]);
    expect((json.get('techniques.json') as { techniques: TechniqueArtifact[] }).techniques.find((t) => t.id === 'T1003')?.url).toBe('');
    for (const name of ['techniques.json', 'tactics.json']) expect(files.get(name), name).not.toMatch(/javascript:|data:/i);
  });
});

describe('a technique without a mitre-attack external_id', () => {
  const noRef = (o: Obj): Obj => withRef(o, null);
  const m = map([
    ...TACTICS,
    MATRIX,
    technique({ id: 'T1003', tactics: ['persistence'] }),
    noRef(technique({ id: 'T1004', tactics: ['persistence'] })),
    withRef(technique({ id: 'T1005', tactics: ['persistence'] }), { url: 'https://attack.mitre.org/techniques/T1005' }),
    noRef(tactic('9', 'collection', 'Collection')),
  ]);

  it('is left out and reported, as is a tactic without one', () => {
    expect(m.techniques.map((t) => t.id)).toEqual(['T1003']);
    expect(problemsOf(m, 'missing-identifier').map((p) => [p.subject, p.message])).toEqual([
      ['attack-pattern--T1004', 'a technique without a mitre-attack external_id; left out'],
      ['attack-pattern--T1005', 'a technique without a mitre-attack external_id; left out'],
      ['x-mitre-tactic--9', 'a tactic without a mitre-attack external_id; left out'],
    ]);
    expect(m.tactics.map((t) => t.shortname)).not.toContain('collection');
  });
});

describe('two objects with the same ATT&CK ID', () => {
  const twin = (n: string, o: Obj = {}): Obj => ({ ...technique({ id: 'T1003', name: `Copy ${n}`, tactics: ['persistence'] }), id: `attack-pattern--copy-${n}`, ...o });

  it('keeps the one modified last, and says which', () => {
    const m = map([...TACTICS, MATRIX, twin('a', { modified: '2024-01-01T00:00:00.000Z' }), twin('b', { modified: '2025-06-01T00:00:00Z' }), twin('c', { modified: '2023-01-01T00:00:00.000Z' })]);
    expect(m.techniques.map((t) => [t.id, t.name])).toEqual([['T1003', 'Copy b']]);
    expect(problemsOf(m, 'duplicate-identifier').map((p) => [p.subject, p.where, p.message])).toEqual([
      [
        'T1003',
        ['T1003'],
        '3 technique objects carry T1003 (attack-pattern--copy-a, attack-pattern--copy-b, attack-pattern--copy-c); kept attack-pattern--copy-b (live before revoked or deprecated, then latest modified, then first in bundle order), left out the others; references to them go to the one kept',
      ],
    ]);
  });

  it('keeps the first in bundle order when they were modified at the same time (or not at all)', () => {
    expect(map([...TACTICS, MATRIX, twin('a'), twin('b')]).techniques.map((t) => t.name)).toEqual(['Copy a']);
    expect(map([...TACTICS, MATRIX, twin('b'), twin('a')]).techniques.map((t) => t.name)).toEqual(['Copy b']);
    const same = { modified: '2024-01-01T00:00:00Z' };
    expect(map([...TACTICS, MATRIX, twin('b', same), twin('a', same)]).techniques.map((t) => t.name)).toEqual(['Copy b']);
  });

  it('keeps a live one over a revoked or deprecated one, however recent', () => {
    const m = map([...TACTICS, MATRIX, twin('a', { revoked: true, modified: '2026-01-01T00:00:00Z' }), twin('b', { modified: '2020-01-01T00:00:00Z' }), twin('c', { x_mitre_deprecated: true })]);
    expect(m.techniques.map((t) => t.name)).toEqual(['Copy b']);
    expect(m.skipped).toEqual({ revoked: 0, deprecated: 0, notWindows: 0 });
  });

  it('is deterministic: the same bundle gives the same mapping', () => {
    const objects = [...TACTICS, MATRIX, twin('a', { modified: '2024-01-01T00:00:00Z' }), twin('b', { modified: '2024-01-01T00:00:00Z' })];
    expect(JSON.stringify(map(objects).problems)).toBe(JSON.stringify(map(objects).problems));
  });

  it('points references to a copy left out at the one kept', () => {
    const m = map([
      ...TACTICS,
      MATRIX,
      twin('a', { modified: '2024-01-01T00:00:00Z' }),
      twin('b', { modified: '2025-01-01T00:00:00Z' }),
      dataComponent('32', 'Process Creation', null),
      analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }]),
      strategy('1', ['1']),
      detects('1', 'x-mitre-detection-strategy--1', 'T1003', { target_ref: 'attack-pattern--copy-a' }),
    ]);
    expect(m.techniques.map((t) => t.name)).toEqual(['Copy b']);
    expect(m.rows.filter((r) => r.evidence === 'attack-analytic').map((r) => [r.techniqueId, r.technique, `${r.eventLog}:${r.eventId}`])).toEqual([['T1003', 'Copy b', 'Sysmon:1']]);
    expect(problemsOf(m, 'dangling-reference')).toEqual([]);
  });

  it('keeps one tactic per ID, and one per shortname', () => {
    const m = map([
      ...TACTICS,
      // A newer copy of TA0003: kept, in the matrix place of the one it replaces.
      { ...tactic('3', 'persistence', 'Persistence (copy)'), id: 'x-mitre-tactic--3b', modified: '2030-01-01T00:00:00Z' },
      tactic('33', 'persistence', 'Persistence again'),
      MATRIX,
      technique({ id: 'T1003', tactics: ['persistence'] }),
    ]);
    expect(m.tactics.map((t) => [t.id, t.name])).toEqual([
      ['TA0008', 'Lateral Movement'],
      ['TA0003', 'Persistence (copy)'],
      ['TA0005', 'Defense Evasion'],
    ]);
    expect(m.techniques[0]?.tactics).toEqual(['persistence']);
    const p = problemsOf(m, 'duplicate-identifier');
    expect(p.map((x) => x.subject)).toEqual(['TA0003', 'persistence']);
    expect(p[1]?.message).toBe('tactics TA0003 and TA0033 share the shortname persistence; kept TA0003, the first in matrix order (then by ID)');
  });

  it('data components, strategies and analytics too', () => {
    const m = map([
      ...TACTICS,
      MATRIX,
      technique({ id: 'T1003', tactics: ['persistence'] }),
      dataComponent('32', 'Process Creation', null),
      { ...dataComponent('32', 'Process Creation (copy)', null), id: 'x-mitre-data-component--copy' },
      analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }]),
      { ...analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=3' }]), id: 'x-mitre-analytic--copy' },
      strategy('1', ['1']),
      detects('1', 'x-mitre-detection-strategy--1', 'T1003'),
    ]);
    expect(problemsOf(m, 'duplicate-identifier').map((p) => p.subject)).toEqual(['AN0001', 'DC0032']);
    expect(m.rows.filter((r) => r.evidence === 'attack-analytic').map((r) => [r.dataComponent, `${r.eventLog}:${r.eventId}`])).toEqual([['Process Creation', 'Sysmon:1']]);
  });
});

describe('the hand-made fixtures of the other tests', () => {
  it('give no new problem', () => {
    const m = map([...TACTICS, MATRIX, technique({ id: 'T1003', tactics: ['persistence'] }), technique({ id: 'T1003.001', tactics: ['persistence'] })]);
    expect(m.problems.filter((p) => ['invalid-identifier', 'missing-identifier', 'duplicate-identifier', 'unsafe-url'].includes(p.kind))).toEqual([]);
  });
});

describe('the real ATT&CK bundles of the mirror', () => {
  const versions = (JSON.parse(readFileSync(path.join(repoRoot, 'data', 'index.json'), 'utf8')) as { versions: Array<{ version: string }> }).versions.map((v) => v.version);

  it.each(versions)('ATT&CK %s: nothing left out, no URL dropped', (version) => {
    const b = realBundle(version);
    expect(b.problems).toEqual([]);
    expect(b.techniques.length).toBeGreaterThan(200);
  });
});
