/**
 * What turns each Windows event on: audit subcategories and outcomes for Security events, Sysmon
 * configuration element names for Sysmon events, and a few named switches (PowerShell logging,
 * the Task Scheduler operational log). Small explicit tables; each choice is documented here.
 *
 * Pure module: no I/O, no node: imports.
 */
import { type AuditSubcategory, subcategoryByName } from './subcategories.ts';

// ---------------------------------------------------------------------------------------------
// Security log
// ---------------------------------------------------------------------------------------------

/** Which audit outcome produces an event. */
export type AuditOutcome = 'success' | 'failure' | 'both';

/**
 * Security events produced on failure only, or on both outcomes, after the (S) / (F) / (S, F)
 * marks of Microsoft's per-event documentation ("4625(F): An account failed to log on.").
 * Every other Security event is produced on success only.
 * - failure only: failed logon 4625, Kerberos pre-authentication failed 4771, service ticket
 *   request failed 4773, firewall blocks 5031 / 5155 / 5157 / 5159;
 * - both: a "both" event is collected when its subcategory audits either outcome (each outcome
 *   gives some of its instances; the tool counts the event as collected).
 */
export const EVENT_OUTCOMES: Readonly<Record<string, AuditOutcome>> = {
  '4625': 'failure',
  '4771': 'failure',
  '4773': 'failure',
  '5031': 'failure',
  '5155': 'failure',
  '5157': 'failure',
  '5159': 'failure',
  '4656': 'both',
  '4661': 'both',
  '4662': 'both',
  '4673': 'both',
  '4674': 'both',
  '4723': 'both',
  '4724': 'both',
  '4768': 'both',
  '4769': 'both',
  '4776': 'both',
  '4928': 'both',
  '4929': 'both',
  '5140': 'both',
  '5145': 'both',
};

export function eventOutcome(eventId: string): AuditOutcome {
  return EVENT_OUTCOMES[eventId] ?? 'success';
}

/**
 * Subcategories that produce a Security event, for events the artifacts give no subcategory
 * (OSSEM has none) or where Microsoft's documentation lists more than the one in the artifacts.
 * An event is collected when any of its subcategories audits its outcome.
 * Sources: the event lists of Microsoft's "Audit <subcategory>" pages.
 */
export const EXTRA_SUBCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  // Handle-based object access: one event, several object types.
  '4656': ['File System', 'Registry', 'Kernel Object', 'Removable Storage'],
  '4658': ['File System', 'Registry', 'Kernel Object', 'Removable Storage', 'Handle Manipulation'],
  '4660': ['File System', 'Registry', 'Kernel Object'],
  '4663': ['File System', 'Registry', 'Kernel Object', 'Removable Storage'],
  '4670': ['File System', 'Registry', 'Authorization Policy Change'],
  '4661': ['Directory Service Access', 'SAM'],
  '4673': ['Sensitive Privilege Use', 'Non Sensitive Privilege Use'],
  '4674': ['Sensitive Privilege Use', 'Non Sensitive Privilege Use'],
  // Failed logons: Audit Logon and Audit Account Lockout both list 4625.
  '4625': ['Logon', 'Account Lockout'],
  // No subcategory in OSSEM.
  '4704': ['Authorization Policy Change'],
  '4739': ['Authentication Policy Change'],
  '4886': ['Certification Services'],
  '4887': ['Certification Services'],
  '4899': ['Certification Services'],
  '4900': ['Certification Services'],
  '4928': ['Detailed Directory Service Replication'],
  '4929': ['Detailed Directory Service Replication'],
};

/**
 * Security events written by the event log service itself, whatever the audit policy (log
 * cleared, service shut down, log full, events dropped). Counted as collected whenever an audit
 * policy is given (--auditpol or --preset): whoever collects the Security log has them.
 */
export const ALWAYS_LOGGED_SECURITY: ReadonlySet<string> = new Set(['1100', '1101', '1102', '1104', '1105', '1108']);

/**
 * The subcategories of a Security event: the artifacts' one (`auditSubcategory`, e.g. `Process
 * Creation`, `PNP Activity`) first, then those of EXTRA_SUBCATEGORIES. Unknown names are dropped.
 */
export function securityEventSubcategories(eventId: string, artifactSubcategory: string): AuditSubcategory[] {
  const out: AuditSubcategory[] = [];
  for (const n of [artifactSubcategory, ...(EXTRA_SUBCATEGORIES[eventId] ?? [])]) {
    if (n.trim() === '') continue;
    const s = subcategoryByName(n);
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Short notes printed with advice for subcategories that need more than the switch. */
export const SUBCATEGORY_NOTES: Readonly<Record<string, string>> = {
  'File System': 'events only for files and folders with an audit entry (SACL) — set SACLs on what you want to watch',
  Registry: 'events only for keys with an audit entry (SACL)',
  'Kernel Object': 'events only for kernel objects with an audit entry (SACL), e.g. the LSASS process',
  SAM: 'events only for SAM objects with an audit entry (SACL)',
  'Removable Storage': 'all file access on removable storage, no SACL needed',
  'Directory Service Access': 'domain controllers only; events for AD objects with an audit entry (SACL)',
  'Directory Service Changes': 'domain controllers only; events for AD objects with an audit entry (SACL)',
  'Process Creation': 'for command lines also enable "Include command line in process creation events" (Administrative Templates > System > Audit Process Creation)',
  'Kerberos Authentication Service': 'domain controllers only',
  'Kerberos Service Ticket Operations': 'domain controllers only',
  'Certification Services': 'certification authorities only',
};

// ---------------------------------------------------------------------------------------------
// Sysmon
// ---------------------------------------------------------------------------------------------

/**
 * Sysmon event ID → the configuration element (`rulename` in `sysmon -s`) that filters it,
 * schema 4.x (Sysmon 10–15). Events 4 (service state), 16 (configuration change) and 255 (error)
 * are not filterable: Sysmon always writes them.
 */
export const SYSMON_ELEMENTS: Readonly<Record<string, string>> = {
  '1': 'ProcessCreate',
  '2': 'FileCreateTime',
  '3': 'NetworkConnect',
  '5': 'ProcessTerminate',
  '6': 'DriverLoad',
  '7': 'ImageLoad',
  '8': 'CreateRemoteThread',
  '9': 'RawAccessRead',
  '10': 'ProcessAccess',
  '11': 'FileCreate',
  '12': 'RegistryEvent',
  '13': 'RegistryEvent',
  '14': 'RegistryEvent',
  '15': 'FileCreateStreamHash',
  '17': 'PipeEvent',
  '18': 'PipeEvent',
  '19': 'WmiEvent',
  '20': 'WmiEvent',
  '21': 'WmiEvent',
  '22': 'DnsQuery',
  '23': 'FileDelete',
  '24': 'ClipboardChange',
  '25': 'ProcessTampering',
  '26': 'FileDeleteDetected',
  '27': 'FileBlockExe',
  '28': 'FileBlockShredding',
  '29': 'FileExecutableDetected',
};

/** Every filterable element name, in event ID order. */
export const SYSMON_ELEMENT_NAMES: readonly string[] = [...new Set(Object.values(SYSMON_ELEMENTS))];

export const SYSMON_SERVICE_EVENTS: ReadonlySet<string> = new Set(['4', '16', '255']);

/**
 * Event types Sysmon logs when a configuration has no rule for them: process creation and
 * termination, file creation time changes and driver loads, the four types Sysinternals
 * describes as logged out of the box (network connections, image loads, process access, pipes,
 * WMI, DNS… need a rule). This is the conservative reading: Sysmon's schema marks a few more
 * types `ruledefault="include"` (FileCreate, RegistryEvent, FileCreateStreamHash in schema 4.2),
 * but whether an unmentioned type of those is logged is not documented, so they count as not
 * logged — a configuration should say what it wants.
 */
export const SYSMON_DEFAULT_ON: ReadonlySet<string> = new Set(['ProcessCreate', 'FileCreateTime', 'ProcessTerminate', 'DriverLoad']);

export const SYSMON_SCHEMA_VERSION = '4.90';

/** Event IDs filtered by a Sysmon element, in order. */
export function sysmonEventIds(element: string): string[] {
  return Object.entries(SYSMON_ELEMENTS)
    .filter(([, e]) => e === element)
    .map(([id]) => id);
}

/** The smallest configuration that logs every event of `element`. */
export function sysmonSnippet(element: string): string {
  return `<Sysmon schemaversion="${SYSMON_SCHEMA_VERSION}"><EventFiltering><RuleGroup name="" groupRelation="or"><${element} onmatch="exclude"/></RuleGroup></EventFiltering></Sysmon>`;
}

// ---------------------------------------------------------------------------------------------
// Other logs: named switches (otherwise advice is per event)
// ---------------------------------------------------------------------------------------------

export interface NamedSwitch {
  id: string;
  title: string;
  /** Event keys (`PowerShell:4104`) it turns on. */
  events?: readonly string[];
  /** Or every event of these logs. */
  logs?: readonly string[];
  /** Commands to run (elevated), in order. */
  commands: readonly string[];
  gpo?: string;
  note?: string;
}

export const NAMED_SWITCHES: readonly NamedSwitch[] = [
  {
    id: 'powershell-script-block-logging',
    title: 'turn on PowerShell Script Block Logging',
    events: ['PowerShell:4104'],
    commands: ['reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f'],
    gpo: 'Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell > Turn on PowerShell Script Block Logging',
  },
  {
    id: 'powershell-script-block-invocation-logging',
    title: 'turn on PowerShell script block invocation logging',
    events: ['PowerShell:4105', 'PowerShell:4106'],
    commands: [
      'reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f',
      'reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockInvocationLogging /t REG_DWORD /d 1 /f',
    ],
    gpo: 'Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell > Turn on PowerShell Script Block Logging > Log script block invocation start / stop events',
    note: 'very verbose: one pair of events per script block run',
  },
  {
    id: 'powershell-module-logging',
    title: 'turn on PowerShell Module Logging',
    events: ['PowerShell:4103'],
    commands: [
      'reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ModuleLogging" /v EnableModuleLogging /t REG_DWORD /d 1 /f',
      'reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ModuleLogging\\ModuleNames" /v * /t REG_SZ /d * /f',
    ],
    gpo: 'Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell > Turn on Module Logging (module names: *)',
  },
  {
    id: 'taskscheduler-operational-log',
    title: 'enable the Task Scheduler operational log',
    logs: ['TaskScheduler'],
    commands: ['wevtutil sl Microsoft-Windows-TaskScheduler/Operational /e:true'],
    note: 'the log is disabled by default ("Enable All Tasks History" in Task Scheduler)',
  },
];

export function namedSwitchFor(key: string, log: string): NamedSwitch | undefined {
  return NAMED_SWITCHES.find((s) => s.events?.includes(key) || s.logs?.includes(log));
}
