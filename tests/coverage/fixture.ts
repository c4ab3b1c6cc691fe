/**
 * A small hand-made version for the coverage tests. Chosen so that:
 * - the same ID lives in two logs (Security:1 / Sysmon:1, Security:4104 / PowerShell:4104);
 * - Sysmon 9, 10, 19 sort differently as text and as numbers;
 * - techniques have sub-techniques (a sub-technique seen does not make its parent seen) and
 *   several tactics (T1078, T1053.005, T1543.003, T1546.003);
 * - two parents (T1053, T1543) have no mapped event; Security:4104 maps to no technique.
 *
 * - links of every grade: the same event confirmed for one technique and only related for another,
 *   and a technique seen through a weak link that a further event makes stronger.
 *
 * Event → techniques (c = confirmed with its rule count, n = named, r = related):
 *   PowerShell:4104 → T1059.001 c4                     Sysmon:1  → T1003.001 r, T1059 c2, T1059.001 n
 *   Security:1      → T1078 r                          Sysmon:9  → T1006 n
 *   Security:4104   → (none)                           Sysmon:10 → T1003 c3, T1003.001 c7
 *   Security:4624   → T1078 c1                         Sysmon:19 → T1546.003 n
 *   Security:4688   → T1053.005 n, T1059 r             System:7045 → T1543.003 r
 *   TaskScheduler:106 → T1053.005 c1
 */
import type { CoverageEvent, CoverageLink, CoverageTechnique, Grade, VersionData } from '../../scripts/coverage/index.ts';

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

/** `Sysmon:10/c7` → confirmed by 7 rules, `Sysmon:9/n` → named, `System:7045/r` → related. */
function link(spec: string): CoverageLink {
  const [key = '', g = 'r'] = spec.split('/');
  const grade: Grade = g.startsWith('c') ? 'confirmed' : g === 'n' ? 'named' : 'related';
  return { key, grade, rules: grade === 'confirmed' ? Number(g.slice(1)) : 0 };
}

const tech = (id: string, name: string, tactics: string[], events: string[]): CoverageTechnique => ({
  id,
  name,
  tactics,
  isSubtechnique: id.includes('.'),
  parent: id.includes('.') ? id.split('.')[0] ?? '' : '',
  events: events.map(link),
});

export const FIXTURE_TECHNIQUES: CoverageTechnique[] = [
  tech('T1003', 'OS Credential Dumping', ['credential-access'], ['Sysmon:10/c3']),
  tech('T1003.001', 'LSASS Memory', ['credential-access'], ['Sysmon:10/c7', 'Sysmon:1/r']),
  tech('T1006', 'Direct Volume Access', ['defense-evasion'], ['Sysmon:9/n']),
  tech('T1053', 'Scheduled Task/Job', ['execution', 'persistence', 'privilege-escalation'], []),
  tech('T1053.005', 'Scheduled Task', ['execution', 'persistence', 'privilege-escalation'], ['TaskScheduler:106/c1', 'Security:4688/n']),
  tech('T1059', 'Command and Scripting Interpreter', ['execution'], ['Sysmon:1/c2', 'Security:4688/r']),
  tech('T1059.001', 'PowerShell', ['execution'], ['PowerShell:4104/c4', 'Sysmon:1/n']),
  tech('T1078', 'Valid Accounts', ['persistence', 'privilege-escalation', 'defense-evasion'], ['Security:4624/c1', 'Security:1/r']),
  tech('T1543', 'Create or Modify System Process', ['persistence', 'privilege-escalation'], []),
  tech('T1543.003', 'Windows Service', ['persistence', 'privilege-escalation'], ['System:7045/r']),
  tech('T1546.003', 'WMI Event Subscription', ['persistence', 'privilege-escalation'], ['Sysmon:19/n']),
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
