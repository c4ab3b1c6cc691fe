/**
 * One table of Windows event-log names. Upstream spells the same log several ways
 * (`WinEventLog:Sysmon`, `Microsoft-Windows-Sysmon/Operational`, `WinEventLog:sysmon`); every
 * spelling resolves here to one short log name, which with the event ID keys an event.
 */

export interface LogDef {
  /** Short, stable name used in event keys (`Sysmon:1`) and on the command line. */
  log: string;
  /** The Windows channel an administrator enables or collects. */
  channel: string;
  aliases: string[];
}

export const LOGS: readonly LogDef[] = [
  {
    log: 'Security',
    channel: 'Security',
    // Kerberos events (4768, 4769…) are Security-Auditing events; ATT&CK 18.0 files them under "WinEventLog:Kerberos".
    // The Eventlog provider writes its audit-service events (1100–1108) to the Security log.
    aliases: ['WinEventLog:Security', 'Security', 'Microsoft-Windows-Security-Auditing', 'WinEventLog:Microsoft-Windows-Security-Auditing', 'WinEventLog:Kerberos', 'Microsoft-Windows-Eventlog'],
  },
  {
    log: 'Sysmon',
    channel: 'Microsoft-Windows-Sysmon/Operational',
    aliases: ['WinEventLog:Sysmon', 'Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', 'WinEventLog:Microsoft-Windows-Sysmon/Operational'],
  },
  {
    log: 'PowerShell',
    channel: 'Microsoft-Windows-PowerShell/Operational',
    aliases: ['WinEventLog:PowerShell', 'Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', 'Windows PowerShell', 'PowerShell', 'WinEventLog:Windows PowerShell', 'WinEventLog:Microsoft-Windows-PowerShell/Operational'],
  },
  { log: 'System', channel: 'System', aliases: ['WinEventLog:System', 'System', 'Service Control Manager', 'EventLog'] },
  { log: 'Application', channel: 'Application', aliases: ['WinEventLog:Application', 'Application'] },
  {
    log: 'WMI',
    channel: 'Microsoft-Windows-WMI-Activity/Operational',
    aliases: ['WinEventLog:WMI', 'Microsoft-Windows-WMI-Activity', 'Microsoft-Windows-WMI-Activity/Operational', 'WinEventLog:Microsoft-Windows-WMI-Activity/Operational'],
  },
  {
    log: 'TaskScheduler',
    channel: 'Microsoft-Windows-TaskScheduler/Operational',
    aliases: ['WinEventLog:TaskScheduler', 'Microsoft-Windows-TaskScheduler', 'Microsoft-Windows-TaskScheduler/Operational', 'WinEventLog:Microsoft-Windows-TaskScheduler/Operational'],
  },
  {
    log: 'CodeIntegrity',
    channel: 'Microsoft-Windows-CodeIntegrity/Operational',
    aliases: ['WinEventLog:CodeIntegrity', 'WinEventLog:Microsoft-Windows-CodeIntegrity/Operational', 'Microsoft-Windows-CodeIntegrity', 'Microsoft-Windows-CodeIntegrity/Operational'],
  },
  { log: 'DirectoryService', channel: 'Directory Service', aliases: ['WinEventLog:DirectoryService', 'WinEventLog:Directory Service', 'Directory Service'] },
  {
    log: 'Firewall',
    channel: 'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
    aliases: [
      'WinEventLog:Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
      'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
      'Microsoft-Windows-Windows Firewall With Advanced Security',
    ],
  },
  {
    log: 'Defender',
    channel: 'Microsoft-Windows-Windows Defender/Operational',
    aliases: ['WinEventLog:Windows Defender', 'WinEventLog:Microsoft-Windows-Windows Defender/Operational', 'Microsoft-Windows-Windows Defender/Operational', 'Microsoft-Windows-Windows Defender'],
  },
  { log: 'DHCP', channel: 'Microsoft-Windows-Dhcp-Server/Operational', aliases: ['WinEventLog:DHCP', 'WinEventLog:Microsoft-Windows-Dhcp-Server/Operational'] },
  { log: 'AppLocker', channel: 'Microsoft-Windows-AppLocker/EXE and DLL', aliases: ['WinEventLog:AppLocker', 'Microsoft-Windows-AppLocker', 'WinEventLog:Microsoft-Windows-AppLocker/EXE and DLL', 'WinEventLog:Microsoft-Windows-AppLocker/MSI and Script'] },
  { log: 'IIS', channel: 'Microsoft-IIS-Configuration/Operational', aliases: ['WinEventLog:iis', 'WinEventLog:Microsoft-IIS-Configuration', 'WinEventLog:Microsoft-IIS-Configuration/Operational'] },
  { log: 'ADFS', channel: 'AD FS/Admin', aliases: ['WinEventLog:ADFS', 'WinEventLog:AD FS/Admin'] },
  { log: 'SMBClient', channel: 'Microsoft-Windows-SMBClient/Security', aliases: ['WinEventLog:Microsoft-Windows-SMBClient/Security', 'WinEventLog:SMBClient', 'Microsoft-Windows-SMBClient'] },
  { log: 'WinRM', channel: 'Microsoft-Windows-WinRM/Operational', aliases: ['WinEventLog:WinRM', 'WinEventLog:Microsoft-Windows-WinRM/Operational', 'Microsoft-Windows-WinRM'] },
  // Logs that ATT&CK 18's data components and the detection rules name; the provider names let OSSEM-DD name their events.
  { log: 'NTLM', channel: 'Microsoft-Windows-NTLM/Operational', aliases: ['WinEventLog:Microsoft-Windows-NTLM/Operational', 'Microsoft-Windows-NTLM', 'Microsoft-Windows-NTLM/Operational', 'NTLM Operational'] },
  { log: 'BITS', channel: 'Microsoft-Windows-Bits-Client/Operational', aliases: ['WinEventLog:Microsoft-Windows-Bits-Client/Operational', 'Microsoft-Windows-Bits-Client', 'Microsoft-Windows-Bits-Client/Operational'] },
  { log: 'WLAN', channel: 'Microsoft-Windows-WLAN-AutoConfig/Operational', aliases: ['WinEventLog:Microsoft-Windows-WLAN-AutoConfig', 'WinEventLog:Microsoft-Windows-WLAN-AutoConfig/Operational', 'Microsoft-Windows-WLAN-AutoConfig'] },
  { log: 'LDAP-Client', channel: 'Microsoft-Windows-LDAP-Client/Debug', aliases: ['WinEventLog:Microsoft-Windows-LDAP-Client/Debug', 'Microsoft-Windows-LDAP-Client/Debug', 'Microsoft-Windows-LDAP-Client'] },
  { log: 'SMBServer', channel: 'Microsoft-Windows-SMBServer/Security', aliases: ['WinEventLog:Microsoft-Windows-SMBServer', 'WinEventLog:Microsoft-Windows-SMBServer/Security', 'WinEventLog:Microsoft-Windows-SMBServer/Operational', 'Microsoft-Windows-SMBServer'] },
  { log: 'PrintService', channel: 'Microsoft-Windows-PrintService/Admin', aliases: ['WinEventLog:Microsoft-Windows-PrintService/Admin', 'WinEventLog:Microsoft-Windows-PrintService/Operational', 'Microsoft-Windows-PrintService'] },
  { log: 'CAPI2', channel: 'Microsoft-Windows-CAPI2/Operational', aliases: ['WinEventLog:Microsoft-Windows-CAPI2/Operational', 'Microsoft-Windows-CAPI2'] },
  {
    log: 'RDP-RemoteConnectionManager',
    channel: 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
    aliases: ['WinEventLog:Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational', 'Microsoft-Windows-TerminalServices-RemoteConnectionManager'],
  },
  {
    log: 'CertificateServicesClient',
    channel: 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
    aliases: ['WinEventLog:Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational', 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System'],
  },
];

/** Windows PowerShell (the classic log) holds the engine and provider events; the rest are in PowerShell/Operational. */
const CLASSIC_POWERSHELL_IDS = new Set(['400', '403', '500', '501', '600', '800']);

const byAlias = new Map<string, LogDef>();
for (const def of LOGS) {
  for (const alias of [def.log, ...def.aliases]) byAlias.set(fold(alias), def);
}

function fold(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

const WINEVENTLOG_PREFIX = /^wineventlog:/i;

export interface ResolvedLog {
  log: string;
  channel: string;
  /** True when the name matched the alias table; false for a WinEventLog channel we keep verbatim. */
  known: boolean;
}

/**
 * Resolves a log name as ATT&CK, OSSEM-DM or OSSEM-DD spell it. Returns undefined when the name
 * is not a Windows event log (`linux:syslog`, `etw:…`, `Microsoft Defender for Endpoint`).
 */
export function resolveLog(name: string): ResolvedLog | undefined {
  const def = byAlias.get(fold(name));
  if (def) return { log: def.log, channel: def.channel, known: true };
  if (WINEVENTLOG_PREFIX.test(name.trim())) {
    const rest = name.trim().replace(WINEVENTLOG_PREFIX, '').trim();
    if (rest === '') return undefined;
    return { log: rest, channel: rest, known: false };
  }
  return undefined;
}

/** The channel that carries one event of a log (PowerShell is split across two channels). */
export function channelFor(log: string, channel: string, eventId: string): string {
  if (log === 'PowerShell' && CLASSIC_POWERSHELL_IDS.has(eventId)) return 'Windows PowerShell';
  return channel;
}

export function eventKey(log: string, eventId: string): string {
  return `${log}:${eventId}`;
}

/** Short names users type for logs (`sec`, `sysmon`), for the coverage tool. */
export function logByName(name: string): LogDef | undefined {
  return byAlias.get(fold(name)) ?? LOGS.find((d) => d.log.toLowerCase() === fold(name));
}

/**
 * The log of an event known only by its provider (OSSEM-DD files, OSSEM-DM entries without a
 * channel). The Eventlog provider writes 1100–1199 to Security and its service events to System.
 */
export function logForProvider(provider: string, eventId: string): ResolvedLog | undefined {
  if (fold(provider) === 'microsoft-windows-eventlog') {
    const n = Number(eventId);
    const log = n >= 1100 && n < 1200 ? 'Security' : 'System';
    return { log, channel: log, known: true };
  }
  return resolveLog(provider);
}
