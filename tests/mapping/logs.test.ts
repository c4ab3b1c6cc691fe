import { describe, expect, it } from 'vitest';
import { channelFor, logForProvider, resolveLog } from '../../scripts/mapping/logs.ts';

describe('log names', () => {
  it.each([
    ['WinEventLog:Sysmon', 'Sysmon'],
    ['WinEventLog:sysmon', 'Sysmon'],
    ['Microsoft-Windows-Sysmon/Operational', 'Sysmon'],
    ['Microsoft-windows-sysmon/operational', 'Sysmon'],
    ['WinEventLog:Security', 'Security'],
    ['WinEventlog:Security', 'Security'],
    ['WinEventLog:security', 'Security'],
    ['WinEventLog:Kerberos', 'Security'],
    ['wineventlog:dhcp', 'DHCP'],
    ['WinEventLog:CodeIntegrity', 'CodeIntegrity'],
    ['WinEventLog:Microsoft-Windows-CodeIntegrity/Operational', 'CodeIntegrity'],
    ['WinEventLog:Directory Service', 'DirectoryService'],
    ['WinEventLog:DirectoryService', 'DirectoryService'],
    ['WinEventLog:Powershell', 'PowerShell'],
    ['Windows PowerShell', 'PowerShell'],
    ['Microsoft-Windows-WMI-Activity', 'WMI'],
  ])('%s is %s', (spelling, log) => {
    expect(resolveLog(spelling)?.log).toBe(log);
  });

  it('keeps an unknown WinEventLog channel verbatim and says it is unknown', () => {
    expect(resolveLog('WinEventLog:Microsoft-Windows-TCPIP')).toEqual({ log: 'Microsoft-Windows-TCPIP', channel: 'Microsoft-Windows-TCPIP', known: false });
  });

  it.each(['linux:syslog', 'etw:Microsoft-Windows-Kernel-Process', 'Microsoft Defender for Endpoint', 'WinEventLog:'])('%s is not a Windows event log', (name) => {
    expect(resolveLog(name)).toBeUndefined();
  });

  it('splits PowerShell events across its two channels', () => {
    expect(channelFor('PowerShell', 'Microsoft-Windows-PowerShell/Operational', '400')).toBe('Windows PowerShell');
    expect(channelFor('PowerShell', 'Microsoft-Windows-PowerShell/Operational', '4104')).toBe('Microsoft-Windows-PowerShell/Operational');
  });

  it('puts the Eventlog provider audit events in Security and the rest in System', () => {
    expect(logForProvider('Microsoft-Windows-Eventlog', '1102')?.log).toBe('Security');
    expect(logForProvider('Microsoft-Windows-Eventlog', '104')?.log).toBe('System');
  });
});
