/**
 * A small hand-made version for the coverage tests. Chosen so that:
 * - the same ID lives in two logs (Security:1 / Sysmon:1, Security:4104 / PowerShell:4104);
 * - Sysmon 9, 10, 19 sort differently as text and as numbers;
 * - techniques have sub-techniques (a sub-technique seen does not make its parent seen) and
 *   several tactics (T1078, T1053.005, T1543.003, T1546.003);
 * - two parents (T1053, T1543) have no mapped event; Security:4104 maps to no technique.
 *
 * Event → techniques:
 *   PowerShell:4104 → T1059.001            Sysmon:1  → T1003.001, T1059, T1059.001
 *   Security:1      → T1078                Sysmon:9  → T1006
 *   Security:4104   → (none)               Sysmon:10 → T1003, T1003.001
 *   Security:4624   → T1078                Sysmon:19 → T1546.003
 *   Security:4688   → T1053.005, T1059     System:7045 → T1543.003
 *   TaskScheduler:106 → T1053.005
 */
import type { CoverageEvent, CoverageTechnique, VersionData } from '../../scripts/coverage/index.ts';

const ev = (log: string, eventId: string, name: string, channel = log): CoverageEvent => ({ key: `${log}:${eventId}`, log, eventId, name, channel });

export const FIXTURE_EVENTS: CoverageEvent[] = [
  ev('PowerShell', '4104', 'Script block logging', 'Microsoft-Windows-PowerShell/Operational'),
  ev('Security', '1', 'Audit event one'),
  ev('Security', '4104', 'Unmapped Security 4104'),
  ev('Security', '4624', 'An account was successfully logged on.'),
  ev('Security', '4688', 'A new process has been created.'),
  ev('Sysmon', '1', 'Process creation', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '9', 'RawAccessRead', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '10', 'Process accessed', 'Microsoft-Windows-Sysmon/Operational'),
  ev('Sysmon', '19', 'WmiEventFilter activity', 'Microsoft-Windows-Sysmon/Operational'),
  ev('System', '7045', 'A service was installed in the system.'),
  ev('TaskScheduler', '106', 'Task registered', 'Microsoft-Windows-TaskScheduler/Operational'),
];

const tech = (id: string, name: string, tactics: string[], events: string[]): CoverageTechnique => ({
  id,
  name,
  tactics,
  isSubtechnique: id.includes('.'),
  parent: id.includes('.') ? id.split('.')[0] ?? '' : '',
  events: events.map((key) => ({ key })),
});

export const FIXTURE_TECHNIQUES: CoverageTechnique[] = [
  tech('T1003', 'OS Credential Dumping', ['credential-access'], ['Sysmon:10']),
  tech('T1003.001', 'LSASS Memory', ['credential-access'], ['Sysmon:1', 'Sysmon:10']),
  tech('T1006', 'Direct Volume Access', ['defense-evasion'], ['Sysmon:9']),
  tech('T1053', 'Scheduled Task/Job', ['execution', 'persistence', 'privilege-escalation'], []),
  tech('T1053.005', 'Scheduled Task', ['execution', 'persistence', 'privilege-escalation'], ['Security:4688', 'TaskScheduler:106']),
  tech('T1059', 'Command and Scripting Interpreter', ['execution'], ['Security:4688', 'Sysmon:1']),
  tech('T1059.001', 'PowerShell', ['execution'], ['PowerShell:4104', 'Sysmon:1']),
  tech('T1078', 'Valid Accounts', ['persistence', 'privilege-escalation', 'defense-evasion'], ['Security:1', 'Security:4624']),
  tech('T1543', 'Create or Modify System Process', ['persistence', 'privilege-escalation'], []),
  tech('T1543.003', 'Windows Service', ['persistence', 'privilege-escalation'], ['System:7045']),
  tech('T1546.003', 'WMI Event Subscription', ['persistence', 'privilege-escalation'], ['Sysmon:19']),
];

export const FIXTURE: VersionData = {
  attackVersion: '42.1',
  tactics: [
    { id: 'TA0043', shortname: 'reconnaissance', name: 'Reconnaissance' },
    { id: 'TA0002', shortname: 'execution', name: 'Execution' },
    { id: 'TA0003', shortname: 'persistence', name: 'Persistence' },
    { id: 'TA0004', shortname: 'privilege-escalation', name: 'Privilege Escalation' },
    { id: 'TA0005', shortname: 'defense-evasion', name: 'Defense Evasion' },
    { id: 'TA0006', shortname: 'credential-access', name: 'Credential Access' },
  ],
  techniques: FIXTURE_TECHNIQUES,
  events: FIXTURE_EVENTS,
};
