/**
 * A small hand-made version for the configuration tests. Event → techniques:
 *   Security:1102 → T1070.001          (written whatever the audit policy)
 *   Security:4624 → T1078              (Logon, success)
 *   Security:4625 → T1110, T1078       (Logon / Account Lockout, failure only)
 *   Security:4688 → T1059, T1053.005   (Process Creation)
 *   Security:4663 → T1003.001          (Kernel Object in the artifacts; also File System, Registry…)
 *   Sysmon:1      → T1059, T1053.005, T1204
 *   Sysmon:10     → T1003.001, T1055
 *   Sysmon:13     → T1547.001          (RegistryEvent, with 12 and 14)
 *   Sysmon:16     → T1562.006          (configuration change, not filterable)
 *   PowerShell:4104 → T1059.001        (Script Block Logging)
 *   System:7045   → T1543.003          (no switch: per-event advice)
 * T1560 has no mapped event. Every link is `related` (so the counts are those of a report without
 * grades); withGrades() gives the same version with some links stronger.
 */
import type { ConfigEvent, CoverageEvent, CoverageTechnique, Grade, VersionData } from '../../../scripts/coverage/index.ts';
import { eventEnable } from '../../../scripts/windows/enable.ts';

const ev = (log: string, eventId: string, name: string, channel = log): CoverageEvent => ({ key: `${log}:${eventId}`, log, eventId, name, channel });

const EVENTS: CoverageEvent[] = [
  ev('PowerShell', '4104', 'Script block logging', 'Microsoft-Windows-PowerShell/Operational'),
  ev('Security', '1102', 'The audit log was cleared.'),
  ev('Security', '4624', 'An account was successfully logged on.'),
  ev('Security', '4625', 'An account failed to log on.'),
  ev('Security', '4663', 'An attempt was made to access an object.'),
  ev('Security', '4688', 'A new process has been created.'),
  ev('Sysmon', '1', 'Process creation', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '10', 'Process accessed', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '13', 'Registry value set', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '16', 'Sysmon config state changed', 'Microsoft-Windows-Sysmon/Operational'),
  ev('System', '7045', 'A service was installed in the system.'),
];

const MAP: Record<string, string[]> = {
  'Security:1102': ['T1070.001'],
  'Security:4624': ['T1078'],
  'Security:4625': ['T1078', 'T1110'],
  'Security:4688': ['T1053.005', 'T1059'],
  'Security:4663': ['T1003.001'],
  'Sysmon:1': ['T1053.005', 'T1059', 'T1204'],
  'Sysmon:10': ['T1003.001', 'T1055'],
  'Sysmon:13': ['T1547.001'],
  'Sysmon:16': ['T1562.006'],
  'PowerShell:4104': ['T1059.001'],
  'System:7045': ['T1543.003'],
};

const TACTICS: Record<string, string[]> = {
  'T1003.001': ['credential-access'],
  T1053: ['execution', 'persistence'],
  'T1053.005': ['execution', 'persistence'],
  T1055: ['defense-evasion', 'privilege-escalation'],
  T1059: ['execution'],
  'T1059.001': ['execution'],
  'T1070.001': ['defense-evasion'],
  T1078: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access'],
  T1110: ['credential-access'],
  T1204: ['execution'],
  'T1543.003': ['persistence', 'privilege-escalation'],
  'T1547.001': ['persistence', 'privilege-escalation'],
  'T1562.006': ['defense-evasion'],
  T1560: ['collection'],
};

const NAMES: Record<string, string> = {
  'T1003.001': 'LSASS Memory',
  T1053: 'Scheduled Task/Job',
  'T1053.005': 'Scheduled Task',
  T1055: 'Process Injection',
  T1059: 'Command and Scripting Interpreter',
  'T1059.001': 'PowerShell',
  'T1070.001': 'Clear Windows Event Logs',
  T1078: 'Valid Accounts',
  T1110: 'Brute Force',
  T1204: 'User Execution',
  'T1543.003': 'Windows Service',
  'T1547.001': 'Registry Run Keys / Startup Folder',
  'T1562.006': 'Indicator Blocking',
  T1560: 'Archive Collected Data',
};

const TECHNIQUES: CoverageTechnique[] = Object.keys(TACTICS)
  .sort()
  .map((id) => ({
    id,
    name: NAMES[id] ?? id,
    tactics: TACTICS[id] ?? [],
    isSubtechnique: id.includes('.'),
    parent: id.includes('.') ? (id.split('.')[0] ?? '') : '',
    events: Object.entries(MAP)
      .filter(([, ts]) => ts.includes(id))
      .map(([key]) => ({ key, grade: 'related' as Grade, rules: 0 })),
  }));

export const CONFIG_FIXTURE: VersionData = {
  attackVersion: '42.1',
  tactics: [
    { id: 'TA0001', shortname: 'initial-access', name: 'Initial Access' },
    { id: 'TA0002', shortname: 'execution', name: 'Execution' },
    { id: 'TA0003', shortname: 'persistence', name: 'Persistence' },
    { id: 'TA0004', shortname: 'privilege-escalation', name: 'Privilege Escalation' },
    { id: 'TA0005', shortname: 'defense-evasion', name: 'Defense Evasion' },
    { id: 'TA0006', shortname: 'credential-access', name: 'Credential Access' },
    { id: 'TA0009', shortname: 'collection', name: 'Collection' },
  ],
  techniques: TECHNIQUES,
  events: EVENTS,
};

const detail = (key: string, auditSubcategory = '', clientDefault = '', serverDefault = ''): ConfigEvent => {
  const [log = '', eventId = ''] = key.split(':');
  const base = { key, log, eventId, auditSubcategory, clientDefault, serverDefault };
  return { ...base, enable: eventEnable(base) };
};

/** The same event with another OSSEM subcategory, and the table's row that follows from it. */
export function withSubcategory(d: ConfigEvent, auditSubcategory: string): ConfigEvent {
  return detail(d.key, auditSubcategory, d.clientDefault, d.serverDefault);
}

/** As events.json would give them: subcategories and OSSEM defaults for the Security events, and each event's row of the enablement table. */
export const CONFIG_FIXTURE_DETAILS: ConfigEvent[] = [
  detail('PowerShell:4104'),
  detail('Security:1102'),
  detail('Security:4624', 'Logon', 'Success', 'Success, Failure'),
  detail('Security:4625', 'Account Lockout', 'Success', 'Success'),
  detail('Security:4663', 'Kernel Object', 'No auditing', 'No auditing'),
  detail('Security:4688', 'Process Creation', 'No auditing', 'No auditing'),
  detail('Sysmon:1'),
  detail('Sysmon:10'),
  detail('Sysmon:13'),
  detail('Sysmon:16'),
  detail('System:7045'),
];

/**
 * CONFIG_FIXTURE with some links stronger: `{ 'Sysmon:10': { 'T1003.001': ['confirmed', 4] } }`.
 * Links not named stay related.
 */
export function withGrades(grades: Record<string, Record<string, [Grade, number?]>>): VersionData {
  return {
    ...CONFIG_FIXTURE,
    techniques: CONFIG_FIXTURE.techniques.map((t) => ({
      ...t,
      events: t.events.map((e) => {
        const g = grades[e.key]?.[t.id];
        return g ? { key: e.key, grade: g[0], rules: g[1] ?? 0 } : e;
      }),
    })),
  };
}
