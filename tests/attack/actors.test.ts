import { describe, expect, it } from 'vitest';
import { readActors } from '../../scripts/attack/actors.ts';
import { parseBundle } from '../../scripts/attack/stix.ts';
import { validateArtifact } from '../../scripts/artifacts/schemas.ts';
import { groupsArtifact } from '../../scripts/artifacts/groups.ts';
import { bundle, stixIdOf, technique } from '../fixtures/stix.ts';

type Obj = Record<string, unknown>;
const ext = (id: string, kind: string): Obj[] => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/${kind}/${id}` }];
const group = (n: string, name: string, aliases: string[], extra: Obj = {}): Obj => ({ type: 'intrusion-set', id: `intrusion-set--${n}`, name, aliases, external_references: ext(`G${n.padStart(4, '0')}`, 'groups'), ...extra });
const rel = (n: string, type: string, source: string, target: string, extra: Obj = {}): Obj => ({ type: 'relationship', id: `relationship--${n}`, relationship_type: type, source_ref: source, target_ref: target, ...extra });

const objects: Obj[] = [
  technique({ id: 'T1003', tactics: ['credential-access'] }),
  technique({ id: 'T1003.001', tactics: ['credential-access'] }),
  technique({ id: 'T1059', tactics: ['execution'], platforms: ['Linux', 'macOS'] }),
  technique({ id: 'T1086', tactics: ['execution'], revoked: true }),
  technique({ id: 'T1059.001', tactics: ['execution'] }),
  rel('r1', 'revoked-by', stixIdOf('T1086'), stixIdOf('T1059.001')),
  group('16', 'APT29', ['APT29', 'Cozy Bear', 'NOBELIUM']),
  group('118', 'UNC2452', ['UNC2452'], { revoked: true }),
  rel('r2', 'revoked-by', 'intrusion-set--118', 'intrusion-set--16'),
  { type: 'campaign', id: 'campaign--24', name: 'SolarWinds Compromise', aliases: ['SolarWinds Compromise'], external_references: ext('C0024', 'campaigns') },
  { type: 'malware', id: 'malware--154', name: 'Cobalt Strike', x_mitre_aliases: ['Cobalt Strike'], external_references: ext('S0154', 'software') },
  { type: 'tool', id: 'tool--2', name: 'Mimikatz', external_references: ext('S0002', 'software') },
  rel('u1', 'uses', 'intrusion-set--16', stixIdOf('T1003.001')),
  rel('u2', 'uses', 'intrusion-set--16', stixIdOf('T1086')),
  rel('u3', 'uses', 'intrusion-set--16', stixIdOf('T1059')),
  rel('u4', 'uses', 'intrusion-set--16', stixIdOf('T1003'), { revoked: true }),
  rel('u5', 'uses', 'intrusion-set--16', 'tool--2'),
  rel('u6', 'uses', 'tool--2', stixIdOf('T1003.001')),
  rel('u7', 'uses', 'campaign--24', stixIdOf('T1003')),
  rel('u8', 'attributed-to', 'campaign--24', 'intrusion-set--16'),
  rel('u9', 'uses', 'intrusion-set--118', stixIdOf('T1003')),
];

describe('readActors', () => {
  const model = readActors(parseBundle(bundle(objects), 'fixture'));

  it('reads groups with aliases (the name left out), software from x_mitre_aliases and uses to techniques', () => {
    const g = model.groups.find((x) => x.id === 'G0016');
    expect(g).toMatchObject({ name: 'APT29', aliases: ['Cozy Bear', 'NOBELIUM'], software: ['S0002'], revokedBy: '', deprecated: false });
    // T1086 is revoked by T1059.001: the use counts for the replacement; the revoked relationship is left out.
    expect(g?.techniques).toEqual(['T1003.001', 'T1059', 'T1059.001']);
    expect(model.software.map((s) => [s.id, s.softwareType, s.techniques])).toEqual([
      ['S0002', 'tool', ['T1003.001']],
      ['S0154', 'malware', []],
    ]);
    expect(model.campaigns[0]).toMatchObject({ id: 'C0024', techniques: ['T1003'], attributedTo: ['G0016'] });
  });

  it('keeps a revoked group with the ID that replaced it and no techniques', () => {
    expect(model.groups.find((x) => x.id === 'G0118')).toMatchObject({ revokedBy: 'G0016', techniques: [] });
  });

  it('lists the techniques that are revoked or not on Windows, with the replacement', () => {
    expect(model.otherTechniques.map((t) => [t.id, t.revokedBy, t.platforms])).toEqual([
      ['T1059', '', ['Linux', 'macOS']],
      ['T1086', 'T1059.001', ['Windows']],
    ]);
  });

  it('gives an artifact its schema accepts, and the schema refuses a bad ID', () => {
    const doc = groupsArtifact('18.1', model);
    expect(validateArtifact('groups.json', doc)).toEqual([]);
    const bad = structuredClone(doc);
    if (bad.groups[0]) bad.groups[0].id = '../G1';
    expect(validateArtifact('groups.json', bad).join(' ')).toMatch(/id/);
  });
});
