import { describe, expect, it } from 'vitest';
import { validateLayer } from '../../scripts/plan/core.ts';
import { buildDarkLayer, buildPlanLayer } from '../../scripts/plan/layers.ts';
import { computePlan } from '../../scripts/plan/plan.ts';
import { resolveTarget } from '../../scripts/plan/targets.ts';
import { navigatorProblems } from '../coverage/navigator.ts';
import { v181 } from './load.ts';

const { catalog, version } = v181;

describe('plan layers against the Navigator layer format (ATT&CK 18.1)', () => {
  const target = resolveTarget(catalog, { groups: ['APT29'], techniques: ['T1552.003'] });
  const r = computePlan(version, target, { top: 3 });

  it('the plan layer: the target scored by the grade after the plan, 0 for what no step reaches, only target techniques', () => {
    const l = buildPlanLayer(version.data, r);
    expect(validateLayer(l)).toEqual([]);
    expect(navigatorProblems(l, version.data)).toEqual([]);
    const scored = new Map(l.techniques.filter((e) => e.score !== undefined).map((e) => [e.techniqueID, e]));
    for (const t of r.techniques) {
      const e = scored.get(t.id);
      if (t.after === 'confirmed') expect(e?.score, t.id).toBe(3);
      if (t.after === 'named') expect(e?.score, t.id).toBe(2);
      if (t.after === 'unseen') expect(e?.score, t.id).toBe(0);
      if (t.after === 'no-event' || t.after === 'not-windows') expect(e, t.id).toBeUndefined();
    }
    const inTarget = new Set(r.techniques.map((t) => t.id));
    for (const id of scored.keys()) expect(inTarget.has(id), id).toBe(true);
    const s1 = r.steps[0];
    const viaStep1 = r.techniques.find((t) => t.step === 1);
    if (!s1 || !viaStep1) throw new Error('no step 1');
    expect(scored.get(viaStep1.id)?.comment).toContain(`with step 1: ${s1.title}`);
  });

  it('the dark layer: 1 beyond the steps, 0 no Windows event (with data components); non-Windows techniques counted', () => {
    const l = buildDarkLayer(version.data, r);
    expect(validateLayer(l)).toEqual([]);
    expect(navigatorProblems(l, version.data)).toEqual([]);
    const e = l.techniques.find((x) => x.techniqueID === 'T1552.003');
    expect(e?.score).toBe(0);
    expect(e?.comment).toMatch(/^No Windows event mapped\./);
    const beyond = r.techniques.filter((t) => t.after === 'unseen');
    expect(beyond.length).toBeGreaterThan(0);
    for (const t of beyond) expect(l.techniques.find((x) => x.techniqueID === t.id)?.score, t.id).toBe(1);
    expect(l.description).toMatch(/\d+ target techniques not on Windows \(not drawn\)/);
  });
});
