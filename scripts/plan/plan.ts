/**
 * The threat-informed logging plan: for a target (scripts/plan/targets.ts), the ranked actions an
 * administrator takes — audit subcategories with their auditpol command, Sysmon event types with a
 * configuration snippet, named switches — each with the target techniques it makes visible, by grade,
 * and the share of the target visible after it; then the techniques no Windows event can show.
 *
 * Not a second planner: the coverage core's configuration advice runs on the version restricted to
 * the target's Windows techniques, so the units, their greedy order (most confirmed, then named, then
 * related techniques gained), the commands and snippets are the coverage command's own. What is
 * already collected (--auditpol, --sysmon, --preset, --events) is read by the coverage core too, and
 * the plan lists only what is missing.
 *
 * Pure module: no I/O, no node: imports.
 */
import {
  type Advice,
  checkMinGrade,
  classifyTechniques,
  cmp,
  collectConfiguredEvents,
  computeConfigCoverage,
  configAdvice,
  type ConfigEvent,
  type ConfigInputs,
  DEFAULT_TOP,
  type Grade,
  GRADES,
  gradeCounts,
  type InputSummary,
  minGradeWords,
  PlanError,
  rankedLinks,
  type VersionData,
  withMinGrade,
} from './core.ts';
import type { Target, TargetSource } from './targets.ts';

/** Where a target technique stands: seen at a grade, only partially (filtered Sysmon types), mapped but not collected, no mapped Windows event, not a Windows technique. */
export type TechniqueState = Grade | 'partial' | 'unseen' | 'no-event' | 'not-windows';

export interface PlanTechnique {
  id: string;
  name: string;
  /** The target's sources naming it (G0016, a layer file, --techniques). */
  from: string[];
  before: TechniqueState;
  after: TechniqueState;
  /** The step that makes it visible (or stronger); 0 when none does. */
  step: number;
  /** Its mapped events (at the minimum grade), strongest first. */
  events: string[];
  /** Its data components (`Process: Process Creation`); what would show it where no Windows event does. */
  dataComponents: string[];
  /** Why no Windows event can show it (`not on Windows (Linux, macOS)`, `no Windows event mapped`); ''. */
  reason: string;
}

export interface PlanCounts {
  /** Target techniques (every platform). */
  total: number;
  /** Of them, Windows techniques of the version. */
  windows: number;
  /** Of them, with at least one mapped event (at the minimum grade). */
  mapped: number;
  confirmed: number;
  named: number;
  related: number;
  /** Visible at any grade (= confirmed + named + related). */
  visible: number;
  /** Only through Sysmon event types filtered by include rules (not counted as visible). */
  partial: number;
}

export interface PlanStep extends Advice {
  /** Target techniques visible after this step (and every earlier one), as a share of the whole target. */
  share: number;
  /** The same, of the target techniques with a mapped event. */
  shareMapped: number;
}

export interface PlanReport {
  attackVersion: string;
  minGrade: Grade;
  target: { label: string; sources: TargetSource[]; tacticFilter: string[] };
  /** What was already collected, as the coverage command reads it; [] when the plan starts from nothing. */
  inputs: InputSummary[];
  before: PlanCounts;
  steps: PlanStep[];
  after: PlanCounts;
  /** Every target technique, by ID. */
  techniques: PlanTechnique[];
  warnings: string[];
  notes: string[];
  convention: string;
}

export interface PlanVersion {
  data: VersionData;
  details: readonly ConfigEvent[];
  /** Data components of each Windows technique (techniques.json), `Source: Component`. */
  dataComponents: ReadonlyMap<string, readonly string[]>;
}

export interface PlanOptions {
  /** Length of the plan (default 10; 0: counts only). */
  top?: number;
  minGrade?: Grade;
  /** What is collected already (the coverage command's inputs). */
  inputs?: ConfigInputs;
  /** Extra notes (how a preset was derived). */
  notes?: readonly string[];
}

export const PLAN_CONVENTION =
  'Visible means mapped: a collected Windows event is mapped to the technique (confirmed: a public detection rule uses the event for it; named: an ATT&CK analytic names it; related: only through a data component) — mapped, not detected. ' +
  'Techniques and sub-techniques are separate targets (T1003 and T1003.001 are two); a parent is not visible through its sub-techniques. ' +
  'Shares are of every target technique, including those no Windows event can show.';

const given = (i: ConfigInputs): number => (i.events?.length ?? 0) + (i.auditpol?.length ?? 0) + (i.presets?.length ?? 0) + (i.sysmon?.length ?? 0);

/** The plan for `target` on `v`; see the module comment. */
export function computePlan(v: PlanVersion, target: Target, options: PlanOptions = {}): PlanReport {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 0) throw new PlanError(`top must be a whole number ≥ 0, not ${top}`);
  const minGrade = checkMinGrade(options.minGrade);
  if (target.attackVersion !== v.data.attackVersion) throw new PlanError(`the target is for ATT&CK ${target.attackVersion}, the data for ${v.data.attackVersion}`);
  const ids = new Set(target.techniques.filter((t) => t.windows).map((t) => t.id));
  // The version as the coverage core sees it, restricted to the target: every count and step is of target techniques.
  const restricted: VersionData = { ...v.data, techniques: v.data.techniques.filter((t) => ids.has(t.id)) };
  const graded = withMinGrade(restricted, minGrade);
  const inputs = options.inputs ?? {};

  let seen: Array<{ id: string; grade: Grade }>;
  let partial: Array<{ id: string }>;
  let advice: Advice[];
  let summaries: InputSummary[] = [];
  let warnings: string[] = [];
  let notes: string[] = [...(options.notes ?? [])];
  if (given(inputs) > 0) {
    const r = computeConfigCoverage(restricted, v.details, inputs, { top, minGrade, notes: options.notes ?? [] });
    ({ seen, partial, advice } = r);
    summaries = r.inputs;
    warnings = r.warnings;
    notes = r.notes;
  } else {
    const collected = collectConfiguredEvents(graded, v.details, inputs);
    const c = classifyTechniques(graded, new Set(), new Set());
    seen = c.seen;
    partial = c.partial;
    advice = configAdvice(graded, v.details, collected, top);
  }

  const events = new Map(v.data.events.map((e) => [e.key, e]));
  const byId = new Map(graded.techniques.map((t) => [t.id, t]));
  const seenGrade = new Map(seen.map((t) => [t.id, t.grade]));
  const partialIds = new Set(partial.map((t) => t.id));
  const gainedAt = new Map<string, { grade: Grade; step: number }>();
  for (const a of advice) for (const g of GRADES) for (const id of a.gained[g]) gainedAt.set(id, { grade: g, step: a.rank });

  const techniques: PlanTechnique[] = target.techniques.map((t) => {
    const base = { id: t.id, name: t.name, from: t.from, dataComponents: [...(v.dataComponents.get(t.id) ?? [])] };
    if (!t.windows) return { ...base, before: 'not-windows', after: 'not-windows', step: 0, events: [], reason: t.reason };
    const ct = byId.get(t.id);
    const mapped = ct ? rankedLinks(ct, events).map((l) => l.key) : [];
    if (mapped.length === 0) {
      const reason = minGrade === 'related' ? 'no Windows event mapped' : `no Windows event mapped at ${minGradeWords(minGrade)}`;
      return { ...base, before: 'no-event', after: 'no-event', step: 0, events: [], reason };
    }
    const before: TechniqueState = seenGrade.get(t.id) ?? (partialIds.has(t.id) ? 'partial' : 'unseen');
    const gain = gainedAt.get(t.id);
    return { ...base, before, after: gain?.grade ?? before, step: gain?.step ?? 0, events: mapped, reason: '' };
  });

  const count = (state: (t: PlanTechnique) => TechniqueState): PlanCounts => {
    const st = techniques.map(state);
    const g = gradeCounts(st.filter((s): s is Grade => (GRADES as readonly string[]).includes(s)));
    return {
      total: techniques.length,
      windows: techniques.filter((t) => t.before !== 'not-windows').length,
      mapped: techniques.filter((t) => t.before !== 'not-windows' && t.before !== 'no-event').length,
      ...g,
      visible: g.confirmed + g.named + g.related,
      partial: st.filter((s) => s === 'partial').length,
    };
  };
  const before = count((t) => t.before);
  const after = count((t) => t.after);
  const share = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 10000) / 10000);
  const steps: PlanStep[] = advice.map((a) => ({ ...a, share: share(a.seenAfter, before.total), shareMapped: share(a.seenAfter, before.mapped) }));
  return {
    attackVersion: v.data.attackVersion,
    minGrade,
    target: { label: target.label, sources: target.sources, tacticFilter: target.tacticFilter },
    inputs: summaries,
    before,
    steps,
    after,
    techniques: techniques.sort((a, b) => cmp(a.id, b.id)),
    warnings,
    notes: [...target.notes, ...notes],
    convention: PLAN_CONVENTION,
  };
}

/** Techniques no Windows event can show (no mapped event, or not a Windows technique). */
export function darkTechniques(r: PlanReport): PlanTechnique[] {
  return r.techniques.filter((t) => t.after === 'no-event' || t.after === 'not-windows');
}

/** Techniques a Windows event could show that stay unseen (or partial) after the plan's steps. */
export function beyondPlan(r: PlanReport): PlanTechnique[] {
  return r.techniques.filter((t) => t.after === 'unseen' || t.after === 'partial');
}
