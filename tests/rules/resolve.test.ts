import { describe, expect, it } from 'vitest';
import { resolveRules } from '../../scripts/mapping/rules.ts';
import { readSplunk } from '../../scripts/rules/splunk.ts';
import type { DetectionRule } from '../../scripts/rules/types.ts';
import { fixtureFiles, knownEvents } from './fixtures/load.ts';

const splunk = readSplunk(fixtureFiles('splunk'), 'splunk fixture');
const known = knownEvents('Security:4688', 'Security:5136', 'Security:4720', 'System:7045', 'Sysmon:1', 'Sysmon:11', 'Sysmon:13', 'WMI:13', 'Defender:1121');
const { rules, problems } = resolveRules(splunk, known);
const resolved = (name: string) => {
  const r = rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};
const keys = (name: string): string[] => resolved(name).events.map((e) => e.key);

function rule(id: string, events: DetectionRule['events'], unmatched: DetectionRule['unmatched'] = []): DetectionRule {
  return { source: 'splunk-escu', id, name: id, url: '', status: 'production', techniques: [], events, unmatched };
}

describe('resolveRules on the hand-made Splunk detections', () => {
  it('resolves both sides of an `A AND B` and the Security event', () => {
    expect(resolved('Process Then File Create').events).toEqual([
      { key: 'Security:4688', log: 'Security', eventId: '4688', via: 'Windows Event Log Security 4688' },
      { key: 'Sysmon:1', log: 'Sysmon', eventId: '1', via: 'Sysmon EventID 1' },
      { key: 'Sysmon:11', log: 'Sysmon', eventId: '11', via: 'Sysmon EventID 11' },
    ]);
  });

  it('files `Windows Security 5136` (no data source file) under Security, the one log with 5136', () => {
    expect(keys('Directory Service Change')).toEqual(['Security:5136']);
  });

  it("files a family-resolved Defender event under Defender, even though the catalogue lacks it", () => {
    expect(keys('Defender Family')).toEqual(['Defender:1126']);
  });

  it('re-files the upstream `Windows Event Log System 4720` under Security and says so', () => {
    expect(keys('User Created In System Log')).toEqual(['Security:4720']);
    expect(problems.filter((p) => p.kind === 'misfiled-event')).toEqual([
      {
        kind: 'misfiled-event',
        subject: 'Windows Event Log System 4720',
        where: ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'],
        message: expect.stringMatching(/"Windows Event Log System 4720" files event 4720 under System.*filed under Security/),
      },
    ]);
  });

  it('does not re-file from a log the catalogue knows nothing of', () => {
    expect(keys('IIS Module Added')).toEqual(['IIS:29']);
  });

  it('reports an ID several logs have as unresolved, with the candidates', () => {
    expect(resolved('Custom Channel').events).toEqual([]);
    expect(problems).toContainEqual({
      kind: 'rule-data-source-unresolved',
      subject: 'Windows Custom 13',
      where: ['dddddddd-dddd-4ddd-8ddd-dddddddddddd'],
      message: 'event 13 is named without a log, and several logs have that ID: Sysmon, WMI',
    });
  });

  it('counts each non-Windows data source once, with every rule that names it', () => {
    const notWindows = problems.filter((p) => p.kind === 'rule-data-source-not-windows');
    expect(notWindows.map((p) => [p.subject, p.where])).toEqual([
      ['CrowdStrike ProcessRollup2', ['11111111-1111-4111-8111-111111111111']],
      ['Linux Auditd Execve', ['22222222-2222-4222-8222-222222222222']],
      ['Sysmon for Linux EventID 1', ['22222222-2222-4222-8222-222222222222']],
    ]);
  });

  it('reports unknown and ID-less data sources, and rules left with no Windows event', () => {
    const unresolved = problems.filter((p) => p.kind === 'rule-data-source-unresolved').map((p) => p.subject);
    expect(unresolved).toEqual(['Authentication Events (various)', 'NTLM Operational 8004,8005,8006', 'NTLM Operational 8004,8005,8006', 'NTLM Operational 8004,8005,8006', 'PingID', 'Windows Custom 13']);
    expect(problems.filter((p) => p.kind === 'rule-without-event')).toEqual([
      {
        kind: 'rule-without-event',
        subject: 'splunk-escu',
        // Linux Execve and Okta Login name no Windows data source: not counted here.
        where: ['77777777-7777-4777-8777-777777777777', '88888888-8888-4888-8888-888888888888', '99999999-9999-4999-8999-999999999999', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'],
        message: expect.any(String),
      },
    ]);
  });

  it('sorts problems by kind and subject, with sorted unique `where`', () => {
    const order = problems.map((p) => `${p.kind}\u0000${p.subject}`);
    expect(order).toEqual([...order].sort());
    for (const p of problems) expect(p.where).toEqual([...new Set(p.where)].sort());
  });
});

describe('resolveRules by event ID', () => {
  it('picks the log a data source names among several (NTLM), for each listed ID', () => {
    const k = knownEvents('Microsoft-Windows-NTLM/Operational:8004', 'Microsoft-Windows-NTLM/Operational:8005', 'Microsoft-Windows-NTLM/Operational:8006', 'Security:8004', 'Other:8004');
    const out = resolveRules(splunk.filter((r) => r.name === 'NTLM Audit'), k);
    expect(out.rules[0]!.events.map((e) => e.key)).toEqual(['Microsoft-Windows-NTLM/Operational:8004', 'Microsoft-Windows-NTLM/Operational:8005', 'Microsoft-Windows-NTLM/Operational:8006']);
    expect(out.problems).toEqual([]);
  });

  it('prefers Security among several logs when the data source names no other', () => {
    const out = resolveRules([rule('r1', [{ log: '', eventId: '4624', via: 'implementation (Splunk)' }])], knownEvents('Security:4624', 'Other:4624'));
    expect(out.rules[0]!.events.map((e) => e.key)).toEqual(['Security:4624']);
  });

  it('settles an ambiguous ID by the log the rule already files it under', () => {
    const out = resolveRules(
      [
        rule('r1', [
          { log: '', eventId: '13', via: 'implementation (Splunk)' },
          { log: 'Sysmon', eventId: '13', via: 'data model registry/edit' },
        ]),
      ],
      known,
    );
    // Unique by key, the first `via` kept.
    expect(out.rules[0]!.events).toEqual([{ key: 'Sysmon:13', log: 'Sysmon', eventId: '13', via: 'implementation (Splunk)' }]);
    expect(out.problems).toEqual([]);
  });

  it('reports an ID no log has, and keeps an unknown event whose log is given', () => {
    const out = resolveRules(
      [
        rule('r2', [
          { log: '', eventId: '9999', via: 'Windows Thing 9999' },
          { log: 'WinEventLog:Security', eventId: '4799', via: 'Windows Event Log Security 4799' },
          { log: 'XmlWinEventLog:System', eventId: '7045', via: 'x' },
        ]),
      ],
      known,
    );
    expect(out.rules[0]!.events.map((e) => e.key)).toEqual(['Security:4799', 'System:7045']);
    expect(out.problems).toEqual([
      { kind: 'rule-data-source-unresolved', subject: 'Windows Thing 9999', where: ['r2'], message: 'event 9999 is named without a log, and no log in the event catalogue has that ID' },
    ]);
  });

  it('turns an event whose log is not a Windows event log into a not-windows data source', () => {
    const out = resolveRules([rule('r3', [{ log: 'linux:syslog', eventId: '1', via: 'Syslog 1' }])], known);
    expect(out.rules[0]!.events).toEqual([]);
    expect(out.rules[0]!.unmatched).toEqual([{ name: 'Syslog 1', reason: 'not-windows' }]);
    expect(out.problems.map((p) => p.kind)).toEqual(['rule-data-source-not-windows']);
  });

  it('sorts events by log then numeric ID, and rules by source then id', () => {
    const car: DetectionRule = { ...rule('CAR-2099-01-001', []), source: 'mitre-car' };
    const out = resolveRules(
      [
        rule('b', [
          { log: 'Sysmon', eventId: '11', via: 'x' },
          { log: 'Sysmon', eventId: '3', via: 'x' },
          { log: 'Security', eventId: '4688', via: 'x' },
        ]),
        rule('a', []),
        car,
      ],
      known,
    );
    expect(out.rules.map((r) => `${r.source}/${r.id}`)).toEqual(['mitre-car/CAR-2099-01-001', 'splunk-escu/a', 'splunk-escu/b']);
    expect(out.rules[2]!.events.map((e) => e.key)).toEqual(['Security:4688', 'Sysmon:3', 'Sysmon:11']);
  });

  it('gives the same output for the same input in any order, and does not touch its input', () => {
    const before = JSON.stringify(splunk);
    const again = resolveRules([...splunk].reverse(), new Map([...known].reverse()));
    expect(again).toEqual({ rules, problems });
    expect(JSON.stringify(splunk)).toBe(before);
  });
});
