import { describe, expect, it } from 'vitest';
import { resolveRules } from '../../scripts/mapping/rules.ts';
import { eventIdsInCode, implementationEvents, queriesSysmon, readCar, readSysmonSensors } from '../../scripts/rules/car.ts';
import type { DetectionRule } from '../../scripts/rules/types.ts';
import { fixtureFiles, knownEvents } from './fixtures/load.ts';

const files = fixtureFiles('car');
const rules = readCar(files, 'car fixture');
const rule = (id: string): DetectionRule => {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`no analytic ${id}`);
  return r;
};

describe('readCar on hand-made analytics', () => {
  it('reads every analytic, sorted by id', () => {
    expect(rules.map((r) => r.id)).toEqual(['CAR-2099-01-001', 'CAR-2099-01-002', 'CAR-2099-01-003', 'CAR-2099-01-004', 'CAR-2099-01-005']);
    expect(rule('CAR-2099-01-002')).toMatchObject({ source: 'mitre-car', name: 'Splunk on Sysmon', url: 'https://car.mitre.org/analytics/CAR-2099-01-002/', status: '' });
  });

  it('takes Sysmon events from the data model when the code names none', () => {
    const r = rule('CAR-2099-01-001');
    expect(r.events).toEqual([{ log: 'Sysmon', eventId: '1', via: 'data model process/create' }]);
    // CAR's Sysmon sensor maps nothing to flow/message.
    expect(r.unmatched).toEqual([{ name: 'data model flow/message', reason: 'no-event-id' }]);
  });

  it('lists techniques and sub-techniques with their coverage, the best level when repeated', () => {
    expect(rule('CAR-2099-01-001').techniques).toEqual([
      { id: 'T1036', coverage: 'Moderate' }, // upstream `Medium`
      { id: 'T1059', coverage: 'High' }, // Moderate in one entry, High in another
      { id: 'T1059.001', coverage: 'High' },
      { id: 'T1059.003', coverage: 'Moderate' },
    ]);
    expect(rule('CAR-2099-01-002').techniques).toEqual([
      { id: 'T1053', coverage: 'Low' },
      { id: 'T1053.005', coverage: 'Low' },
    ]);
  });

  it('reads `index=__your_sysmon_index__ EventCode=1` as Sysmon 1', () => {
    expect(rule('CAR-2099-01-002').events).toEqual([{ log: 'Sysmon', eventId: '1', via: 'implementation (Splunk)' }]);
  });

  it('leaves `norm_id=WinServer event_id=7045` to the catalogue, which files it under System', () => {
    expect(rule('CAR-2099-01-003').events).toEqual([{ log: '', eventId: '7045', via: 'implementation (LogPoint)' }]);
    const { rules: resolved, problems } = resolveRules([rule('CAR-2099-01-003')], knownEvents('System:7045', 'Security:4688'));
    expect(resolved[0]!.events).toEqual([{ key: 'System:7045', log: 'System', eventId: '7045', via: 'implementation (LogPoint)' }]);
    expect(problems).toEqual([]);
  });

  it('gives a Linux/macOS analytic no event from its data model', () => {
    const r = rule('CAR-2099-01-004');
    expect(r.events).toEqual([]);
    expect(r.unmatched).toEqual([{ name: 'data model process/create', reason: 'not-windows' }]);
  });

  it('keeps Sysmon IDs apart from the other logs in one query, and reads a channel named per clause', () => {
    expect(rule('CAR-2099-01-005').events).toEqual([
      // registry/edit is mapped only in the older sensor file: the union keeps it.
      { log: 'Sysmon', eventId: '13', via: 'data model registry/edit' },
      { log: 'Sysmon', eventId: '1', via: 'implementation (Splunk)' },
      { log: '', eventId: '4688', via: 'implementation (Splunk)' },
      { log: 'Security', eventId: '1100', via: 'implementation (LogPoint)' },
      { log: 'Security', eventId: '1102', via: 'implementation (LogPoint)' },
      { log: 'System', eventId: '104', via: 'implementation (LogPoint)' },
    ]);
  });
});

describe('Sysmon sensor mappings', () => {
  it('unions the Sysmon sensor versions and ignores other sensors', () => {
    expect(Object.fromEntries(readSysmonSensors(files, 'car fixture'))).toEqual({
      'process/create': ['1'],
      'registry/edit': ['13'],
      'registry/key_edit': ['14'],
      'registry/value_edit': ['13'],
    });
  });
});

describe('event IDs in implementation code', () => {
  it.each([
    ['index=__your_sysmon_index__ EventCode=1 Image="x"', ['1']],
    ['EventCode = 4688 | stats count', ['4688']],
    ['_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=at.exe limit 100', ['1']],
    ['norm_id=WinServer event_id=7045\n| chart count() as cnt by file\n| search cnt < 5', ['7045']],
    ['(EventCode="4688" OR EventCode="1") CommandLine="*x*"', ['4688', '1']],
    ['EventCode IN (4688, 1)', ['4688', '1']],
    ['event_id IN [12, 13, 14] target_object="*"', ['12', '13', '14']],
    ['(EventCode IN ["4688", "1"] x) OR (EventCode IN "5857" y)', ['4688', '1', '5857']],
    ['(EventCode:("4688" OR "1") AND winlog.event_id:"4657")', ['4688', '1', '4657']],
    ['([log_name] == "Security" and [event_code] in [1100, 1102, 1104]) or ([log_name] == "System" and [event_code] == 104)', ['1100', '1102', '1104', '104']],
    ['[EventCode] == 4624 and\n[LogonType] == 10', ['4624']],
    ['detection:\n  selection:\n    EventID: 4688\n    CommandLine|contains: x', ['4688']],
    ['detection:\n  selection:\n    EventID:\n      - 4698\n      - 4702\n  condition: selection', ['4698', '4702']],
    ['`sysmon` EventID=8 TargetImage=*lsass.exe | stats count by Computer, EventCode, TargetImage', ['8']],
  ])('%j → %j', (code, ids) => {
    expect(eventIdsInCode(code)).toEqual(ids);
  });

  it.each([
    ['EventCode!=4688 Image="x"'],
    ['This search looks at EventIDs 4688 and 1'],
    ['Processes.process_id=4 Processes.parent_process_id=1'],
    ['index=x GrantedAccess=0x1410 limit 100'],
    ['| stats count by EventCode Service_File_Name'],
    ['EventCode IN ("*", "x")'],
    ['EventCode=4688x'],
  ])('%j names no event ID', (code) => {
    expect(eventIdsInCode(code)).toEqual([]);
  });

  it('files an ID under Sysmon only when the code reads Sysmon', () => {
    expect(queriesSysmon('norm_id=WindowsSysmon event_id=1')).toBe(true);
    expect(queriesSysmon('title: x\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    EventID: 1')).toBe(true);
    expect(queriesSysmon('logsource:\n  product: windows\n  service: sysmon\n')).toBe(true);
    expect(queriesSysmon('logsource:\n  product: windows\n  service: security\n')).toBe(false);
    expect(implementationEvents('logsource:\n  product: windows\n  service: sysmon\ndetection:\n  sel:\n    EventID: 11\n')).toEqual([{ log: 'Sysmon', eventId: '11' }]);
    expect(implementationEvents('logsource:\n  product: windows\n  service: security\ndetection:\n  sel:\n    EventID: 4688\n')).toEqual([{ log: '', eventId: '4688' }]);
    // A Security event ID beside a Sysmon index is not Sysmon's; a named channel files it.
    expect(implementationEvents('norm_id=WindowsSysmon channel="Security" event_id=4670')).toEqual([{ log: 'Security', eventId: '4670' }]);
    // Unknown channels are not taken for logs.
    expect(implementationEvents('$LogName=WINDOWS-NXLOG-AUDIT AND $EventID=4624')).toEqual([{ log: '', eventId: '4624' }]);
  });
});

describe('readCar on malformed input', () => {
  it('names the analytic whose id is not a CAR id, or that has no title', () => {
    const bad = new Map(files);
    bad.set('analytics/CAR-bad.yaml', Buffer.from('id: CAR-13\ntitle: x\n'));
    expect(() => readCar(bad, 'car test')).toThrow(/car test analytics\/CAR-bad\.yaml: "id" "CAR-13" is not a CAR ID/);
    bad.set('analytics/CAR-bad.yaml', Buffer.from('id: CAR-2099-02-001\n'));
    expect(() => readCar(bad, 'car test')).toThrow(/CAR-bad\.yaml: missing "title"/);
  });

  it('names the sensor file whose mapping is malformed', () => {
    const bad = new Map(files);
    bad.set('sensors/sysmon_14.yaml', Buffer.from('mappings:\n  - notes: x\n'));
    expect(() => readCar(bad, 'car test')).toThrow(/car test sensors\/sysmon_14\.yaml mappings\[0\]: missing "object" or "action"/);
  });
});
