/**
 * The pages' view of the enablement table (scripts/pages/enable.ts): what an event page and a
 * technique row show, from events.json `enable` alone.
 */
import { describe, expect, it } from 'vitest';
import type { EventArtifact } from '../../scripts/artifacts/build.ts';
import { enableView, shortEnable } from '../../scripts/pages/enable.ts';
import { eventEnable } from '../../scripts/windows/enable.ts';

function event(key: string, auditSubcategory = ''): EventArtifact {
  const [log = '', eventId = ''] = key.split(':');
  const base = { key, log, eventId, auditSubcategory, clientDefault: '', serverDefault: '' };
  return { ...base, channel: log, provider: '', name: '', description: '', auditCategory: '', enable: eventEnable(base), techniques: [], tactics: [], dataComponents: [] };
}

describe('enableView', () => {
  it('shows every subcategory of 4663 with its outcome and source, and the SACL note', () => {
    const v = enableView(event('Security:4663', 'File System'));
    expect(v.audit.map((a) => [a.subcategory, a.outcome])).toEqual([
      ['File System', 'success'],
      ['Registry', 'success'],
      ['Kernel Object', 'success'],
      ['Removable Storage', 'success'],
    ]);
    expect(v.sacl?.text).toMatch(/^Needs a SACL/);
    expect(v.sacl?.source.url).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect(v.unknown).toBe(false);
  });

  it('gives PowerShell 4104 its switch as a sentence with the commands one per line, and Sysmon 1 its element', () => {
    const ps = enableView(event('PowerShell:4104'));
    expect(ps.switches[0]).toMatchObject({ title: 'Turn on PowerShell Script Block Logging', effect: 'turns-on' });
    expect(ps.switches[0]?.commands.split('\n')).toHaveLength(1);
    expect(ps.defaults[0]?.text).toMatch(/^Script Block Logging is off by default/);
    const sysmon = enableView(event('Sysmon:1'));
    expect(sysmon.sysmon).toMatchObject({ element: 'ProcessCreate', eventIds: '1' });
    expect(sysmon.defaults).toEqual([]);
  });

  it('drops a source URL that is not http(s)', () => {
    const e = event('Security:4688', 'Process Creation');
    const bad = { ...e, enable: { ...e.enable, audit: e.enable.audit.map((a) => ({ ...a, source: { name: 'x', url: 'javascript:alert(1)' } })) } };
    expect(enableView(bad).audit[0]?.source).toEqual({ name: 'x', url: '' });
  });

  it('says nothing is known for an event the table does not know, and for a missing event', () => {
    expect(enableView(event('System:7045')).unknown).toBe(true);
    expect(enableView(undefined).unknown).toBe(true);
  });
});

describe('shortEnable (technique rows)', () => {
  it('leads with the first command, counts the other subcategories and flags the SACL', () => {
    expect(shortEnable(event('Security:4663', 'Kernel Object'))).toMatchObject({ auditpol: 'auditpol /set /subcategory:"Kernel Object" /success:enable', more: 3, sacl: true });
  });
  it('names the Sysmon element, the switch, or the default when there is nothing to switch on', () => {
    expect(shortEnable(event('Sysmon:10')).sysmon).toBe('ProcessAccess');
    expect(shortEnable(event('PowerShell:4103')).switchTitle).toBe('Turn on PowerShell Module Logging');
    expect(shortEnable(event('Security:1102')).note).toBe('Written by the event log service whatever the audit policy');
  });
});
