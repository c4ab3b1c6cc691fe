/**
 * Where each fact of the enablement table comes from, as events.json names it (`source`): a
 * Microsoft documentation page, OSSEM, or this project's own table (scripts/windows/, whose
 * comments give the reasoning).
 *
 * Pure module: no I/O, no node: imports.
 */

/** A source of one enablement fact; `url` is '' for this project's own table. */
export interface FactSource {
  name: string;
  url: string;
}

const LEARN = 'https://learn.microsoft.com/en-us';

export const SOURCES = {
  ossem: { name: 'OSSEM (OSSEM-DM relationships and OSSEM legacy event mappings)', url: 'https://github.com/OTRF/OSSEM-DM' },
  ossemDefaults: { name: 'OSSEM legacy event mappings (client_default, server_default)', url: 'https://github.com/OTRF/OSSEM' },
  auditPolicySettings: { name: 'Microsoft Learn: Advanced security audit policy settings', url: `${LEARN}/windows/security/threat-protection/auditing/advanced-security-audit-policy-settings` },
  auditPolicyDefaults: {
    name: 'Microsoft Learn: Audit Policy Recommendations ("Windows Default" column)',
    url: `${LEARN}/windows-server/identity/ad-ds/plan/security-best-practices/audit-policy-recommendations`,
  },
  commandLineAuditing: { name: 'Microsoft Learn: Command line process auditing', url: `${LEARN}/windows-server/identity/ad-ds/manage/component-updates/command-line-process-auditing` },
  powershellLogging: { name: 'Microsoft Learn: about_Logging_Windows', url: `${LEARN}/powershell/module/microsoft.powershell.core/about/about_logging_windows` },
  powershellEventLogs: { name: 'Microsoft Learn: about_Eventlogs (Windows PowerShell 5.1)', url: `${LEARN}/powershell/module/microsoft.powershell.core/about/about_eventlogs?view=powershell-5.1` },
  sysmon: { name: 'Microsoft Sysinternals: Sysmon', url: `${LEARN}/sysinternals/downloads/sysmon` },
  table: { name: "this project's table (scripts/windows/)", url: '' },
} as const satisfies Record<string, FactSource>;

/** Microsoft's page for one Security event (`4663(S): An attempt was made to access an object.`), which names its subcategories. */
export function microsoftEventPage(eventId: string): FactSource {
  return { name: `Microsoft Learn: security event ${eventId}`, url: `${LEARN}/windows/security/threat-protection/auditing/event-${eventId}` };
}
