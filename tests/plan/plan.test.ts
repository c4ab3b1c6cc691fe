import { describe, expect, it } from 'vitest';
import { collectConfiguredEvents, computeConfigCoverage, type GradeLists, PlanError, presetPolicy } from '../../scripts/plan/core.ts';
import { formatPlan, planCsvRecords } from '../../scripts/plan/format.ts';
import { computePlan, darkTechniques } from '../../scripts/plan/plan.ts';
import { validatePlanJson } from '../../scripts/plan/schema.ts';
import { resolveTarget } from '../../scripts/plan/targets.ts';
import { v181 } from './load.ts';

const { catalog, version } = v181;
const apt29 = resolveTarget(catalog, { groups: ['Cozy Bear'] });
const preset = { presets: [presetPolicy(version.details, 'windows-default-client')] };
const size = (g: GradeLists): [number, number, number] => [g.confirmed.length, g.named.length, g.related.length];

describe('the plan (ATT&CK 18.1)', () => {
  it('is greedy: each step gains at least as much as the next (confirmed, then named, then related)', () => {
    const r = computePlan(version, apt29, { top: 20 });
    expect(r.steps.length).toBeGreaterThan(3);
    for (let i = 1; i < r.steps.length; i++) {
      const [a, b] = [r.steps[i - 1], r.steps[i]];
      if (!a || !b) continue;
      const [ca, na, ra] = size(a.gained);
      const [cb, nb, rb] = size(b.gained);
      expect(ca > cb || (ca === cb && (na > nb || (na === nb && ra >= rb))), `step ${b.rank} gains more than step ${a.rank}`).toBe(true);
    }
    // Shares climb, and the last is the count after the plan.
    for (let i = 1; i < r.steps.length; i++) expect(r.steps[i]?.share).toBeGreaterThanOrEqual(r.steps[i - 1]?.share ?? 0);
    expect(r.steps.at(-1)?.seenAfter).toBe(r.after.visible);
    expect(r.after.visible).toBe(r.after.confirmed + r.after.named + r.after.related);
  });

  it('is the coverage advice itself when the target is every Windows technique', () => {
    const everything = resolveTarget(catalog, { tactics: catalog.tactics.map((t) => t.shortname) });
    const r = computePlan(version, everything, { top: 8, inputs: preset });
    const c = computeConfigCoverage(version.data, version.details, preset, { top: 8 });
    expect(r.steps.map((s) => [s.id, s.title, s.commands, size(s.gained)])).toEqual(c.advice.map((a) => [a.id, a.title, a.commands, size(a.gained)]));
    expect(r.before.visible).toBe(c.totals.seen);
  });

  it('starts from what is collected and lists only what is missing', () => {
    const r = computePlan(version, apt29, { top: 10, inputs: preset });
    const collected = collectConfiguredEvents(version.data, version.details, preset).filter((e) => e.status === 'full').map((e) => e.key);
    for (const s of r.steps) for (const e of s.events) expect(collected).not.toContain(e.key);
    const fresh = computePlan(version, apt29, { top: 10 });
    expect(r.before.visible).toBeGreaterThan(0);
    expect(fresh.before.visible).toBe(0);
    expect(r.inputs.map((i) => i.input)).toEqual(['preset']);
    // Done-when: the first step for APT29 is Sysmon process creation or its audit subcategory.
    expect(['sysmon:ProcessCreate', 'audit:Process Creation']).toContain(r.steps[0]?.id);
  });

  it('names the techniques no Windows event can show, with their data components', () => {
    const r = computePlan(version, apt29, { top: 5 });
    const dark = darkTechniques(r);
    expect(dark.find((t) => t.id === 'T1078.004')).toMatchObject({ after: 'not-windows', reason: expect.stringMatching(/^not on Windows \(/) });
    expect(dark.find((t) => t.id === 'T1078.004')?.dataComponents).toContain('Logon Session Creation');
    // T1552.003 is a Windows technique with no mapped event in 18.1.
    const none = computePlan(version, resolveTarget(catalog, { techniques: ['T1552.003', 'T1059.001'] }), { top: 5 });
    expect(none.techniques.find((t) => t.id === 'T1552.003')).toMatchObject({ before: 'no-event', after: 'no-event', reason: 'no Windows event mapped', step: 0 });
    expect(none.before).toMatchObject({ total: 2, windows: 2, mapped: 1 });
    expect(formatPlan(none, 'md')).toMatch(/## No Windows event can show \(1\)[\s\S]*T1552\.003/);
  });

  it('at --min-grade confirmed, a technique with only related links has no mapped event', () => {
    const t = resolveTarget(catalog, { techniques: ['T1001'] });
    expect(computePlan(version, t, { minGrade: 'related' }).techniques[0]?.after).not.toBe('no-event');
    expect(computePlan(version, t, { minGrade: 'confirmed' }).techniques[0]).toMatchObject({ after: 'no-event', reason: 'no Windows event mapped at grade confirmed' });
  });

  it('writes JSON its schema accepts, and CSV rows per step and technique', () => {
    const r = computePlan(version, apt29, { top: 5, inputs: preset });
    expect(validatePlanJson(JSON.parse(formatPlan(r, 'json')))).toEqual([]);
    expect(validatePlanJson({}).length).toBeGreaterThan(0);
    const rows = planCsvRecords(r);
    expect(rows.filter((x) => x.section === 'step')).toHaveLength(r.steps.length);
    expect(rows.filter((x) => x.section === 'technique')).toHaveLength(r.techniques.length);
    expect(formatPlan(r, 'csv').split('\n')[0]).toBe('section,rank,id,name,kind,confirmed,named,related,visible,share,before,after,step,techniques,events,command,reason,data_components');
  });

  it('writes names from a layer or ATT&CK as Markdown text, never as markup', () => {
    const layer = { name: '<img src=x onerror=alert(1)> *bold* [link](http://x)', domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1059.001', score: 1 }] };
    const md = formatPlan(computePlan(version, resolveTarget(catalog, { layers: [{ source: 'x|y.json', layer }] }), { top: 1 }), 'md');
    expect(md).toContain('# Logging plan for layer \\<img src=x onerror=alert(1)\\> \\*bold\\* \\[link\\](http://x) — ATT&CK 18.1');
    expect(md).toContain('- layer x\\|y.json:');
    expect(md).not.toMatch(/(^|[^\\])<img/);
  });

  it('refuses a bad top and a target of another version', () => {
    expect(() => computePlan(version, apt29, { top: -1 })).toThrow(PlanError);
    expect(() => computePlan(version, { ...apt29, attackVersion: '17.1' })).toThrow(/the target is for ATT&CK 17\.1/);
  });
});
