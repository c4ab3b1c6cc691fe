/**
 * auditpol /get /category:* /r CSV: the fixtures in tests/fixtures/config/ (see README.md there
 * for where the default settings come from), localised output, malformed files, warnings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_SUBCATEGORIES,
  type AuditPolicy,
  closestSubcategories,
  CoverageError,
  describeSetting,
  normalizeGuid,
  parseAuditpolCsv,
  parseAuditSetting,
  subcategoryByGuid,
  subcategoryByName,
} from '../../../scripts/coverage/index.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');
const read = (f: string): string => readFileSync(path.join(FIXTURES, f), 'utf8');
const setting = (p: AuditPolicy, name: string): string => {
  const s = subcategoryByName(name);
  const e = s ? p.entries.get(s.guid) : undefined;
  return e ? describeSetting(e) : 'absent';
};

/**
 * Windows default audit policy (Windows 10 1809+ / 11 client; Windows Server 2016+ member server):
 * the "Windows Default" column of Microsoft's "Audit Policy Recommendations" page
 * (learn.microsoft.com/windows-server/identity/ad-ds/plan/security-best-practices/audit-policy-recommendations),
 * with Logon = Success and Failure (footnote 1: Windows 10 1809 and later) and Security Group
 * Management = Success as OSSEM records it (blank in Microsoft's table).
 */
const DEFAULTS: Record<string, string> = {
  'Security State Change': 'Success',
  'System Integrity': 'Success and Failure',
  'Other System Events': 'Success and Failure',
  Logon: 'Success and Failure',
  Logoff: 'Success',
  'Account Lockout': 'Success',
  'Special Logon': 'Success',
  'Network Policy Server': 'Success and Failure',
  'Audit Policy Change': 'Success',
  'Authentication Policy Change': 'Success',
  'User Account Management': 'Success',
  'Security Group Management': 'Success',
};

describe('subcategory table', () => {
  it('has the 59 advanced audit subcategories with distinct well-known GUIDs {0CCE9210…924A-69AE-11D9-BED3-505054503030}', () => {
    expect(AUDIT_SUBCATEGORIES).toHaveLength(59);
    const guids = AUDIT_SUBCATEGORIES.map((s) => s.guid);
    expect(new Set(guids).size).toBe(59);
    const expected = Array.from({ length: 59 }, (_, i) => `{0CCE92${(0x10 + i).toString(16).toUpperCase()}-69AE-11D9-BED3-505054503030}`);
    expect([...guids].sort()).toEqual(expected.sort());
    expect(subcategoryByGuid('{0cce922b-69ae-11d9-bed3-505054503030}')?.name).toBe('Process Creation');
    expect(subcategoryByGuid('0CCE9217-69AE-11D9-BED3-505054503030')?.name).toBe('Account Lockout');
  });

  it('matches Group Policy and OSSEM spellings', () => {
    expect(subcategoryByName('Audit Process Creation')?.name).toBe('Process Creation');
    expect(subcategoryByName('Audit Audit Policy Change')?.name).toBe('Audit Policy Change');
    expect(subcategoryByName('Policy Change')?.name).toBe('Audit Policy Change');
    expect(subcategoryByName('PNP Activity')?.name).toBe('Plug and Play Events');
    expect(subcategoryByName('User/Device Claims')?.name).toBe('User / Device Claims');
    expect(subcategoryByName('process  creation')?.name).toBe('Process Creation');
    expect(normalizeGuid('not a guid')).toBeUndefined();
  });

  it('suggests close names', () => {
    expect(closestSubcategories('Proces Creation')[0]).toBe('Process Creation');
    expect(closestSubcategories('Kerberos Auth Service')).toContain('Kerberos Authentication Service');
  });

  it('reads settings in English, German and French', () => {
    expect(parseAuditSetting('Success and Failure')).toEqual({ success: true, failure: true });
    expect(parseAuditSetting('No Auditing')).toEqual({ success: false, failure: false });
    expect(parseAuditSetting('Erfolg und Fehler')).toEqual({ success: true, failure: true });
    expect(parseAuditSetting('Keine Überwachung')).toEqual({ success: false, failure: false });
    expect(parseAuditSetting('Échec')).toEqual({ success: false, failure: true });
    expect(parseAuditSetting('Sometimes')).toBeUndefined();
  });
});

describe('parseAuditpolCsv', () => {
  it('reads the Windows client default (7 columns with Subsystem, BOM, CRLF, trailing blank lines)', () => {
    const text = read('auditpol-windows-client-default.csv');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('\r\n\r\n');
    const p = parseAuditpolCsv(text, 'client.csv');
    expect(p.machine).toBe('WIN11-CLIENT');
    expect(p.entries.size).toBe(59);
    expect(p.warnings).toEqual([]);
    expect(p.notes).toEqual([]);
    for (const s of AUDIT_SUBCATEGORIES) expect(setting(p, s.name), s.name).toBe(DEFAULTS[s.name] ?? 'No Auditing');
    expect([...p.entries.values()].every((e) => e.matchedBy === 'guid')).toBe(true);
    expect(p.entries.get('{0CCE9215-69AE-11D9-BED3-505054503030}')?.line).toBe(7);
  });

  it('reads the Windows Server default (6 columns as auditpol /r prints them, lower-case GUIDs, LF)', () => {
    const p = parseAuditpolCsv(read('auditpol-windows-server-default.csv'), 'server.csv');
    expect(p.machine).toBe('SRV2019-APP01');
    expect(p.entries.size).toBe(59);
    expect(p.warnings).toEqual([]);
    expect(setting(p, 'Logon')).toBe('Success and Failure');
    expect(setting(p, 'Process Creation')).toBe('No Auditing');
    expect(setting(p, 'Credential Validation')).toBe('No Auditing');
  });

  it('matches localised (German) output by GUID, finds columns by content, and says so', () => {
    const p = parseAuditpolCsv(read('auditpol-german.csv'), 'de.csv');
    expect(p.entries.size).toBe(59);
    expect(p.machine).toBe('PC-BERLIN-07');
    expect(p.warnings).toEqual([]);
    expect(p.localisedNames).toBe(58); // "SAM" is the same in German
    expect(p.notes[0]).toMatch(/58 subcategory name\(s\) are not English .*matched by GUID.*columns found by content/);
    expect(setting(p, 'Process Creation')).toBe('Success');
    expect(setting(p, 'Account Lockout')).toBe('Failure');
    expect(setting(p, 'Credential Validation')).toBe('Success and Failure');
    expect(setting(p, 'File System')).toBe('No Auditing');
    expect(p.entries.get(subcategoryByName('Process Creation')?.guid ?? '')?.nameInFile).toBe('Prozesserstellung');
  });

  it('refuses a malformed CSV (unterminated quote) with the record number', () => {
    expect(() => parseAuditpolCsv(read('auditpol-malformed.csv'), 'bad.csv')).toThrow(/^bad\.csv: not valid CSV: Quoted field unterminated \(record 2\)/);
  });

  it('explains auditpol table output, empty files and files that are not auditpol CSV', () => {
    const table = 'System audit policy\r\nCategory/Subcategory                      Setting\r\nSystem\r\n  Security State Change                   Success\r\n';
    expect(() => parseAuditpolCsv(table, 'a.txt')).toThrow(/table output, not CSV: run auditpol \/get \/category:\* \/r/);
    expect(() => parseAuditpolCsv('\uFEFF\r\n\r\n', 'e.csv')).toThrow(/e\.csv: the file is empty/);
    expect(() => parseAuditpolCsv('name,value\nfoo,1\nbar,2\n', 'x.csv')).toThrow(/x\.csv: not an auditpol CSV: no "Subcategory GUID" column/);
    expect(() => parseAuditpolCsv('Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\n', 'h.csv')).toThrow(CoverageError);
  });

  it('warns about unknown GUIDs and names with the closest known names, never skipping silently', () => {
    const csv = [
      'Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting',
      'PC,System,Process Creation,{0CCE922B-69AE-11D9-BED3-505054503030},Success,',
      'PC,System,Proces Creaton,{0CCE9299-69AE-11D9-BED3-505054503030},Success,',
      'PC,System,Kerberos Auth Service,,Success,',
      'PC,System,Logon,{0CCE9215-69AE-11D9-BED3-505054503030},Sometimes,',
      'PC,System,Logon,{0CCE9215-69AE-11D9-BED3-505054503030},Failure,',
    ].join('\n');
    const p = parseAuditpolCsv(csv, 'w.csv');
    expect(p.warnings).toEqual([
      'line 3: unknown subcategory GUID {0CCE9299-69AE-11D9-BED3-505054503030} ("Proces Creaton"); not one of the 59 known subcategories — closest: Process Creation, Process Termination, RPC Events',
      'line 4: unknown subcategory "Kerberos Auth Service"; closest known: Kerberos Authentication Service, Kerberos Service Ticket Operations, Certification Services',
      'line 5: Logon: unknown setting "Sometimes" (expected Success, Failure, Success and Failure or No Auditing); taken as No Auditing',
      'line 6: Logon appears again; the last row wins',
    ]);
    expect(setting(p, 'Logon')).toBe('Failure');
    expect(p.notes).toEqual(['57 of the 59 subcategories are not in the file; taken as No Auditing']);
  });

  it('reads the numeric Setting Value of audit.csv backups and matches rows without GUID by name', () => {
    const csv = [
      'Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting,Setting Value',
      ',System,Audit Process Creation,{0cce922b-69ae-11d9-bed3-505054503030},Success,,1',
      ',System,Audit Credential Validation,{0cce923f-69ae-11d9-bed3-505054503030},,,3',
      ',System,Audit Logon,,Failure,,2',
    ].join('\r\n');
    const p = parseAuditpolCsv(csv, 'audit.csv');
    expect(setting(p, 'Process Creation')).toBe('Success');
    expect(setting(p, 'Credential Validation')).toBe('Success and Failure');
    expect(setting(p, 'Logon')).toBe('Failure');
    expect(p.entries.get(subcategoryByName('Logon')?.guid ?? '')?.matchedBy).toBe('name');
    expect(p.warnings).toEqual([]);
    expect(p.localisedNames).toBe(0);
  });
});
