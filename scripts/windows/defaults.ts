/**
 * What Windows does out of the box: Microsoft's default audit policy per subcategory, and notes
 * for events whose default is not an audit setting (PowerShell logging).
 *
 * Pure module: no I/O, no node: imports. Part of the one enablement table (scripts/windows/).
 */
import { type FactSource, SOURCES } from './sources.ts';

export interface DefaultSetting {
  subcategory: string;
  success: boolean;
  failure: boolean;
}

/**
 * Microsoft's "Windows Default" column (Audit Policy Recommendations), identical for Windows 10 /
 * 8 / 7 and Windows Server 2008–2016 except where noted; blank rows (No Auditing) are omitted.
 * Known difference with OSSEM: OSSEM's client default for Logon is Success; since Windows 10
 * 1809 clients audit Logon failures too (Microsoft's table, footnote 1).
 */
export const MICROSOFT_DEFAULTS: readonly DefaultSetting[] = [
  { subcategory: 'User Account Management', success: true, failure: false },
  { subcategory: 'Account Lockout', success: true, failure: false },
  { subcategory: 'Logoff', success: true, failure: false },
  { subcategory: 'Logon', success: true, failure: true },
  { subcategory: 'Network Policy Server', success: true, failure: true },
  { subcategory: 'Special Logon', success: true, failure: false },
  { subcategory: 'Audit Policy Change', success: true, failure: false },
  { subcategory: 'Authentication Policy Change', success: true, failure: false },
  { subcategory: 'Other System Events', success: true, failure: true },
  { subcategory: 'Security State Change', success: true, failure: false },
  { subcategory: 'System Integrity', success: true, failure: true },
];

/** `Success and Failure`, `Success`, `Failure`, `No Auditing` (auditpol's words). */
export function settingWords(s: { success: boolean; failure: boolean }): string {
  return s.success && s.failure ? 'Success and Failure' : s.success ? 'Success' : s.failure ? 'Failure' : 'No Auditing';
}

/** Microsoft's default for a subcategory by its auditpol name (No Auditing when not listed). */
export function microsoftDefault(subcategory: string): { success: boolean; failure: boolean } {
  const d = MICROSOFT_DEFAULTS.find((x) => x.subcategory === subcategory);
  return { success: d?.success ?? false, failure: d?.failure ?? false };
}

export interface FactNote {
  text: string;
  source: FactSource;
}

/** Out-of-the-box behaviour of events that no audit subcategory controls, by event key. */
export const DEFAULT_NOTES: Readonly<Record<string, FactNote>> = {
  'PowerShell:4104': {
    text: 'Script Block Logging is off by default; PowerShell 5.0 and later still log script blocks it judges suspicious, at Warning level',
    source: SOURCES.powershellLogging,
  },
  'PowerShell:4103': { text: 'Module Logging is off by default', source: SOURCES.powershellLogging },
  'PowerShell:400': { text: 'written by default to the Windows PowerShell log: engine lifecycle events ($LogEngineLifecycleEvent is on by default)', source: SOURCES.powershellEventLogs },
  'PowerShell:403': { text: 'written by default to the Windows PowerShell log: engine lifecycle events ($LogEngineLifecycleEvent is on by default)', source: SOURCES.powershellEventLogs },
  'PowerShell:4105': { text: 'script block invocation logging is off by default', source: SOURCES.powershellLogging },
  'PowerShell:4106': { text: 'script block invocation logging is off by default', source: SOURCES.powershellLogging },
};
