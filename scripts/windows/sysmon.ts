/**
 * What turns each Sysmon event on: the configuration element that filters it, Sysmon's defaults,
 * and the smallest configuration that logs it.
 *
 * Pure module: no I/O, no node: imports. Part of the one enablement table (scripts/windows/).
 */

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
