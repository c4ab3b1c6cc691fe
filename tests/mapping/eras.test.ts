import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../scripts/attack/stix.ts';
import { mapVersion } from '../../scripts/mapping/map.ts';
import type { MappingRow, VersionMapping } from '../../scripts/mapping/types.ts';
import { fixtureCatalog } from '../fixtures/ossem.ts';
import { analytic, bundle, dataComponent, dataSource, detects, MATRIX, strategy, TACTICS, technique } from '../fixtures/stix.ts';
import { eventEnable } from '../../scripts/windows/enable.ts';

const catalog = fixtureCatalog();
const run = (objects: Array<Record<string, unknown>>, version = '1.0', framing: '2.0' | '2.1' = '2.1'): VersionMapping =>
  mapVersion(parseBundle(bundle([...TACTICS, MATRIX, ...objects], framing), `fixture ${version}`), catalog, version);
const eventsOf = (m: VersionMapping, id: string): string[] =>
  [...new Set(m.rows.filter((r) => r.techniqueId === id && r.eventId).map((r) => `${r.eventLog}:${r.eventId}`))].sort();
const rowsOf = (m: VersionMapping, id: string): MappingRow[] => m.rows.filter((r) => r.techniqueId === id);

describe('ATT&CK ≤ 8: data-source strings → OSSEM legacy', () => {
  const m = run([
    technique({ id: 'T1112', name: 'Modify Registry', tactics: ['defense-evasion', 'persistence'], dataSources: ['Windows Registry', 'Process monitoring', 'Anti-virus'] }),
    technique({ id: 'T1000', tactics: ['persistence'], dataSources: ['Windows Registry'], revoked: true }),
    technique({ id: 'T1001', tactics: ['persistence'], dataSources: ['Windows Registry'], deprecated: true }),
    technique({ id: 'T1002', tactics: ['persistence'], dataSources: ['Windows Registry'], platforms: ['Linux'] }),
  ], '6.3', '2.0');

  it('joins every data source to its events, keyed by log', () => {
    expect(m.era).toBe('data-source-strings');
    expect(eventsOf(m, 'T1112')).toEqual(['Security:4657', 'Security:4688', 'Sysmon:1', 'Sysmon:13']);
    const registry = rowsOf(m, 'T1112').filter((r) => r.dataSource === 'Windows Registry');
    expect(registry.map((r) => [r.eventLog, r.eventId, r.evidence])).toEqual([
      ['Security', '4657', 'ossem-legacy'],
      ['Sysmon', '13', 'ossem-legacy'],
    ]);
  });

  it('keeps a data source with no event as a row with an empty event, and reports it', () => {
    const av = rowsOf(m, 'T1112').filter((r) => r.dataSource === 'Anti-virus');
    expect(av).toHaveLength(1);
    expect(av[0]?.eventId).toBe('');
    expect(m.problems.find((p) => p.kind === 'data-source-without-event' && p.subject === 'Anti-virus')?.where).toEqual(['T1112']);
  });

  it('skips revoked, deprecated and non-Windows techniques', () => {
    expect(m.techniques.map((t) => t.id)).toEqual(['T1112']);
    expect(m.skipped).toEqual({ revoked: 1, deprecated: 1, notWindows: 1 });
  });

  it('orders tactics by the matrix, not by ID or by the technique', () => {
    expect(m.tactics.map((t) => t.shortname)).toEqual(['lateral-movement', 'persistence', 'defense-evasion']);
    expect(m.techniques[0]?.tactics).toEqual(['persistence', 'defense-evasion']);
  });

  it('keeps revoked and deprecated techniques when asked', () => {
    const all = mapVersion(parseBundle(bundle([...TACTICS, MATRIX, technique({ id: 'T1000', tactics: ['persistence'], dataSources: ['Windows Registry'], revoked: true })]), 'x'), catalog, '6.3', { includeDeprecated: true });
    expect(all.techniques.map((t) => t.id)).toEqual(['T1000']);
  });
});

describe('ATT&CK 9: "Source: Component" strings → OSSEM-DM', () => {
  const m = run([
    technique({ id: 'T1059', tactics: ['persistence'], dataSources: ['Process: Process Creation', 'Command: Command Execution'] }),
    technique({ id: 'T1546.003', tactics: ['persistence'], dataSources: ['WMI: WMI Creation'] }),
  ], '9.0');

  it('matches data source and component case-insensitively, with the relationship as evidence', () => {
    expect(eventsOf(m, 'T1059')).toEqual(['Security:4688', 'Sysmon:1']);
    const r = rowsOf(m, 'T1059').find((x) => x.eventId === '4688');
    expect(r).toMatchObject({ dataSource: 'Process', dataComponent: 'Process Creation', evidence: 'ossem-dm', evidenceRef: 'REL-1', eventName: 'A new process has been created.' });
    expect(rowsOf(m, 'T1059').find((x) => x.dataComponent === 'Command Execution')?.eventId).toBe('');
  });

  it('places an event with no channel by its provider (WMI-Activity) and links sub-techniques to parents', () => {
    expect(eventsOf(m, 'T1546.003')).toEqual(['WMI:5861']);
    expect(m.techniques.find((t) => t.id === 'T1546.003')).toMatchObject({ isSubtechnique: true, parent: 'T1546' });
  });

  it('never confuses Sysmon 1 with Security 1', () => {
    expect(eventsOf(m, 'T1059')).not.toContain('Security:1');
    expect(m.events.find((e) => e.key === 'Sysmon:1')?.name).toBe('Process creation.');
  });
});

describe('ATT&CK 10–17: detects relationships from data components', () => {
  const m = run([
    dataSource('1', 'Process'),
    dataSource('2', 'Windows Registry'),
    dataComponent('1', 'Process Creation', '1'),
    dataComponent('2', 'Windows Registry Key Modification', '2'),
    dataComponent('3', 'Process Termination', '1', { revoked: true }),
    dataComponent('4', 'Process Metadata', '99'),
    technique({ id: 'T1112', tactics: ['defense-evasion'], dataSources: ['ignored: strings are redundant here'] }),
    technique({ id: 'T1113', tactics: ['persistence'] }),
    detects('1', 'x-mitre-data-component--1', 'T1112'),
    detects('2', 'x-mitre-data-component--2', 'T1112'),
    detects('3', 'x-mitre-data-component--3', 'T1112'),
    detects('4', 'x-mitre-data-component--404', 'T1112'),
    detects('5', 'x-mitre-data-component--1', 'T9999'),
    detects('6', 'x-mitre-data-component--4', 'T1112'),
  ], '15.1');

  it('follows live detects relationships to OSSEM-DM', () => {
    expect(m.era).toBe('data-components');
    expect(eventsOf(m, 'T1112')).toEqual(['Security:4688', 'Sysmon:1', 'Sysmon:13']);
    expect(rowsOf(m, 'T1112').find((r) => r.eventId === '13')).toMatchObject({ dataSource: 'Windows Registry', dataComponent: 'Windows Registry Key Modification', dataComponentId: 'DC0002' });
    expect(rowsOf(m, 'T1112').some((r) => r.dataComponent === 'Process Termination')).toBe(false);
  });

  it('reports dangling references instead of dropping them silently', () => {
    const dangling = m.problems.filter((p) => p.kind === 'dangling-reference').map((p) => p.subject);
    expect(dangling).toContain('x-mitre-data-component--404');
    expect(dangling).toContain('attack-pattern--T9999');
    expect(dangling).toContain('x-mitre-data-source--99');
  });

  it('lists a technique that nothing detects, with an empty row', () => {
    expect(rowsOf(m, 'T1113')).toHaveLength(1);
    expect(m.problems.find((p) => p.kind === 'no-detection')?.where).toEqual(['T1113']);
  });
});

describe('ATT&CK ≥ 18: detection strategies → Windows analytics → log-source references', () => {
  const m = run([
    dataComponent('1', 'Process Creation', null),
    dataComponent('2', 'Windows Registry Key Modification', null),
    dataComponent('5', 'Network Traffic Content', null),
    technique({ id: 'T1112', tactics: ['defense-evasion'] }),
    technique({ id: 'T1021', tactics: ['lateral-movement'] }),
    strategy('1', ['1', '2', '3', '404']),
    strategy('2', ['4', '5']),
    analytic('1', ['Windows'], [
      { dc: '2', name: 'WinEventLog:Sysmon', channel: 'EventCode=13, 14' },
      { dc: '2', name: 'WinEventLog:Security', channel: 'EventCode=4657 (ObjectType=Key)' },
      { dc: '1', name: 'WinEventLog:sysmon', channel: 'EvenCode=1' },
    ]),
    analytic('2', ['Linux'], [{ dc: '1', name: 'auditd:SYSCALL', channel: 'execve' }]),
    analytic('3', ['Windows'], [
      { dc: '5', name: 'etw:Microsoft-Windows-Kernel-Process', channel: 'API calls' },
      { dc: '2', name: 'WinEventLog:Microsoft-Windows-TCPIP', channel: 'EventID=31001' },
      { dc: '404', name: 'WinEventLog:System', channel: 'Service crash warnings' },
    ]),
    analytic('4', ['Windows'], [{ dc: '1', name: 'WinEventLog:Security', channel: 'EventCode=4624 (LogonType=10), EventCode=4648' }]),
    analytic('5', ['Windows'], [{ dc: '2', name: 'WinEventLog:Security', channel: 'EventCode=13, 9999' }]),
    detects('1', 'x-mitre-detection-strategy--1', 'T1112'),
    detects('2', 'x-mitre-detection-strategy--2', 'T1021'),
    detects('3', 'x-mitre-detection-strategy--9', 'T1021'),
  ], '18.1');

  it('reads event IDs from Windows analytics with strategy and analytic as evidence', () => {
    expect(m.era).toBe('detection-strategies');
    const analyticRows = rowsOf(m, 'T1112').filter((r) => r.evidence === 'attack-analytic' && r.eventId);
    expect(analyticRows.map((r) => `${r.eventLog}:${r.eventId}`).sort()).toEqual(['Microsoft-Windows-TCPIP:31001', 'Security:4657', 'Sysmon:1', 'Sysmon:13', 'Sysmon:14']);
    expect(analyticRows.find((r) => r.eventId === '4657')).toMatchObject({ evidenceRef: 'DET0001/AN0001', detail: 'EventCode=4657 (ObjectType=Key)', dataComponent: 'Windows Registry Key Modification' });
  });

  it('also reaches OSSEM-DM through the referenced data components', () => {
    expect(rowsOf(m, 'T1112').find((r) => r.evidence === 'ossem-dm' && r.eventId === '4688')?.evidenceRef).toBe('REL-1');
  });

  it('ignores non-Windows analytics and keeps free text and non-event-log sources visible', () => {
    expect(rowsOf(m, 'T1112').some((r) => r.detail === 'execve')).toBe(false);
    const free = rowsOf(m, 'T1112').find((r) => r.detail === 'Service crash warnings');
    expect(free).toMatchObject({ eventLog: 'System', eventId: '', evidence: 'attack-analytic' });
    const kinds = new Set(m.problems.map((p) => p.kind));
    expect(kinds).toContain('free-text-channel');
    expect(kinds).toContain('not-a-windows-event-log');
    expect(kinds).toContain('unknown-log-name');
    expect(m.problems.filter((p) => p.kind === 'dangling-reference').map((p) => p.subject).sort()).toEqual([
      'x-mitre-analytic--404',
      'x-mitre-data-component--404',
      'x-mitre-detection-strategy--9',
    ]);
    expect(rowsOf(m, 'T1112').find((r) => r.dataComponent === 'Network Traffic Content')?.eventId).toBe('');
  });

  it('reads repeated EventCode with parenthesised notes', () => {
    expect(eventsOf(m, 'T1021')).toEqual(expect.arrayContaining(['Security:4624', 'Security:4648', 'Security:4688', 'Sysmon:1']));
  });

  it('re-files an event ATT&CK puts under Security when only another log has it, and reports both cases', () => {
    const t1021 = eventsOf(m, 'T1021');
    expect(t1021).toContain('Sysmon:13');
    expect(t1021).not.toContain('Security:13');
    expect(t1021).toContain('Security:9999');
    expect(m.problems.find((p) => p.kind === 'misfiled-event')).toMatchObject({ subject: 'WinEventLog:Security EventCode=13', where: ['DET0002/AN0005'] });
    // The fixture catalogue is small, so 4624/4648 are unknown too; 9999 must be among them.
    expect(m.problems.filter((p) => p.kind === 'unknown-event').map((p) => p.subject)).toContain('WinEventLog:Security EventCode=9999');
  });

  it('records every log spelling it met', () => {
    const attack = m.logSpellings.filter((s) => s.source === 'attack').map((s) => [s.spelling, s.log]);
    expect(attack).toContainEqual(['WinEventLog:sysmon', 'Sysmon']);
    expect(attack).toContainEqual(['WinEventLog:Sysmon', 'Sysmon']);
  });
});

describe('OSSEM catalogue', () => {
  it('names events from OSSEM-DM first, then legacy, then the newest OSSEM-DD dictionary', () => {
    const e = catalog.events.get('Security:4688');
    expect(e?.name).toBe('A new process has been created.');
    expect(e?.description).toBe('A new process has been created (v2).');
    // The subcategory feeds the enablement table (scripts/windows/), which events.json carries.
    expect(e?.auditSubcategory).toBe('Process Creation');
    expect(e && eventEnable(e).audit[0]?.auditpol).toBe('auditpol /set /subcategory:"Process Creation" /success:enable');
  });

  it('reports OSSEM-DM relationships that ATT&CK cannot reach and non-Windows events', () => {
    expect(catalog.problems.find((p) => p.kind === 'ossem-dm-without-attack')?.where).toEqual(['REL-4']);
    expect(catalog.problems.find((p) => p.kind === 'ossem-dm-not-windows-event')?.subject).toBe('Microsoft Defender for Endpoint DeviceProcessEvents');
  });
});
