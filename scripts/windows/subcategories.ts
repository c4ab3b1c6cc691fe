/**
 * The 59 advanced audit policy subcategories of Windows (Vista / Server 2008 and later, up to
 * Windows 11 and Server 2022), with Microsoft's well-known GUIDs and their categories.
 *
 * Names are those `auditpol /get /category:*` prints in English. GUIDs are the same in every
 * language, so localised auditpol output is matched by GUID. Checked against public
 * `auditpol /backup` / audit.csv files (all 59 GUIDs {0CCE9210…924A-69AE-11D9-BED3-505054503030})
 * and the subcategory names of Microsoft's auditpolmsg.dll.mui and "Advanced security audit
 * policy settings" documentation. `aliases` are other spellings in use: Group Policy names
 * ("Audit PNP Activity"), OSSEM's (`PNP Activity`, `Policy Change` for Audit Policy Change).
 *
 * Pure module: no I/O, no node: imports. Part of the one enablement table (scripts/windows/).
 */
import { cmp } from '../lib/cmp.ts';
import { editDistance } from '../lib/edit-distance.ts';

export const AUDIT_CATEGORIES = [
  'System',
  'Logon/Logoff',
  'Object Access',
  'Privilege Use',
  'Detailed Tracking',
  'Policy Change',
  'Account Management',
  'DS Access',
  'Account Logon',
] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export interface AuditSubcategory {
  /** Upper-case GUID with braces, as auditpol prints it. */
  guid: string;
  /** English name as printed by auditpol (and accepted by `auditpol /set /subcategory:"…"`). */
  name: string;
  category: AuditCategory;
  aliases: readonly string[];
}

const g = (n: string): string => `{0CCE92${n}-69AE-11D9-BED3-505054503030}`;
const sub = (hex: string, name: string, category: AuditCategory, aliases: string[] = []): AuditSubcategory => ({ guid: g(hex), name, category, aliases });

/**
 * One row per subcategory, in GUID order: GUID suffix | name | category | other spellings (`;`).
 * A text table rather than 59 calls: the facts are data, checked when the module loads.
 */
const TABLE = `
10|Security State Change|System
11|Security System Extension|System
12|System Integrity|System
13|IPsec Driver|System
14|Other System Events|System
15|Logon|Logon/Logoff
16|Logoff|Logon/Logoff
17|Account Lockout|Logon/Logoff
18|IPsec Main Mode|Logon/Logoff
19|IPsec Quick Mode|Logon/Logoff
1A|IPsec Extended Mode|Logon/Logoff
1B|Special Logon|Logon/Logoff
1C|Other Logon/Logoff Events|Logon/Logoff
1D|File System|Object Access
1E|Registry|Object Access
1F|Kernel Object|Object Access
20|SAM|Object Access
21|Certification Services|Object Access
22|Application Generated|Object Access
23|Handle Manipulation|Object Access
24|File Share|Object Access
25|Filtering Platform Packet Drop|Object Access
26|Filtering Platform Connection|Object Access
27|Other Object Access Events|Object Access
28|Sensitive Privilege Use|Privilege Use
29|Non Sensitive Privilege Use|Privilege Use|Non-Sensitive Privilege Use
2A|Other Privilege Use Events|Privilege Use
2B|Process Creation|Detailed Tracking
2C|Process Termination|Detailed Tracking
2D|DPAPI Activity|Detailed Tracking
2E|RPC Events|Detailed Tracking
2F|Audit Policy Change|Policy Change|Policy Change
30|Authentication Policy Change|Policy Change
31|Authorization Policy Change|Policy Change
32|MPSSVC Rule-Level Policy Change|Policy Change
33|Filtering Platform Policy Change|Policy Change
34|Other Policy Change Events|Policy Change
35|User Account Management|Account Management
36|Computer Account Management|Account Management
37|Security Group Management|Account Management
38|Distribution Group Management|Account Management
39|Application Group Management|Account Management
3A|Other Account Management Events|Account Management
3B|Directory Service Access|DS Access
3C|Directory Service Changes|DS Access
3D|Directory Service Replication|DS Access
3E|Detailed Directory Service Replication|DS Access
3F|Credential Validation|Account Logon
40|Kerberos Service Ticket Operations|Account Logon
41|Other Account Logon Events|Account Logon
42|Kerberos Authentication Service|Account Logon
43|Network Policy Server|Logon/Logoff
44|Detailed File Share|Object Access
45|Removable Storage|Object Access
46|Central Policy Staging|Object Access|Central Access Policy Staging
47|User / Device Claims|Logon/Logoff|User/Device Claims
48|Plug and Play Events|Detailed Tracking|PNP Activity
49|Group Membership|Logon/Logoff
4A|Token Right Adjusted Events|Detailed Tracking|Token Right Adjusted
`;

function rowOf(line: string): AuditSubcategory {
  const [hex = '', name = '', category = '', aliases = ''] = line.split('|');
  if (!/^[0-9A-F]{2}$/.test(hex) || !name || !(AUDIT_CATEGORIES as readonly string[]).includes(category)) throw new Error(`subcategories.ts: bad row ${line}`);
  return sub(hex, name, category as AuditCategory, aliases ? aliases.split(';') : []);
}

export const AUDIT_SUBCATEGORIES: readonly AuditSubcategory[] = TABLE.trim().split('\n').map(rowOf);

/** `{0cce922b-…}`, `0CCE922B-…` → `{0CCE922B-…}`; undefined when not a GUID. */
export function normalizeGuid(text: string): string | undefined {
  const m = /^\s*\{?\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*\}?\s*$/i.exec(text);
  return m ? `{${(m[1] ?? '').toUpperCase()}}` : undefined;
}

/** Lower case, "Audit " prefix dropped, spaces around "/" and "-" and runs of spaces folded. */
export function foldSubcategoryName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([/-])\s*/g, '$1')
    .replace(/^audit (?!policy change$)/, '');
}

const BY_GUID = new Map(AUDIT_SUBCATEGORIES.map((s) => [s.guid, s]));
const BY_NAME = new Map<string, AuditSubcategory>();
for (const s of AUDIT_SUBCATEGORIES) for (const n of [s.name, ...s.aliases]) BY_NAME.set(foldSubcategoryName(n), s);

export function subcategoryByGuid(guid: string): AuditSubcategory | undefined {
  const n = normalizeGuid(guid);
  return n === undefined ? undefined : BY_GUID.get(n);
}

/** By English name or alias, any case, with or without the "Audit " prefix of Group Policy. */
export function subcategoryByName(name: string): AuditSubcategory | undefined {
  const folded = foldSubcategoryName(name);
  // "Audit Audit Policy Change" (Group Policy) → "audit policy change".
  return BY_NAME.get(folded) ?? BY_NAME.get(folded.replace(/^audit /, ''));
}

/**
 * Up to `max` known subcategory names closest to `name`: most shared words first (a typed word
 * may be a prefix, "Auth" → "Authentication"), then edit distance.
 */
export function closestSubcategories(name: string, max = 3): string[] {
  const folded = foldSubcategoryName(name);
  if (folded === '') return [];
  const words = folded.split(/[\s/-]+/).filter((w) => w.length >= 2);
  return AUDIT_SUBCATEGORIES.map((s) => {
    const names = [s.name, ...s.aliases].map(foldSubcategoryName);
    const d = Math.min(...names.map((n) => editDistance(folded, n)));
    const shared = Math.max(...names.map((n) => {
      const its = n.split(/[\s/-]+/);
      return words.filter((w) => its.some((x) => x.startsWith(w) || w.startsWith(x))).length;
    }));
    return { name: s.name, d, shared };
  })
    .sort((a, b) => b.shared - a.shared || a.d - b.d || cmp(a.name, b.name))
    .slice(0, max)
    .map((x) => x.name);
}
