/**
 * What turns each Security event on: its audit subcategories and outcomes, the notes a
 * subcategory needs (SACLs, domain controllers only), and the events written whatever the policy.
 * Small explicit tables; each choice is documented here.
 *
 * Pure module: no I/O, no node: imports. Part of the one enablement table (scripts/windows/).
 */
import { type AuditSubcategory, subcategoryByName } from './subcategories.ts';
import { COMMAND_LINE_SWITCH } from './switches.ts';

/** Which audit outcome produces an event. */
export type AuditOutcome = 'success' | 'failure' | 'both';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'both'];

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
  '4794': 'both',
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
 * Sources: the event lists of Microsoft's "Audit <subcategory>" pages and per-event pages.
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
  '4627': ['Group Membership'],
  '4744': ['Distribution Group Management'],
  '4759': ['Distribution Group Management'],
  '4783': ['Application Group Management'],
  '4790': ['Application Group Management'],
  '4794': ['User Account Management'],
  '4876': ['Certification Services'],
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

/**
 * Object-access subcategories that write events only for objects whose system access control
 * list (SACL) has a matching audit entry: switching the subcategory on is not enough. The value
 * names the objects. (Removable Storage audits every file access on removable drives without a
 * SACL; Handle Manipulation follows the SACLs of the other subcategories.)
 */
export const SACL_OBJECTS: Readonly<Record<string, string>> = {
  'File System': 'files and folders',
  Registry: 'registry keys',
  'Kernel Object': 'kernel objects (e.g. the LSASS process)',
  SAM: 'SAM objects',
  'Directory Service Access': 'Active Directory objects',
  'Directory Service Changes': 'Active Directory objects',
};

/** Short notes for subcategories that need more than the switch (SACL notes from SACL_OBJECTS). */
export const SUBCATEGORY_NOTES: Readonly<Record<string, string>> = {
  'File System': `events only for ${SACL_OBJECTS['File System']} with an audit entry (SACL) — set SACLs on what you want to watch`,
  Registry: `events only for ${SACL_OBJECTS.Registry} with an audit entry (SACL)`,
  'Kernel Object': `events only for ${SACL_OBJECTS['Kernel Object']} with an audit entry (SACL)`,
  SAM: `events only for ${SACL_OBJECTS.SAM} with an audit entry (SACL)`,
  'Removable Storage': 'all file access on removable storage, no SACL needed',
  'Directory Service Access': `domain controllers only; events for ${SACL_OBJECTS['Directory Service Access']} with an audit entry (SACL)`,
  'Directory Service Changes': `domain controllers only; events for ${SACL_OBJECTS['Directory Service Changes']} with an audit entry (SACL)`,
  'Process Creation': `for command lines also ${COMMAND_LINE_SWITCH.title}: ${COMMAND_LINE_SWITCH.gpo ?? ''}`,
  'Kerberos Authentication Service': 'domain controllers only',
  'Kerberos Service Ticket Operations': 'domain controllers only',
  'Certification Services': 'certification authorities only',
};

/** The exact command that turns a subcategory on for the given outcomes. */
export function auditpolCommand(s: AuditSubcategory, outcomes: { success: boolean; failure: boolean }): string {
  const parts = [`auditpol /set /subcategory:"${s.name}"`];
  if (outcomes.success) parts.push('/success:enable');
  if (outcomes.failure) parts.push('/failure:enable');
  return parts.join(' ');
}

/** The outcomes an `auditpol` command must enable for events of `outcome`. */
export function outcomeSwitches(outcome: AuditOutcome): { success: boolean; failure: boolean } {
  return { success: outcome !== 'failure', failure: outcome !== 'success' };
}

/** Where the same setting lives in Group Policy. */
export function auditGpoPath(s: AuditSubcategory): string {
  const gpoName = s.aliases.find((a) => a === 'PNP Activity') ?? s.name;
  return `Computer Configuration > Windows Settings > Security Settings > Advanced Audit Policy Configuration > System Audit Policies > ${s.category} > Audit ${gpoName}`;
}
