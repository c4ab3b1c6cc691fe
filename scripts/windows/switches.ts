/**
 * Named switches beyond the audit policy and Sysmon: PowerShell logging, the command line in
 * process creation events, a log that is disabled by default. Each lists the events it concerns,
 * the commands (elevated), the Group Policy path and its source.
 *
 * Pure module: no I/O, no node: imports. Part of the one enablement table (scripts/windows/).
 */
import { type FactSource, SOURCES } from './sources.ts';

export interface NamedSwitch {
  id: string;
  title: string;
  /**
   * `turns-on`: without it the events are not written (the unit coverage advice recommends);
   * `adds-detail`: the events are written anyway, the switch adds fields to them.
   */
  effect: 'turns-on' | 'adds-detail';
  /** Event keys (`PowerShell:4104`) it concerns. */
  events?: readonly string[];
  /** Or every event of these logs. */
  logs?: readonly string[];
  /** Commands to run (elevated), in order. */
  commands: readonly string[];
  gpo?: string;
  note?: string;
  source: FactSource;
}

const PS_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell';
const PS_GPO = 'Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell';

/** 4688 without it has an empty command line; the Process Creation note points to it. */
export const COMMAND_LINE_SWITCH: NamedSwitch = {
  id: 'process-creation-command-line',
  title: 'include the command line in process creation events',
  effect: 'adds-detail',
  events: ['Security:4688'],
  commands: ['reg add "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit" /v ProcessCreationIncludeCmdLine_Enabled /t REG_DWORD /d 1 /f'],
  gpo: 'Computer Configuration > Administrative Templates > System > Audit Process Creation > Include command line in process creation events',
  note: 'without it 4688 has an empty Process Command Line field',
  source: SOURCES.commandLineAuditing,
};

export const NAMED_SWITCHES: readonly NamedSwitch[] = [
  COMMAND_LINE_SWITCH,
  {
    id: 'powershell-script-block-logging',
    title: 'turn on PowerShell Script Block Logging',
    effect: 'turns-on',
    events: ['PowerShell:4104'],
    commands: [`reg add "${PS_POLICY}\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f`],
    gpo: `${PS_GPO} > Turn on PowerShell Script Block Logging`,
    source: SOURCES.powershellLogging,
  },
  {
    id: 'powershell-script-block-invocation-logging',
    title: 'turn on PowerShell script block invocation logging',
    effect: 'turns-on',
    events: ['PowerShell:4105', 'PowerShell:4106'],
    commands: [
      `reg add "${PS_POLICY}\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f`,
      `reg add "${PS_POLICY}\\ScriptBlockLogging" /v EnableScriptBlockInvocationLogging /t REG_DWORD /d 1 /f`,
    ],
    gpo: `${PS_GPO} > Turn on PowerShell Script Block Logging > Log script block invocation start / stop events`,
    note: 'very verbose: one pair of events per script block run',
    source: SOURCES.powershellLogging,
  },
  {
    id: 'powershell-module-logging',
    title: 'turn on PowerShell Module Logging',
    effect: 'turns-on',
    events: ['PowerShell:4103'],
    commands: [
      `reg add "${PS_POLICY}\\ModuleLogging" /v EnableModuleLogging /t REG_DWORD /d 1 /f`,
      `reg add "${PS_POLICY}\\ModuleLogging\\ModuleNames" /v * /t REG_SZ /d * /f`,
    ],
    gpo: `${PS_GPO} > Turn on Module Logging (module names: *)`,
    source: SOURCES.powershellLogging,
  },
  {
    id: 'taskscheduler-operational-log',
    title: 'enable the Task Scheduler operational log',
    effect: 'turns-on',
    logs: ['TaskScheduler'],
    commands: ['wevtutil sl Microsoft-Windows-TaskScheduler/Operational /e:true'],
    note: 'the log is disabled by default ("Enable All Tasks History" in Task Scheduler)',
    source: SOURCES.table,
  },
];

/** Every switch that concerns the event (`Security:4688`) of `log`, in table order. */
export function switchesFor(key: string, log: string): NamedSwitch[] {
  return NAMED_SWITCHES.filter((s) => s.events?.includes(key) || s.logs?.includes(log));
}

/** The switch without which the event is not written, if there is one. */
export function namedSwitchFor(key: string, log: string): NamedSwitch | undefined {
  return switchesFor(key, log).find((s) => s.effect === 'turns-on');
}

/** Why the Security log's own events (1102 log cleared…) need no audit policy. */
export const ALWAYS_LOGGED_TEXT = 'written by the event log service whatever the audit policy';

/** The unit that collects the Security events ALWAYS_LOGGED_SECURITY lists. */
export const SECURITY_LOG_SWITCH: NamedSwitch = {
  id: 'security-log',
  title: 'collect the Security log',
  effect: 'turns-on',
  commands: [],
  note: `these events are ${ALWAYS_LOGGED_TEXT} (log cleared, service stopped, log full)`,
  source: SOURCES.table,
};

/** The unit that collects Sysmon's own events (SYSMON_SERVICE_EVENTS). */
export const SYSMON_SERVICE_SWITCH: NamedSwitch = {
  id: 'sysmon-service',
  title: 'install Sysmon',
  effect: 'turns-on',
  commands: ['sysmon64.exe -accepteula -i sysmonconfig.xml'],
  note: 'Sysmon always writes its service state (4), configuration change (16) and error (255) events',
  source: SOURCES.sysmon,
};
