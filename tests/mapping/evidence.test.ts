/**
 * Evidence and grades on hand-made bundles: ATT&CK 18 component log sources (every channel form),
 * detection rules placed per version (revoked IDs, sub-techniques on a 6.3-shaped bundle), one
 * grade per technique × event and every list strongest first.
 */
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../scripts/attack/stix.ts';
import { buildVersionArtifacts, type EventArtifact, type TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import { parseCsv } from '../../scripts/artifacts/csv.ts';
import { validateArtifact } from '../../scripts/artifacts/schemas.ts';
import { lookupEvent } from '../../scripts/mapping/catalog.ts';
import { GRADE_OF, gradeLinks } from '../../scripts/mapping/grade.ts';
import { mapVersion } from '../../scripts/mapping/map.ts';
import { EVIDENCE_KINDS, type VersionMapping } from '../../scripts/mapping/types.ts';
import type { ResolvedRule } from '../../scripts/rules/types.ts';
import { fixtureCatalog, fixtureDdArchive } from '../fixtures/ossem.ts';
import { analytic, bundle, dataComponent, detects, MATRIX, stixIdOf, strategy, TACTICS, technique } from '../fixtures/stix.ts';

const catalog = fixtureCatalog();
type Obj = Record<string, unknown>;

function rule(id: string, techniques: string[], events: string[], source: ResolvedRule['source'] = 'splunk-escu'): ResolvedRule {
  return {
    source,
    id,
    name: `Rule ${id}`,
    url: source === 'mitre-car' ? `https://car.mitre.org/analytics/${id}/` : `https://research.splunk.com/endpoint/${id}/`,
    status: source === 'mitre-car' ? '' : 'production',
    techniques: techniques.map((t) => ({ id: t, coverage: source === 'mitre-car' ? 'Moderate' : '' })),
    unmatched: [],
    events: events.map((key) => {
      const [log = '', eventId = ''] = key.split(':');
      return { key, log, eventId, via: 'test' };
    }),
  };
}

const map = (objects: Obj[], version: string, rules: ResolvedRule[] = []): VersionMapping =>
  mapVersion(parseBundle(bundle([...TACTICS, MATRIX, ...objects]), `fixture ${version}`), catalog, version, { rules });

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** An ATT&CK 18 bundle: one strategy whose Windows analytic names Sysmon 1 through the Process Creation component. */
function era18(componentLogSources: Array<{ name: string; channel: string }>): Obj[] {
  return [
    technique({ id: 'T1003', tactics: ['persistence'] }),
    technique({ id: 'T1003.001', tactics: ['persistence'] }),
    dataComponent('32', 'Process Creation', null, { x_mitre_log_sources: componentLogSources }),
    analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }]),
    strategy('1', ['1']),
    detects('1', 'x-mitre-detection-strategy--1', 'T1003.001'),
  ];
}

describe('ATT&CK 18: data components carry their own log sources', () => {
  const m = map(
    era18([
      { name: 'WinEventLog:Security', channel: 'EventCode=4688' },
      { name: 'WinEventLog:PowerShell', channel: 'EventCode=4103, 4104' },
      { name: 'WinEventLog:Security', channel: 'EventCode=4778, EventCode=4779' },
      { name: 'WinEventLog:Security', channel: 'EventCode=4624 (LogonType=3)' },
      { name: 'WinEventLog:Sysmon', channel: 'Event ID 1' },
      { name: 'WinEventLog:Microsoft-Windows-Bits-Client/Operational', channel: '59' },
      { name: 'WinEventLog:AppLocker', channel: '8003-8004' },
      { name: 'WinEventLog:Security', channel: 'Process creation with command line' },
      { name: 'auditd:SYSCALL', channel: 'execve' },
      { name: 'etw:Microsoft-Windows-Kernel-Process', channel: 'ProcessStart' },
    ]),
    '18.1',
  );
  const rows = m.rows.filter((r) => r.techniqueId === 'T1003.001' && r.evidence === 'attack-component');

  it('reads every channel form through the analytics parser and the log alias table', () => {
    expect(rows.map((r) => `${r.eventLog}:${r.eventId}`).sort()).toEqual(
      ['AppLocker:8003', 'AppLocker:8004', 'BITS:59', 'PowerShell:4103', 'PowerShell:4104', 'Security:4624', 'Security:4688', 'Security:4778', 'Security:4779', 'Sysmon:1'].sort(),
    );
    expect(rows.every((r) => r.evidenceRef === 'DC0032' && r.dataComponent === 'Process Creation')).toBe(true);
    expect(rows.find((r) => r.eventId === '4624')?.detail).toBe('EventCode=4624 (LogonType=3)');
  });

  it('reports a free-text channel and ignores logs that are not Windows event logs', () => {
    expect(m.problems.find((p) => p.kind === 'free-text-channel' && p.subject.includes('Process creation with command line'))?.where).toEqual(['DC0032']);
    expect(rows.some((r) => r.eventLog.includes('auditd') || r.eventLog.includes('etw'))).toBe(false);
  });

  it('grades component events related and the analytic event named; Sysmon 1 is named though the component also lists it', () => {
    const links = gradeLinks(m.rows);
    expect(links.get('T1003.001\u0000Sysmon:1')?.grade).toBe('named');
    // The fixture's OSSEM-DM also maps Process Creation to Sysmon 1.
    expect(links.get('T1003.001\u0000Sysmon:1')?.kinds).toEqual(['attack-analytic', 'attack-component', 'ossem-dm']);
    expect(links.get('T1003.001\u0000Security:4688')?.grade).toBe('related');
  });

  it('names the events of a provider outside the log table from OSSEM-DD', () => {
    expect(m.events.find((e) => e.key === 'BITS:59')?.name).toBe('BITS started the transfer job');
  });

  it('a technique that no strategy detects gets no component events', () => {
    expect(m.rows.filter((r) => r.techniqueId === 'T1003' && r.eventId)).toEqual([]);
  });
});

describe('detection rules as evidence', () => {
  const v18 = map(
    [
      ...era18([{ name: 'WinEventLog:Security', channel: 'EventCode=4688' }]),
      // T1086 was revoked by T1059.001 (as in ATT&CK 7); a rule tagged T1086 lands on T1059.001.
      technique({ id: 'T1086', tactics: ['persistence'], revoked: true }),
      technique({ id: 'T1059', tactics: ['persistence'] }),
      technique({ id: 'T1059.001', tactics: ['persistence'] }),
      { type: 'relationship', id: 'relationship--r1', relationship_type: 'revoked-by', source_ref: stixIdOf('T1086'), target_ref: stixIdOf('T1059.001') },
      technique({ id: 'T1070', tactics: ['defense-evasion'], platforms: ['Linux'] }),
    ],
    '18.1',
    [
      rule(uuid(1), ['T1003.001'], ['Sysmon:10', 'Sysmon:1']),
      rule(uuid(2), ['T1003.001'], ['Sysmon:10']),
      rule('CAR-2019-04-004', ['T1003.001'], ['Sysmon:10'], 'mitre-car'),
      rule(uuid(3), ['T1086'], ['PowerShell:4104']),
      rule(uuid(4), ['T1070', 'T9999'], ['Security:1102']),
      rule(uuid(5), ['T1003.001'], []),
    ],
  );

  it('links each tagged technique to each of the rule’s events, with the rule as evidence', () => {
    const r = v18.rows.filter((x) => x.evidenceRef === uuid(1));
    expect(r.map((x) => [x.techniqueId, `${x.eventLog}:${x.eventId}`, x.evidence, x.detail])).toEqual([
      ['T1003.001', 'Sysmon:1', 'splunk-escu', `Rule ${uuid(1)}`],
      ['T1003.001', 'Sysmon:10', 'splunk-escu', `Rule ${uuid(1)}`],
    ]);
  });

  it('confirmed beats named beats related; the rule count is distinct rules of both sources', () => {
    const links = gradeLinks(v18.rows);
    expect(links.get('T1003.001\u0000Sysmon:10')).toMatchObject({ grade: 'confirmed', rules: ['CAR-2019-04-004', uuid(1), uuid(2)].sort(), kinds: ['splunk-escu', 'mitre-car'] });
    expect(links.get('T1003.001\u0000Sysmon:1')).toMatchObject({ grade: 'confirmed', kinds: ['splunk-escu', 'attack-analytic', 'ossem-dm'] });
    expect(links.get('T1003.001\u0000Security:4688')?.grade).toBe('related');
    // Every row of a link carries the link's grade.
    for (const row of v18.rows.filter((x) => x.techniqueId === 'T1003.001' && x.eventId === '1' && x.eventLog === 'Sysmon')) expect(row.grade).toBe('confirmed');
    expect(Object.keys(GRADE_OF).sort()).toEqual([...EVIDENCE_KINDS].sort());
  });

  it('places a revoked tag on what revoked it, and reports tags it cannot place with the rule ID', () => {
    expect(v18.rows.filter((x) => x.evidenceRef === uuid(3)).map((x) => x.techniqueId)).toEqual(['T1059.001']);
    const notPlaced = v18.problems.filter((p) => p.kind === 'rule-technique-not-placed');
    expect(notPlaced.map((p) => [p.subject, p.where])).toEqual([
      ['T1070', [`splunk-escu:${uuid(4)}`]],
      ['T9999', [`splunk-escu:${uuid(4)}`]],
    ]);
    expect(notPlaced[0]?.message).toMatch(/not a Windows technique in ATT&CK 18\.1/);
    expect(notPlaced[1]?.message).toMatch(/not in ATT&CK 18\.1/);
  });

  it('rules.json lists the placed rules with tags as tagged and as placed; rules with no event or no placed tag are left out', () => {
    expect(v18.rules.map((r) => r.id)).toEqual(['CAR-2019-04-004', uuid(1), uuid(2), uuid(3)]);
    expect(v18.rules.find((r) => r.id === uuid(3))?.techniques).toEqual([{ tagged: 'T1086', placed: 'T1059.001', coverage: '' }]);
    expect(v18.rules.find((r) => r.id === 'CAR-2019-04-004')?.techniques).toEqual([{ tagged: 'T1003.001', placed: 'T1003.001', coverage: 'Moderate' }]);
  });

  it('a sub-technique tag on a version without sub-techniques (6.3) goes to its parent', () => {
    const v63 = map([technique({ id: 'T1003', tactics: ['persistence'], dataSources: ['Process monitoring'] })], '6.3', [rule(uuid(1), ['T1003.001'], ['Sysmon:10'])]);
    expect(v63.rows.filter((x) => x.evidence === 'splunk-escu').map((x) => [x.techniqueId, x.eventId, x.grade])).toEqual([['T1003', '10', 'confirmed']]);
    expect(v63.rules[0]?.techniques).toEqual([{ tagged: 'T1003.001', placed: 'T1003', coverage: '' }]);
  });

  it('a technique only a rule reaches is still reported as having no ATT&CK detection, without an empty row', () => {
    const v = map([technique({ id: 'T1490', tactics: ['persistence'] })], '6.3', [rule(uuid(9), ['T1490'], ['Security:4688'])]);
    expect(v.rows.map((x) => x.eventId)).toEqual(['4688']);
    expect(v.problems.find((p) => p.kind === 'no-detection')?.where).toEqual(['T1490']);
  });

  describe('the artifacts rank strongest first', () => {
    const { files, json } = buildVersionArtifacts(v18, [{ role: 'test', url: 'https://example.invalid/x', sha256: '0'.repeat(64), size: 1 }]);
    const techniques = (json.get('techniques.json') as { techniques: TechniqueArtifact[] }).techniques;
    const events = (json.get('events.json') as { events: EventArtifact[] }).events;

    it('techniques.json: a technique’s events by grade, then rule count, then event order', () => {
      const t = techniques.find((x) => x.id === 'T1003.001');
      expect(t?.events.map((e) => [e.key, e.grade, e.rules])).toEqual([
        ['Sysmon:10', 'confirmed', 3],
        ['Sysmon:1', 'confirmed', 1],
        ['Security:4688', 'related', 0],
      ]);
    });

    it('events.json: an event’s techniques by grade, then rule count, then ID', () => {
      const e = events.find((x) => x.key === 'Sysmon:1');
      expect(e?.techniques).toEqual([{ id: 'T1003.001', grade: 'confirmed', rules: 1 }]);
    });

    it('links.csv: one row per technique × event with grade, rule count, evidence kinds and up to three rules', () => {
      const rows = parseCsv(files.get('links.csv') ?? '');
      const sysmon10 = rows.find((r) => r['technique_id'] === 'T1003.001' && r['event_id'] === '10');
      expect(sysmon10).toEqual({
        technique_id: 'T1003.001',
        technique: 'Technique T1003.001',
        tactics: 'persistence',
        event_log: 'Sysmon',
        event_id: '10',
        event_name: '',
        grade: 'confirmed',
        rule_count: '3',
        evidence: 'splunk-escu;mitre-car',
        rules: ['CAR-2019-04-004', uuid(1), uuid(2)].sort().join(';'),
      });
      expect(rows.map((r) => `${r['technique_id']} ${r['event_log']}:${r['event_id']}`)).toEqual([
        'T1003.001 Sysmon:10',
        'T1003.001 Sysmon:1',
        'T1003.001 Security:4688',
        'T1059.001 PowerShell:4104',
      ]);
    });

    it('every JSON artifact matches its schema', () => {
      for (const [name, value] of json) expect(validateArtifact(name, value), name).toEqual([]);
    });
  });
});

describe('ATT&CK 18: the texts of the analytics that name an event', () => {
  const texts = {
    description: 'A process opens `lsass.exe` with full access.',
    x_mitre_mutable_elements: [
      { field: 'AccessMask', description: 'Set to 0x1F0FFF; scope down to reduce noise.' },
      { field: 'TimeWindow', description: 'Time between access and dump.' },
    ],
  };
  const objects = (analyticExtra: Obj): Obj[] => [
    technique({ id: 'T1003', tactics: ['persistence'] }),
    technique({ id: 'T1003.001', tactics: ['persistence'] }),
    dataComponent('32', 'Process Creation', null),
    analytic('1', ['Windows'], [{ dc: '32', name: 'WinEventLog:Sysmon', channel: 'EventCode=10' }, { dc: '32', name: 'WinEventLog:Security', channel: 'EventCode=4656' }], analyticExtra),
    // An analytic for Linux only and one that names no Windows event: no text is carried for them.
    analytic('2', ['Linux'], [{ dc: '32', name: 'auditd:SYSCALL', channel: 'execve' }], { description: 'Linux only.' }),
    strategy('1', ['1', '2']),
    detects('1', 'x-mitre-detection-strategy--1', 'T1003.001'),
  ];

  it('reads description and x_mitre_mutable_elements, and carries them for the analytics behind attack-analytic evidence', () => {
    const m = map(objects(texts), '18.1');
    expect([...(m.analytics?.keys() ?? [])]).toEqual(['AN0001']);
    expect(m.analytics?.get('AN0001')).toEqual({
      id: 'AN0001',
      url: 'https://attack.mitre.org/detectionstrategies/AN0001',
      description: texts.description,
      mutableElements: texts.x_mitre_mutable_elements,
    });
  });

  it('techniques.json lists them once per evidence ref, sorted, with the schema; none before ATT&CK 18', () => {
    const { json } = buildVersionArtifacts(map(objects(texts), '18.1'), [{ role: 'test', url: 'https://example.invalid/x', sha256: '0'.repeat(64), size: 1 }]);
    const techniques = (json.get('techniques.json') as { techniques: TechniqueArtifact[] }).techniques;
    const t = techniques.find((x) => x.id === 'T1003.001');
    expect(t?.analytics).toEqual([
      { ref: 'DET0001/AN0001', url: 'https://attack.mitre.org/detectionstrategies/AN0001', description: texts.description, mutableElements: texts.x_mitre_mutable_elements },
    ]);
    expect(t?.events.flatMap((e) => e.evidence.filter((x) => x.kind === 'attack-analytic').map((x) => x.ref))).toEqual(['DET0001/AN0001', 'DET0001/AN0001']);
    expect(techniques.find((x) => x.id === 'T1003')?.analytics).toEqual([]);
    expect(validateArtifact('techniques.json', json.get('techniques.json'))).toEqual([]);
    const missing = structuredClone(json.get('techniques.json')) as { techniques: Array<{ analytics: Array<Record<string, unknown>> }> };
    delete missing.techniques.find((x) => x.analytics.length > 0)?.analytics[0]?.['mutableElements'];
    expect(validateArtifact('techniques.json', missing).join(' ')).toMatch(/mutableElements/);
    const old = buildVersionArtifacts(map([technique({ id: 'T1003', tactics: ['persistence'], dataSources: ['Process monitoring'] })], '6.3'), []);
    expect(((old.json.get('techniques.json') as { techniques: TechniqueArtifact[] }).techniques[0])?.analytics).toEqual([]);
  });

  it('an analytic without texts gets empty ones; malformed mutable elements are a bundle error', () => {
    const m = map(objects({}), '18.1');
    expect(m.analytics?.get('AN0001')).toMatchObject({ description: '', mutableElements: [] });
    expect(() => map(objects({ x_mitre_mutable_elements: 'AccessMask' }), '18.1')).toThrow(/x_mitre_mutable_elements should be a list/);
    expect(() => map(objects({ x_mitre_mutable_elements: [{ description: 'no field' }] }), '18.1')).toThrow(/x_mitre_mutable_elements\[0\].*missing string field "field"/);
  });
});

describe('OSSEM-DD as one archive', () => {
  const dd = fixtureDdArchive();

  it('reads the eager providers whole and the others on first use', () => {
    expect(dd.eager.map((e) => `${e.provider}:${e.eventId}`).sort()).toEqual(['Microsoft-Windows-Security-Auditing:4688', 'Microsoft-Windows-Security-Auditing:4688', 'Microsoft-Windows-Sysmon:1']);
    expect(dd.lookup('microsoft-windows-widget-thing', '7').map((e) => e.name)).toEqual(['Event 7: Widget loaded']);
    expect(dd.lookup('Microsoft-Windows-Widget-Thing', '99')).toEqual([]);
  });

  it('names an event of a log outside the table by the provider its channel names; a placeholder name stays empty', () => {
    expect(lookupEvent(catalog, 'Microsoft-Windows-Widget-Thing/Operational', '', '7')).toMatchObject({ name: 'Widget loaded', description: 'A widget was loaded.' });
    expect(lookupEvent(catalog, 'Microsoft-Windows-Widget-Thing/Operational', '', '8')?.name).toBe('');
    expect(lookupEvent(catalog, 'Microsoft-Windows-Nothing/Operational', '', '8')).toBeUndefined();
  });
});
