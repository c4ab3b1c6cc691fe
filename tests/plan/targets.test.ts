import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../scripts/plan/core.ts';
import { readNavigatorLayer, resolveTarget } from '../../scripts/plan/targets.ts';
import { v181 } from './load.ts';

const { catalog } = v181;
const ids = (t: { techniques: Array<{ id: string }> }): string[] => t.techniques.map((x) => x.id);
const error = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanError) return e.message;
    throw e;
  }
  throw new Error('no PlanError');
};

describe('groups, campaigns and software by ID, name or alias (ATT&CK 18.1)', () => {
  it('"Cozy Bear", "midnight blizzard", "G0016" and "APT29" are all G0016 APT29, with the same techniques', () => {
    const byAlias = resolveTarget(catalog, { groups: ['Cozy Bear'] });
    expect(byAlias.sources).toMatchObject([{ kind: 'group', id: 'G0016', name: 'APT29' }]);
    expect(byAlias.sources[0]?.aliases).toContain('Midnight Blizzard');
    expect(byAlias.notes).toContain('"Cozy Bear" is G0016 APT29 in ATT&CK 18.1');
    for (const typed of ['midnight blizzard', 'g0016', 'APT29', 'Cozy-Bear']) expect(ids(resolveTarget(catalog, { groups: [typed] }))).toEqual(ids(byAlias));
    // APT29 uses cloud techniques too: targets of every platform are kept, marked as not Windows.
    expect(byAlias.techniques.find((t) => t.id === 'T1059.001')).toMatchObject({ windows: true, from: ['G0016'] });
    expect(byAlias.techniques.find((t) => t.id === 'T1078.004')).toMatchObject({ windows: false });
  });

  it('a revoked group says what replaced it; its old name as a live alias resolves to the live group', () => {
    expect(error(() => resolveTarget(catalog, { groups: ['G0118'] }))).toBe('--group "G0118": G0118 UNC2452 is revoked in ATT&CK 18.1, replaced by G0016 APT29; use --group G0016');
    // UNC2452 is also an alias of APT29: the live group wins.
    expect(resolveTarget(catalog, { groups: ['UNC2452'] }).sources[0]?.id).toBe('G0016');
  });

  it('an unknown name lists the closest; a name of another kind names the flag; an alias of two groups asks for the ID', () => {
    expect(error(() => resolveTarget(catalog, { groups: ['Cozy Baer'] }))).toBe('--group "Cozy Baer": no group of that name or alias in ATT&CK 18.1; closest: APT29 (G0016, alias Cozy Bear)');
    expect(error(() => resolveTarget(catalog, { groups: ['Mimikatz'] }))).toMatch(/but software S0002 Mimikatz is; use --software "Mimikatz"/);
    expect(error(() => resolveTarget(catalog, { groups: ['Thrip'] }))).toMatch(/names 2 groups in ATT&CK 18.1: G0030 .*; G0076 Thrip; give the ID/);
    // Every bad name is reported at once.
    expect(error(() => resolveTarget(catalog, { groups: ['nope-x'], software: ['nope-y'] }))).toMatch(/^2 problems in the target:/);
  });

  it('campaigns and software; --with-software adds the techniques of the software a group uses', () => {
    const c = resolveTarget(catalog, { campaigns: ['solarwinds compromise'] });
    expect(c.sources[0]).toMatchObject({ kind: 'campaign', id: 'C0024' });
    const s = resolveTarget(catalog, { software: ['cobalt strike'] });
    expect(s.sources[0]).toMatchObject({ kind: 'software', id: 'S0154' });
    const plain = resolveTarget(catalog, { groups: ['G0016'] });
    const wide = resolveTarget(catalog, { groups: ['G0016'], withSoftware: true });
    expect(wide.techniques.length).toBeGreaterThan(plain.techniques.length);
    expect(ids(wide)).toEqual(expect.arrayContaining(ids(plain)));
  });
});

describe('technique lists and tactics', () => {
  it('sub-techniques and parents are separate targets', () => {
    expect(ids(resolveTarget(catalog, { techniques: ['T1003.001, t1059.001', 'T1003'] }))).toEqual(['T1003', 'T1003.001', 'T1059.001']);
  });

  it('a revoked technique says what replaced it; an unknown one lists close IDs; a malformed one is refused', () => {
    expect(error(() => resolveTarget(catalog, { techniques: ['T1086'] }))).toBe('--techniques: T1086 PowerShell is revoked in ATT&CK 18.1, replaced by T1059.001 PowerShell; use T1059.001');
    expect(error(() => resolveTarget(catalog, { techniques: ['T1003.009'] }))).toMatch(/no technique T1003\.009 in ATT&CK 18\.1; closest: T1003\.001/);
    expect(error(() => resolveTarget(catalog, { techniques: ['1003'] }))).toMatch(/is not a technique ID/);
  });

  it('--tactic alone targets its Windows techniques; with a group, only the group\'s techniques in it', () => {
    const tactic = resolveTarget(catalog, { tactics: ['Credential Access'] });
    expect(tactic.techniques.length).toBe([...catalog.techniques.values()].filter((t) => t.tactics.includes('credential-access')).length);
    const both = resolveTarget(catalog, { groups: ['APT29'], tactics: ['credential-access'] });
    const all = resolveTarget(catalog, { groups: ['APT29'] });
    expect(both.techniques.length).toBeGreaterThan(0);
    expect(both.techniques.length).toBeLessThan(all.techniques.length);
    for (const t of both.techniques) expect(catalog.techniques.get(t.id)?.tactics).toContain('credential-access');
    expect(error(() => resolveTarget(catalog, { tactics: ['credntial-access'] }))).toBe('--tactic "credntial-access": no such tactic in ATT&CK 18.1; closest: credential-access');
  });
});

describe('Navigator layers', () => {
  const layer45 = {
    name: 'CTI priorities',
    versions: { attack: '18', navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    filters: { platforms: ['Linux', 'macOS'] },
    hideDisabled: true,
    techniques: [
      { techniqueID: 'T1070.004', score: 3 }, // on Linux: kept
      { techniqueID: 'T1059.001', score: 5 }, // Windows only: filtered out by the layer's platforms
      { techniqueID: 'T1003', score: 2, enabled: false }, // disabled (hidden): left out
      { techniqueID: 'T1059.004', score: 0 }, // scored 0: left out
      { techniqueID: 'T1053.003', color: '#ff0000' }, // no score, coloured: kept
      { techniqueID: 'T1087.001', comment: 'seen in IR' }, // no score, commented: kept
      { techniqueID: 'T1082' }, // nothing: left out
      { techniqueID: 'T1086', score: 1 }, // revoked: its replacement, which the platform filter then leaves out
      { techniqueID: 'T9999', score: 1 }, // not in 18.1
    ],
  };

  it('keeps enabled, annotated techniques in its platform filter and says what it left out', () => {
    const r = readNavigatorLayer(catalog, layer45, 'cti.json');
    expect([...r.techniques.keys()].sort()).toEqual(['T1053.003', 'T1070.004', 'T1087.001']);
    expect(r.notes.join('\n')).toContain('cti.json: entries left out: 1 disabled; 2 filtered out by its platforms (Linux, macOS); 1 scored 0 or less; 1 with no score, colour or comment; 1 not in ATT&CK 18.1 (T9999)');
    expect(r.notes.join('\n')).toContain('T1086 → T1059.001');
  });

  it('honours per-tactic entries: a technique enabled under one tactic only counts under that tactic', () => {
    const l = { domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1053.005', tactic: 'persistence', score: 1 }, { techniqueID: 'T1053.005', tactic: 'execution', score: 1, enabled: false }] };
    expect(ids(resolveTarget(catalog, { layers: [{ source: 'l.json', layer: l }], tactics: ['persistence'] }))).toEqual(['T1053.005']);
    expect(() => resolveTarget(catalog, { layers: [{ source: 'l.json', layer: l }], tactics: ['execution'] })).toThrow(/no technique in execution/);
  });

  it('reads a layer exported from the Navigator (format 3.0, domain mitre-enterprise, colours and comments)', async () => {
    const bear = JSON.parse(await readFile(path.join(import.meta.dirname, 'fixtures', 'Bear_APT.json'), 'utf8')) as { techniques: Array<{ techniqueID: string }> };
    const t = resolveTarget(catalog, { layers: [{ source: 'Bear_APT.json', layer: bear }] });
    expect(t.sources[0]).toMatchObject({ kind: 'layer', name: '*Bear APTs' });
    // Every entry is annotated and enabled; those still in 18.1 (revoked ones as their replacement) are the target.
    expect(t.techniques.length).toBeGreaterThan(100);
    expect(ids(t)).toContain('T1105');
  });

  it('refuses a file that is not a layer, or a layer of another domain', () => {
    expect(error(() => resolveTarget(catalog, { layers: [{ source: 'x.json', layer: [] }] }))).toMatch(/not an ATT&CK Navigator layer/);
    expect(error(() => resolveTarget(catalog, { layers: [{ source: 'm.json', layer: { domain: 'mobile-attack', techniques: [] } }] }))).toMatch(/domain "mobile-attack"; this map covers enterprise-attack only/);
    expect(error(() => resolveTarget(catalog, { layers: [{ source: 'e.json', layer: { techniques: [{ techniqueID: 'T1082' }] } }] }))).toMatch(/no technique is selected/);
  });
});
