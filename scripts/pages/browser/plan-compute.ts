/**
 * The plan page's one computation: the target of the page's choices resolved and planned exactly as
 * `npm run plan` does (scripts/plan/: resolveTarget, computePlan), starting from the audit preset and
 * the pasted audit policy and Sysmon configuration, read as the CLI reads --preset, --auditpol and
 * --sysmon. Pure (no DOM, no node: imports): it runs in the page's worker thread, or in the page
 * where workers are not available.
 */
import type { AuditPolicy, ConfigInputs, SysmonConfig } from '../../coverage/index.ts';
import { PlanError, presetPolicy } from '../../plan/core.ts';
import { computePlan, type PlanReport, type PlanVersion } from '../../plan/plan.ts';
import { resolveTarget, type TargetCatalog } from '../../plan/targets.ts';
import type { PlanState } from './plan-state.ts';

export interface PlanRequest {
  state: PlanState;
  /** Parsed Navigator layers, with the file name each came from. */
  layers: ReadonlyArray<{ source: string; layer: unknown }>;
  auditpol: AuditPolicy | null;
  sysmon: SysmonConfig | null;
}

/** The plan, or the resolver's message (unknown name, revoked group, a file that is not a layer); null when nothing is picked. */
export type PlanResult = { ok: true; report: PlanReport } | { ok: false; error: string } | null;

export interface PlanModel {
  version: PlanVersion;
  catalog: TargetCatalog;
}

export const hasTarget = (r: Pick<PlanRequest, 'state' | 'layers'>): boolean => r.layers.length > 0 || (['groups', 'campaigns', 'software', 'techniques'] as const).some((k) => r.state[k].length > 0);

export function computePlanPage(m: PlanModel, r: PlanRequest): PlanResult {
  if (!hasTarget(r)) return null;
  const s = r.state;
  try {
    const target = resolveTarget(m.catalog, { groups: s.groups, campaigns: s.campaigns, software: s.software, techniques: s.techniques, layers: r.layers });
    // The CLI's readCollected, field for field.
    const inputs: ConfigInputs = { events: [], auditpol: r.auditpol ? [r.auditpol] : [], presets: s.preset ? [presetPolicy(m.version.details, s.preset)] : [], sysmon: r.sysmon ? [r.sysmon] : [] };
    return { ok: true, report: computePlan(m.version, target, { top: s.top, minGrade: s.minGrade, inputs }) };
  } catch (e) {
    if (e instanceof PlanError) return { ok: false, error: e.message.replace(/--layer (\S+)/g, 'layer file $1') };
    throw e;
  }
}
