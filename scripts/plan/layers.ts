/**
 * ATT&CK Navigator layers of a plan, written with the coverage core's layer writer (format 4.5,
 * grade scores, parents opened over scored sub-techniques, legends of the scores that occur):
 *
 * - the plan layer: the target's Windows techniques scored by the grade they are visible at once the
 *   plan's steps are applied (confirmed 3, named 2, related 1; 0 = a Windows event is mapped but no
 *   step collects it), the comment saying "visible now" or which step; techniques outside the
 *   target are not listed;
 * - the dark layer: what stays dark after the steps: 1 = a Windows event is mapped but beyond these
 *   steps, 0 = no Windows event is mapped (the comment names the data components that would show it).
 *   Target techniques that are not Windows techniques cannot be drawn under the layers' Windows
 *   filter: the description counts them.
 *
 * Pure module: no I/O, no node: imports.
 */
import { plural } from '../lib/plural.ts';
import { COLORS, expandScoredParents, fewOf, GRADE_SCORE, GRADES, layer, type LayerTechnique, type NavigatorLayer, PlanError, techniqueEntries, type VersionData } from './core.ts';
import { countsText, pct } from './format.ts';
import { beyondPlan, darkTechniques, type PlanReport } from './plan.ts';

const MAX_COMMENT = 200;
const short = (s: string): string => (s.length <= MAX_COMMENT ? s : `${s.slice(0, MAX_COMMENT - 1)}…`);
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function check(data: VersionData, r: PlanReport): void {
  if (data.attackVersion !== r.attackVersion) throw new PlanError(`the plan is for ATT&CK ${r.attackVersion}, the data for ${data.attackVersion}`);
}

/** Legend entries for the scores that occur. */
function legend(entries: readonly LayerTechnique[], items: ReadonlyArray<{ score: number; label: string; color: string }>): NavigatorLayer['legendItems'] {
  const scores = new Set(entries.map((e) => e.score));
  return items.filter((i) => scores.has(i.score)).map(({ label, color }) => ({ label, color }));
}

/** The target once the plan's steps are applied (see the module comment). */
export function buildPlanLayer(data: VersionData, r: PlanReport, options: { name?: string } = {}): NavigatorLayer {
  check(data, r);
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  const steps = new Map(r.steps.map((s) => [s.rank, s]));
  const entries = r.techniques.flatMap((t) => {
    const ct = byId.get(t.id);
    if (!ct || t.after === 'no-event' || t.after === 'not-windows') return [];
    if (t.after === 'unseen' || t.after === 'partial') {
      return techniqueEntries(ct, { score: 0, comment: short(`Not visible after the plan${t.after === 'partial' ? ' (partial: filtered Sysmon types)' : ''}. Mapped: ${fewOf(t.events)}.`), enabled: true });
    }
    const s = t.step > 0 ? steps.get(t.step) : undefined;
    const via = s ? s.events.filter((e) => e.techniques.includes(t.id)).map((e) => e.key) : [];
    const comment = s ? `${cap(t.after)} with step ${s.rank}: ${s.title} (${fewOf(via)}).` : `${cap(t.after)}: visible now.`;
    return techniqueEntries(ct, { score: GRADE_SCORE[t.after], comment: short(comment), enabled: true });
  });
  const techniques = expandScoredParents(data, entries);
  const a = r.after;
  return layer({
    name: options.name ?? `Logging plan for ${r.target.label} (ATT&CK ${r.attackVersion})`,
    description: short(
      `${plural(a.total, 'target technique')}; after ${plural(r.steps.length, 'step')} ${a.visible} visible (${countsText(a)}), ${pct(a.total === 0 ? 0 : a.visible / a.total)}. Score = grade: 3 confirmed, 2 named, 1 related; 0 not visible. Mapped, not detected.`,
    ),
    attackVersion: r.attackVersion,
    sorting: 3,
    techniques,
    gradient: { colors: [COLORS.notCollected, COLORS.coverage.related, COLORS.coverage.named, COLORS.coverage.confirmed], minValue: 0, maxValue: 3 },
    legendItems: legend(techniques, [
      { score: 3, label: 'confirmed (3): a detection rule uses a collected event', color: COLORS.coverage.confirmed },
      { score: 2, label: 'named (2): an ATT&CK analytic names a collected event', color: COLORS.coverage.named },
      { score: 1, label: 'related (1): only through a data component', color: COLORS.coverage.related },
      { score: 0, label: 'not visible after the plan (0)', color: COLORS.notCollected },
    ]),
    metadata: [
      { name: 'target', value: r.target.label },
      ...r.steps.map((s) => ({ name: `step ${s.rank}`, value: `${s.title}: +${GRADES.map((g) => `${s.gained[g].length} ${g}`).join(', +')}; ${pct(s.share)} of the target after` })),
      { name: 'visible before / after', value: `${r.before.visible} / ${a.visible} of ${a.total}` },
    ],
  });
}

/** The colour of "a Windows event is mapped, beyond these steps". */
export const BEYOND_COLOR = '#ffd966';

/** What stays dark after the plan (see the module comment). */
export function buildDarkLayer(data: VersionData, r: PlanReport, options: { name?: string } = {}): NavigatorLayer {
  check(data, r);
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  const dark = darkTechniques(r);
  const beyond = beyondPlan(r);
  const entries: LayerTechnique[] = [
    ...beyond.flatMap((t) => {
      const ct = byId.get(t.id);
      return ct ? techniqueEntries(ct, { score: 1, comment: short(`Beyond these steps. Mapped: ${fewOf(t.events)}.`), enabled: true }) : [];
    }),
    ...dark.flatMap((t) => {
      const ct = byId.get(t.id);
      const comps = t.dataComponents.length > 0 ? ` Data components: ${fewOf(t.dataComponents)}.` : '';
      return ct ? techniqueEntries(ct, { score: 0, comment: short(`${cap(t.reason)}.${comps}`), enabled: true }) : [];
    }),
  ];
  const techniques = expandScoredParents(data, entries);
  const notWindows = dark.filter((t) => t.after === 'not-windows').length;
  return layer({
    name: options.name ?? `Stays dark: ${r.target.label} (ATT&CK ${r.attackVersion})`,
    description: short(
      `Target techniques not visible after ${plural(r.steps.length, 'step')}: 1 = a Windows event is mapped, beyond these steps; 0 = no Windows event mapped.${notWindows > 0 ? ` ${plural(notWindows, 'target technique')} not on Windows (not drawn).` : ''}`,
    ),
    attackVersion: r.attackVersion,
    sorting: 3,
    techniques,
    gradient: { colors: [COLORS.notCollected, BEYOND_COLOR], minValue: 0, maxValue: 1 },
    legendItems: legend(techniques, [
      { score: 1, label: 'mapped, beyond these steps (1)', color: BEYOND_COLOR },
      { score: 0, label: 'no Windows event mapped (0)', color: COLORS.notCollected },
    ]),
    metadata: [
      { name: 'target', value: r.target.label },
      { name: 'beyond the steps / no Windows event / not on Windows', value: `${beyond.length} / ${dark.length - notWindows} / ${notWindows}` },
      ...(notWindows > 0 ? [{ name: 'not on Windows', value: fewOf(dark.filter((t) => t.after === 'not-windows').map((t) => t.id), 20) }] : []),
    ],
  });
}
