/**
 * The one enablement table (scripts/windows/): every name it uses is one of auditpol's 59
 * subcategories, every OSSEM Security event of 18.1 gets its row, and the rows the issue named
 * (4663, 4688, 4104, Sysmon 1) say what an administrator must do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import {
  AUDIT_SUBCATEGORIES,
  EXTRA_SUBCATEGORIES,
  eventEnable,
  type EnableInput,
  MICROSOFT_DEFAULTS,
  NAMED_SWITCHES,
  SACL_OBJECTS,
  SUBCATEGORY_NOTES,
  subcategoryByName,
  SYSMON_ELEMENTS,
} from '../../scripts/windows/index.ts';
import { ENABLE_SCHEMA } from '../../scripts/windows/schema.ts';

const NAMES = new Set(AUDIT_SUBCATEGORIES.map((s) => s.name));
const input = (key: string, auditSubcategory = '', clientDefault = '', serverDefault = ''): EnableInput => {
  const [log = '', eventId = ''] = key.split(':');
  return { key, log, eventId, auditSubcategory, clientDefault, serverDefault };
};

interface EventsDoc {
  events: Array<EnableInput & { enable: unknown }>;
}
const events181 = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'data/enterprise-attack/18.1/events.json'), 'utf8')) as EventsDoc).events;

describe('the table names only real audit subcategories', () => {
  it('has the 59 subcategories of auditpol, with distinct GUIDs and names', () => {
    expect(AUDIT_SUBCATEGORIES).toHaveLength(59);
    expect(new Set(AUDIT_SUBCATEGORIES.map((s) => s.guid)).size).toBe(59);
    expect(NAMES.size).toBe(59);
  });

  it.each([
    ['EXTRA_SUBCATEGORIES', Object.values(EXTRA_SUBCATEGORIES).flat()],
    ['SUBCATEGORY_NOTES', Object.keys(SUBCATEGORY_NOTES)],
    ['SACL_OBJECTS', Object.keys(SACL_OBJECTS)],
    ['MICROSOFT_DEFAULTS', MICROSOFT_DEFAULTS.map((d) => d.subcategory)],
  ])('%s uses auditpol names exactly', (_table, names) => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !NAMES.has(n))).toEqual([]);
  });

  it('gives each named switch a source and, when it concerns events, real event keys', () => {
    for (const s of NAMED_SWITCHES) {
      expect(s.source.name, s.id).not.toBe('');
      for (const k of s.events ?? []) expect(k, s.id).toMatch(/^[A-Za-z]+:\d+$/);
    }
  });
});

describe('every Security event OSSEM gives a subcategory has its row (18.1 events.json)', () => {
  const security = events181.filter((e) => e.log === 'Security' && e.auditSubcategory !== '');

  it('finds such events', () => {
    expect(security.length).toBeGreaterThan(50);
  });

  it.each(security.map((e) => [e.key, e] as const))('%s', (_key, e) => {
    const en = eventEnable(e);
    expect(en.audit.length).toBeGreaterThan(0);
    // OSSEM's subcategory comes first and is credited to OSSEM.
    expect(en.audit[0]?.guid).toBe(subcategoryByName(e.auditSubcategory)?.guid);
    expect(en.audit[0]?.source.name).toMatch(/^OSSEM/);
    for (const a of en.audit) {
      expect(NAMES.has(a.subcategory)).toBe(true);
      expect(a.auditpol).toMatch(new RegExp(`^auditpol /set /subcategory:"${a.subcategory}"( /success:enable)?( /failure:enable)?$`));
      expect(a.gpo).toContain(`> ${a.category} > Audit `);
    }
  });

  it('validates against the published schema, and the data carries the table (once rebuilt)', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(ENABLE_SCHEMA);
    for (const e of events181) {
      const en = eventEnable(e);
      expect(validate(en), `${e.key}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // data/ is rebuilt by the lead; a file written before the table has the old shape.
      if (typeof e.enable === 'object' && e.enable !== null && 'audit' in e.enable) expect(e.enable, e.key).toEqual(JSON.parse(JSON.stringify(en)));
    }
  });
});

describe('the rows of the events the issue names', () => {
  it('Security 4663: File System, Registry, Kernel Object, Removable Storage, and a SACL note', () => {
    const en = eventEnable(input('Security:4663', 'Kernel Object'));
    expect(en.audit.map((a) => a.subcategory)).toEqual(['Kernel Object', 'File System', 'Registry', 'Removable Storage']);
    expect(en.sacl?.text).toMatch(/^Needs a SACL on the objects to audit: written only for kernel objects .*files and folders, registry keys/);
    expect(en.sacl?.source.url).toBe('https://learn.microsoft.com/en-us/windows/security/threat-protection/auditing/event-4663');
    expect(en.audit[1]?.source.url).toContain('event-4663');
  });

  it.each(['4656', '4657', '4658', '4660', '4663', '4670'])('Security %s needs a SACL', (id) => {
    const sub = id === '4657' ? 'Registry' : '';
    expect(eventEnable(input(`Security:${id}`, sub)).sacl).not.toBeNull();
  });

  it('Security 4624 needs no SACL; a failure-only event asks for failure only', () => {
    expect(eventEnable(input('Security:4624', 'Logon')).sacl).toBeNull();
    expect(eventEnable(input('Security:4625', 'Logon')).audit.map((a) => a.auditpol)).toEqual(['auditpol /set /subcategory:"Logon" /failure:enable', 'auditpol /set /subcategory:"Account Lockout" /failure:enable']);
  });

  it('Security 4688: Process Creation and the command-line switch with its GPO path and registry value', () => {
    const en = eventEnable(input('Security:4688', 'Process Creation', 'No auditing', 'No auditing'));
    expect(en.audit.map((a) => a.auditpol)).toEqual(['auditpol /set /subcategory:"Process Creation" /success:enable']);
    const sw = en.switches.find((s) => s.id === 'process-creation-command-line');
    expect(sw).toMatchObject({ title: 'include the command line in process creation events', effect: 'adds-detail' });
    expect(sw?.gpo).toBe('Computer Configuration > Administrative Templates > System > Audit Process Creation > Include command line in process creation events');
    expect(sw?.commands.join('\n')).toContain('ProcessCreationIncludeCmdLine_Enabled /t REG_DWORD /d 1');
    expect(en.defaults).toEqual([{ text: 'audit policy of Process Creation: client No auditing, server No auditing', source: expect.objectContaining({ name: expect.stringMatching(/^OSSEM legacy/) }) }]);
  });

  it('PowerShell 4104: Script Block Logging with its GPO path and reg add; 4103: Module Logging', () => {
    const en = eventEnable(input('PowerShell:4104'));
    expect(en.audit).toEqual([]);
    expect(en.switches).toHaveLength(1);
    expect(en.switches[0]).toMatchObject({ id: 'powershell-script-block-logging', effect: 'turns-on', gpo: 'Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell > Turn on PowerShell Script Block Logging' });
    expect(en.switches[0]?.commands).toEqual(['reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f']);
    expect(en.defaults[0]?.text).toMatch(/^Script Block Logging is off by default/);
    const module = eventEnable(input('PowerShell:4103'));
    expect(module.switches.map((s) => s.id)).toEqual(['powershell-module-logging']);
    expect(module.switches[0]?.gpo).toContain('Windows PowerShell > Turn on Module Logging');
  });

  it('Sysmon 1 → ProcessCreate with a snippet, Sysmon 10 → ProcessAccess; no audit policy, no Windows default', () => {
    const en = eventEnable(input('Sysmon:1'));
    expect(en.sysmon).toMatchObject({ element: 'ProcessCreate', eventIds: ['1'], defaultOn: true });
    expect(en.sysmon?.snippet).toBe('<Sysmon schemaversion="4.90"><EventFiltering><RuleGroup name="" groupRelation="or"><ProcessCreate onmatch="exclude"/></RuleGroup></EventFiltering></Sysmon>');
    expect(en.audit).toEqual([]);
    expect(en.defaults).toEqual([]);
    expect(eventEnable(input('Sysmon:10')).sysmon).toMatchObject({ element: 'ProcessAccess', defaultOn: false });
    expect(eventEnable(input('Sysmon:13')).sysmon?.eventIds).toEqual(['12', '13', '14']);
    expect(eventEnable(input('Sysmon:16')).sysmon).toMatchObject({ element: '', snippet: '' });
    expect(Object.keys(SYSMON_ELEMENTS)).toContain('1');
  });

  it('gives Security events OSSEM has no subcategory for their subcategory from Microsoft', () => {
    expect(eventEnable(input('Security:4627')).audit.map((a) => [a.subcategory, a.source.url])).toEqual([['Group Membership', 'https://learn.microsoft.com/en-us/windows/security/threat-protection/auditing/event-4627']]);
    expect(eventEnable(input('Security:4794')).audit[0]?.auditpol).toBe('auditpol /set /subcategory:"User Account Management" /success:enable /failure:enable');
  });

  it('PowerShell 400 (engine started) is written by default, with its source', () => {
    const en = eventEnable(input('PowerShell:400'));
    expect(en.switches).toEqual([]);
    expect(en.defaults[0]?.text).toMatch(/^written by default to the Windows PowerShell log/);
    expect(en.defaults[0]?.source.url).toContain('about_eventlogs');
  });

  it('an event the table does not know has an empty row', () => {
    expect(eventEnable(input('System:7045'))).toEqual({ audit: [], sacl: null, switches: [], sysmon: null, defaults: [] });
  });
});

describe('scripts/windows/ is the bottom layer', () => {
  it('imports nothing but itself and scripts/lib/, and no Node built-in', () => {
    const dir = path.join(REPO_ROOT, 'scripts/windows');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/from\s+['"]([^'"]+)['"]/g)) expect(m[1], f).toMatch(/^\.\/|^\.\.\/lib\//);
    }
  });
});
