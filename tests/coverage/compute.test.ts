import { describe, expect, it } from 'vitest';
import type { EventArtifact, TacticArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import {
  computeCoverage,
  CoverageError,
  type CoverageEvent,
  type CoverageTactic,
  type CoverageTechnique,
  nextBestEvents,
  techniquesByEvent,
} from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';

// The artifact types of the pipeline are usable as coverage input as they are (checked by tsc).
export const artifactTypesFit = (t: TechniqueArtifact, e: EventArtifact, a: TacticArtifact): [CoverageTechnique, CoverageEvent, CoverageTactic] => [t, e, a];

const tacticRows = (keys: string[]) =>
  computeCoverage(FIXTURE, keys).tactics.map((t) => [t.shortname, t.seen, t.mapped, t.total]);

describe('computeCoverage', () => {
  it('counts techniques and sub-techniques separately, per tactic in matrix order', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1']);
    expect(r.totals).toEqual({ seen: 3, mapped: 9, total: 11 });
    expect(r.tactics.map((t) => [t.shortname, t.seen, t.mapped, t.total])).toEqual([
      ['reconnaissance', 0, 0, 0],
      ['execution', 2, 3, 4],
      ['persistence', 0, 4, 6],
      ['privilege-escalation', 0, 4, 6],
      ['defense-evasion', 0, 2, 2],
      ['credential-access', 1, 2, 2],
    ]);
    expect(r.convention).toMatch(/sub-techniques are counted separately/);
  });

  it('a sub-technique seen does not make its parent seen', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1']);
    expect(r.seen.map((t) => t.id)).toEqual(['T1003.001', 'T1059', 'T1059.001']);
    expect(r.unseen.find((t) => t.id === 'T1003')).toMatchObject({ events: ['Sysmon:10'], isSubtechnique: false });
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
    expect(r.totals.seen).toBe(1);
    expect(tacticRows(['Security:4624']).filter(([, seen]) => seen === 1).map(([s]) => s)).toEqual(['persistence', 'privilege-escalation', 'defense-evasion']);
    expect(r.seen[0]).toMatchObject({ id: 'T1078', tactics: ['persistence', 'privilege-escalation', 'defense-evasion'], via: ['Security:4624'] });
  });

  it('lists seen (with the events), not seen (with mapped events) and unmapped techniques', () => {
    const r = computeCoverage(FIXTURE, ['Security:4688', 'Sysmon:1', 'Security:4104']);
    expect(r.events.map((e) => [e.key, e.techniques])).toEqual([
      ['Security:4104', []],
      ['Security:4688', ['T1053.005', 'T1059']],
      ['Sysmon:1', ['T1003.001', 'T1059', 'T1059.001']],
    ]);
    expect(r.seen.map((t) => [t.id, t.via])).toEqual([
      ['T1003.001', ['Sysmon:1']],
      ['T1053.005', ['Security:4688']],
      ['T1059', ['Security:4688', 'Sysmon:1']],
      ['T1059.001', ['Sysmon:1']],
    ]);
    expect(r.unseen.map((t) => [t.id, t.events])).toEqual([
      ['T1003', ['Sysmon:10']],
      ['T1006', ['Sysmon:9']],
      ['T1078', ['Security:1', 'Security:4624']],
      ['T1543.003', ['System:7045']],
      ['T1546.003', ['Sysmon:19']],
    ]);
    expect(r.unmapped.map((t) => t.id)).toEqual(['T1053', 'T1543']);
    expect(r.seen.length + r.unseen.length + r.unmapped.length).toBe(FIXTURE.techniques.length);
  });

  it('refuses an empty list, unknown keys and a bad top', () => {
    expect(() => computeCoverage(FIXTURE, [])).toThrow(CoverageError);
    expect(() => computeCoverage(FIXTURE, ['Sysmon:99'])).toThrow(/no event Sysmon:99 in ATT&CK 42\.1/);
    expect(() => computeCoverage(FIXTURE, ['Sysmon:1'], { top: -1 })).toThrow(/top must be/);
  });
});

describe('next best events (greedy)', () => {
  it('picks the event adding the most unseen techniques; ties by log, then numeric ID', () => {
    const r = computeCoverage(FIXTURE, ['PowerShell:4104']);
    expect(r.nextBest.map((n) => [n.rank, n.key, n.adds, n.seenAfter])).toEqual([
      // Security:4688, Sysmon:1 and Sysmon:10 each add 2: Security sorts first.
      [1, 'Security:4688', ['T1053.005', 'T1059'], 3],
      // Now Sysmon:10 adds 2 (T1003, T1003.001), Sysmon:1 only 1.
      [2, 'Sysmon:10', ['T1003', 'T1003.001'], 5],
      // All remaining add 1: Security:1 before Security:4624 (which then adds nothing).
      [3, 'Security:1', ['T1078'], 6],
      // Sysmon:9 before Sysmon:19 (numeric, not text order).
      [4, 'Sysmon:9', ['T1006'], 7],
      [5, 'Sysmon:19', ['T1546.003'], 8],
      [6, 'System:7045', ['T1543.003'], 9],
    ]);
    // Stops when nothing adds: every mapped technique is then seen.
    expect(r.nextBest.at(-1)?.seenAfter).toBe(r.totals.mapped);
  });

  it('never proposes a collected event and honours top', () => {
    const r = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688'], { top: 2 });
    // Every candidate adds one: Security:1 first, then Security:4624 adds nothing (T1078 taken), so Sysmon:9.
    expect(r.nextBest.map((n) => [n.key, n.adds])).toEqual([
      ['Security:1', ['T1078']],
      ['Sysmon:9', ['T1006']],
    ]);
    expect(computeCoverage(FIXTURE, ['Sysmon:1'], { top: 0 }).nextBest).toEqual([]);
  });

  it('defaults to ten picks', () => {
    const events = Array.from({ length: 15 }, (_, i) => ({ key: `Sysmon:${i + 100}`, log: 'Sysmon', eventId: String(i + 100), name: '', channel: '' }));
    const techniques = events.map((e, i) => ({ id: `T${2000 + i}`, name: '', tactics: ['execution'], isSubtechnique: false, parent: '', events: [{ key: e.key }] }));
    const data = { attackVersion: '1.0', tactics: [{ id: 'TA0002', shortname: 'execution', name: 'Execution' }], techniques, events };
    const r = computeCoverage(data, ['Sysmon:100']);
    expect(r.nextBest.map((n) => n.key)).toEqual(events.slice(1, 11).map((e) => e.key));
  });

  it('is empty when everything mapped is seen', () => {
    const all = FIXTURE.events.map((e) => e.key);
    const r = computeCoverage(FIXTURE, all);
    expect(r.totals).toEqual({ seen: 9, mapped: 9, total: 11 });
    expect(r.nextBest).toEqual([]);
    expect(nextBestEvents(FIXTURE, new Set(all), new Set(r.seen.map((t) => t.id)), 10)).toEqual([]);
  });

  it('event → techniques comes from the techniques’ own events', () => {
    const m = techniquesByEvent(FIXTURE);
    expect([...(m.get('Sysmon:1') ?? [])].sort()).toEqual(['T1003.001', 'T1059', 'T1059.001']);
    expect([...(m.get('Security:1') ?? [])]).toEqual(['T1078']);
    expect(m.get('Security:4104')?.size).toBe(0);
  });
});
