import { describe, expect, it } from 'vitest';
import type { EventArtifact, TacticArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import {
  computeCoverage,
  CoverageError,
  type CoverageEvent,
  type CoverageTactic,
  type CoverageTechnique,
  type Grade,
  linksByEvent,
  nextBestEvents,
  techniquesByEvent,
  withMinGrade,
} from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';

// The artifact types of the pipeline are usable as coverage input as they are (checked by tsc).
export const artifactTypesFit = (t: TechniqueArtifact, e: EventArtifact, a: TacticArtifact): [CoverageTechnique, CoverageEvent, CoverageTactic] => [t, e, a];

/** [tactic, confirmed, named, related, seen, mapped, all] */
const tacticRows = (keys: string[], minGrade?: Grade) =>
  computeCoverage(FIXTURE, keys, minGrade ? { minGrade } : {}).tactics.map((t) => [t.shortname, t.confirmed, t.named, t.related, t.seen, t.mapped, t.total]);

describe('computeCoverage', () => {
  it('counts techniques and sub-techniques separately, per tactic in matrix order, per grade', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1']);
    // Sysmon:1 → T1059 confirmed, T1059.001 named, T1003.001 only related.
    expect(r.totals).toEqual({ seen: 3, confirmed: 1, named: 1, related: 1, mapped: 9, total: 11 });
    expect(tacticRows(['Sysmon:1'])).toEqual([
      ['reconnaissance', 0, 0, 0, 0, 0, 0],
      ['execution', 1, 1, 0, 2, 3, 4],
      ['persistence', 0, 0, 0, 0, 4, 6],
      ['privilege-escalation', 0, 0, 0, 0, 4, 6],
      ['defense-evasion', 0, 0, 0, 0, 2, 2],
      ['credential-access', 0, 0, 1, 1, 2, 2],
    ]);
    expect(r.minGrade).toBe('related');
    expect(r.convention).toMatch(/sub-techniques are counted separately/);
    expect(r.convention).toMatch(/at the best grade among those links/);
  });

  it('sees a technique at the best grade among the collected events’ links, strongest first', () => {
    const r = computeCoverage(FIXTURE, ['Security:4688', 'Sysmon:1']);
    // T1059: Sysmon:1 confirmed (2 rules), Security:4688 related.
    expect(r.seen.find((t) => t.id === 'T1059')).toMatchObject({ grade: 'confirmed', rules: 2, via: ['Sysmon:1', 'Security:4688'] });
    expect(r.seen.find((t) => t.id === 'T1003.001')).toMatchObject({ grade: 'related', rules: 0, via: ['Sysmon:1'] });
    expect(r.seen.find((t) => t.id === 'T1053.005')).toMatchObject({ grade: 'named', via: ['Security:4688'] });
    // Adding the confirmed event makes T1003.001 confirmed, not "seen twice".
    const more = computeCoverage(FIXTURE, ['Security:4688', 'Sysmon:1', 'Sysmon:10']);
    expect(more.seen.find((t) => t.id === 'T1003.001')).toMatchObject({ grade: 'confirmed', rules: 7, via: ['Sysmon:10', 'Sysmon:1'] });
    expect(more.totals).toMatchObject({ seen: 5, confirmed: 3, named: 2, related: 0 });
  });

  it('a sub-technique seen does not make its parent seen', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1']);
    expect(r.seen.map((t) => t.id)).toEqual(['T1003.001', 'T1059', 'T1059.001']);
    expect(r.unseen.find((t) => t.id === 'T1003')).toMatchObject({ events: ['Sysmon:10'], grade: 'confirmed', isSubtechnique: false });
  });

  it('does not confuse the same ID in two logs', () => {
    const security1 = computeCoverage(FIXTURE, ['Security:1']);
    expect(security1.seen.map((t) => t.id)).toEqual(['T1078']);
    expect(security1.seen[0]?.via).toEqual(['Security:1']);
    const sysmon1 = computeCoverage(FIXTURE, ['Sysmon:1']);
    expect(sysmon1.seen.map((t) => t.id)).not.toContain('T1078');
    // PowerShell:4104 shows T1059.001; Security:4104 shows nothing.
    expect(computeCoverage(FIXTURE, ['Security:4104']).totals.seen).toBe(0);
    expect(computeCoverage(FIXTURE, ['PowerShell:4104']).seen.map((t) => t.id)).toEqual(['T1059.001']);
  });

  it('a technique in several tactics counts in each tactic and once in the total', () => {
    const r = computeCoverage(FIXTURE, ['Security:4624']);
    expect(r.totals).toMatchObject({ seen: 1, confirmed: 1 });
    expect(tacticRows(['Security:4624']).filter(([, confirmed]) => confirmed === 1).map(([s]) => s)).toEqual(['persistence', 'privilege-escalation', 'defense-evasion']);
    expect(r.seen[0]).toMatchObject({ id: 'T1078', tactics: ['persistence', 'privilege-escalation', 'defense-evasion'], via: ['Security:4624'], grade: 'confirmed', rules: 1 });
  });

  it('lists seen (with the events), not seen (with mapped events, strongest first) and unmapped techniques', () => {
    const r = computeCoverage(FIXTURE, ['Security:4688', 'Sysmon:1', 'Security:4104']);
    expect(r.events.map((e) => [e.key, e.techniques, e.grades])).toEqual([
      ['Security:4104', [], { confirmed: 0, named: 0, related: 0 }],
      ['Security:4688', ['T1053.005', 'T1059'], { confirmed: 0, named: 1, related: 1 }],
      ['Sysmon:1', ['T1003.001', 'T1059', 'T1059.001'], { confirmed: 1, named: 1, related: 1 }],
    ]);
    expect(r.seen.map((t) => [t.id, t.grade, t.via])).toEqual([
      ['T1003.001', 'related', ['Sysmon:1']],
      ['T1053.005', 'named', ['Security:4688']],
      ['T1059', 'confirmed', ['Sysmon:1', 'Security:4688']],
      ['T1059.001', 'named', ['Sysmon:1']],
    ]);
    expect(r.unseen.map((t) => [t.id, t.grade, t.events])).toEqual([
      ['T1003', 'confirmed', ['Sysmon:10']],
      ['T1006', 'named', ['Sysmon:9']],
      ['T1078', 'confirmed', ['Security:4624', 'Security:1']],
      ['T1543.003', 'related', ['System:7045']],
      ['T1546.003', 'named', ['Sysmon:19']],
    ]);
    expect(r.unmapped.map((t) => t.id)).toEqual(['T1053', 'T1543']);
    expect(r.seen.length + r.unseen.length + r.unmapped.length).toBe(FIXTURE.techniques.length);
  });

  it('refuses an empty list, unknown keys, a bad top and a bad minimum grade', () => {
    expect(() => computeCoverage(FIXTURE, [])).toThrow(CoverageError);
    expect(() => computeCoverage(FIXTURE, ['Sysmon:99'])).toThrow(/no event Sysmon:99 in ATT&CK 42\.1/);
    expect(() => computeCoverage(FIXTURE, ['Sysmon:1'], { top: -1 })).toThrow(/top must be/);
    expect(() => computeCoverage(FIXTURE, ['Sysmon:1'], { minGrade: 'strong' as Grade })).toThrow(/min grade must be confirmed, named, related/);
  });
});

describe('--min-grade', () => {
  it('named: related links are left out, for seeing and for mapping', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688'], { minGrade: 'named' });
    expect(r.minGrade).toBe('named');
    // T1003.001 is only related to Sysmon:1: not seen. T1543.003 has only a related link: unmapped.
    expect(r.seen.map((t) => [t.id, t.grade])).toEqual([
      ['T1053.005', 'named'],
      ['T1059', 'confirmed'],
      ['T1059.001', 'named'],
    ]);
    expect(r.seen.find((t) => t.id === 'T1059')?.via).toEqual(['Sysmon:1']);
    expect(r.totals).toEqual({ seen: 3, confirmed: 1, named: 2, related: 0, mapped: 8, total: 11 });
    expect(r.unmapped.map((t) => t.id)).toEqual(['T1053', 'T1543', 'T1543.003']);
    expect(r.unseen.find((t) => t.id === 'T1078')?.events).toEqual(['Security:4624']);
    expect(r.events.find((e) => e.key === 'Sysmon:1')?.techniques).toEqual(['T1059', 'T1059.001']);
    expect(r.convention).toMatch(/--min-grade named/);
    // No next-best event is proposed for a related link only.
    expect(r.nextBest.flatMap((n) => n.gained.related)).toEqual([]);
    expect(r.nextBest.map((n) => n.key)).not.toContain('System:7045');
  });

  it('confirmed: only rule-backed links count', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688'], { minGrade: 'confirmed' });
    expect(r.totals).toEqual({ seen: 1, confirmed: 1, named: 0, related: 0, mapped: 6, total: 11 });
    expect(r.tactics.find((t) => t.shortname === 'execution')).toMatchObject({ confirmed: 1, named: 0, related: 0, seen: 1, mapped: 3 });
  });

  it('related (the default) keeps every link: the totals of a report without grades', () => {
    const keys = ['Sysmon:1', 'Security:4688'];
    const r = computeCoverage(FIXTURE, keys, { minGrade: 'related' });
    expect(r).toEqual(computeCoverage(FIXTURE, keys));
    const want = new Set(keys);
    const seen = FIXTURE.techniques.filter((t) => t.events.some((e) => want.has(e.key))).length;
    expect(r.totals.seen).toBe(seen);
    expect(withMinGrade(FIXTURE, 'related')).toBe(FIXTURE);
  });
});

describe('next best events (greedy)', () => {
  it('prefers confirmed gains over more techniques; then named, then related; ties by log, then numeric ID', () => {
    const r = computeCoverage(FIXTURE, ['PowerShell:4104']);
    expect(r.nextBest.map((n) => [n.rank, n.key, n.gained.confirmed, n.gained.named, n.gained.related, n.seenAfter])).toEqual([
      // Security:4688 adds two techniques (named and related), Sysmon:10 two confirmed ones: Sysmon:10 first.
      [1, 'Sysmon:10', ['T1003', 'T1003.001'], [], [], 3],
      // One confirmed each: Security:4624, Sysmon:1, TaskScheduler:106, by log name.
      [2, 'Security:4624', ['T1078'], [], [], 4],
      [3, 'Sysmon:1', ['T1059'], [], [], 5],
      [4, 'TaskScheduler:106', ['T1053.005'], [], [], 6],
      // Then named: Sysmon:9 before Sysmon:19 (numeric, not text order).
      [5, 'Sysmon:9', [], ['T1006'], [], 7],
      [6, 'Sysmon:19', [], ['T1546.003'], [], 8],
      // Then related. Security:4688 and Security:1 never gain: their techniques are already stronger.
      [7, 'System:7045', [], [], ['T1543.003'], 9],
    ]);
    expect(r.nextBest.map((n) => n.after)).toEqual([
      { confirmed: 3, named: 0, related: 0 },
      { confirmed: 4, named: 0, related: 0 },
      { confirmed: 5, named: 0, related: 0 },
      { confirmed: 6, named: 0, related: 0 },
      { confirmed: 6, named: 1, related: 0 },
      { confirmed: 6, named: 2, related: 0 },
      { confirmed: 6, named: 2, related: 1 },
    ]);
    // Stops when nothing gains: every mapped technique is then seen, at its best grade.
    expect(r.nextBest.at(-1)?.seenAfter).toBe(r.totals.mapped);
  });

  it('a technique seen through a weak link gains when an event makes it stronger (not new: adds is empty)', () => {
    const weak = computeCoverage(FIXTURE, ['Security:1'], { top: 1 });
    expect(weak.seen).toMatchObject([{ id: 'T1078', grade: 'related' }]);
    // Every event but Security:4624: T1078 is seen (related, through Security:1); only Security:4624 can make it stronger.
    const r = computeCoverage(FIXTURE, FIXTURE.events.map((e) => e.key).filter((k) => k !== 'Security:4624'));
    expect(r.totals.seen).toBe(r.totals.mapped);
    expect(r.nextBest).toEqual([
      { rank: 1, key: 'Security:4624', log: 'Security', eventId: '4624', name: 'An account was successfully logged on.', adds: [], gained: { confirmed: ['T1078'], named: [], related: [] }, seenAfter: 9, after: { confirmed: 6, named: 2, related: 1 } },
    ]);
    const direct = nextBestEvents(FIXTURE, new Set(['Security:1']), new Map<string, Grade>([['T1078', 'related']]), 10).find((n) => n.key === 'Security:4624');
    expect(direct).toMatchObject({ adds: [], gained: { confirmed: ['T1078'] } });
  });

  it('never proposes a collected event and honours top', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688'], { top: 2 });
    expect(r.nextBest.map((n) => [n.key, n.adds, n.gained.confirmed])).toEqual([
      ['Sysmon:10', ['T1003'], ['T1003', 'T1003.001']],
      // PowerShell:4104 makes T1059.001 (named now) confirmed; it sorts before Security:4624 and TaskScheduler:106.
      ['PowerShell:4104', [], ['T1059.001']],
    ]);
    expect(computeCoverage(FIXTURE, ['Sysmon:1'], { top: 0 }).nextBest).toEqual([]);
  });

  it('defaults to ten picks', () => {
    const events = Array.from({ length: 15 }, (_, i) => ({ key: `Sysmon:${i + 100}`, log: 'Sysmon', eventId: String(i + 100), name: '', channel: '' }));
    const techniques = events.map((e, i) => ({ id: `T${2000 + i}`, name: '', tactics: ['execution'], isSubtechnique: false, parent: '', events: [{ key: e.key, grade: 'related' as const, rules: 0 }] }));
    const data = { attackVersion: '1.0', tactics: [{ id: 'TA0002', shortname: 'execution', name: 'Execution' }], techniques, events };
    const r = computeCoverage(data, ['Sysmon:100']);
    expect(r.nextBest.map((n) => n.key)).toEqual(events.slice(1, 11).map((e) => e.key));
  });

  it('is empty when everything mapped is seen at its best grade', () => {
    const all = FIXTURE.events.map((e) => e.key);
    const r = computeCoverage(FIXTURE, all);
    expect(r.totals).toEqual({ seen: 9, confirmed: 6, named: 2, related: 1, mapped: 9, total: 11 });
    expect(r.nextBest).toEqual([]);
    expect(nextBestEvents(FIXTURE, new Set(all), new Map(r.seen.map((t) => [t.id, t.grade])), 10)).toEqual([]);
  });

  it('event → techniques comes from the techniques’ own events, with each link’s grade', () => {
    const m = techniquesByEvent(FIXTURE);
    expect([...(m.get('Sysmon:1') ?? [])].sort()).toEqual(['T1003.001', 'T1059', 'T1059.001']);
    expect([...(m.get('Security:1') ?? [])]).toEqual(['T1078']);
    expect(m.get('Security:4104')?.size).toBe(0);
    expect(Object.fromEntries(linksByEvent(FIXTURE).get('Sysmon:1') ?? [])).toEqual({
      'T1003.001': { key: 'Sysmon:1', grade: 'related', rules: 0 },
      T1059: { key: 'Sysmon:1', grade: 'confirmed', rules: 2 },
      'T1059.001': { key: 'Sysmon:1', grade: 'named', rules: 0 },
    });
  });
});
