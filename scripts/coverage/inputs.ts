/**
 * Which events a configuration collects: the union of an event list (--events), audit policies
 * (--auditpol files, --preset) and Sysmon configurations (--sysmon), with the inputs behind each
 * event and whether it is collected in full or only partially (filtered Sysmon types).
 *
 * Pure module: no I/O, no node: imports.
 */
import { compareEventRefs, CoverageError, type VersionData } from './types.ts';
import { type AuditPolicy, describeSetting } from './readers/auditpol.ts';
import { blankConfigEvent, type ConfigEvent } from './data.ts';
import { type AuditSubcategory, subcategoryByGuid } from '../windows/subcategories.ts';
import { type SysmonConfig, type SysmonState } from './readers/sysmon.ts';
import { ALWAYS_LOGGED_SECURITY, type AuditOutcome } from '../windows/audit.ts';
import { ALWAYS_LOGGED_TEXT } from '../windows/switches.ts';

export type InputKind = 'events' | 'auditpol' | 'sysmon' | 'preset';
export const INPUT_KINDS: readonly InputKind[] = ['events', 'auditpol', 'sysmon', 'preset'];

export interface EventSource {
  input: InputKind;
  /** Which file or preset. */
  source: string;
  /** Why, e.g. `Process Creation: Success`, `ProcessAccess: partial (include rules …)`. */
  detail: string;
  partial: boolean;
}

export type CollectionStatus = 'full' | 'partial';

export interface ConfigCollectedEvent {
  key: string;
  log: string;
  eventId: string;
  name: string;
  status: CollectionStatus;
  sources: EventSource[];
}

export interface ConfigInputs {
  /** Resolved event keys (resolveEventList) from --events / --events-file. */
  events?: readonly string[];
  auditpol?: readonly AuditPolicy[];
  presets?: readonly AuditPolicy[];
  sysmon?: readonly SysmonConfig[];
}

/** How an event is switched on: used for collection and for advice. */
export type EventSwitch =
  | { kind: 'audit'; subcategories: AuditSubcategory[]; outcome: AuditOutcome }
  | { kind: 'security-always' }
  | { kind: 'sysmon'; element: string }
  | { kind: 'sysmon-service' }
  | { kind: 'none' };

/**
 * How `event` is turned on, from its row of the enablement table (events.json `enable`):
 * its audit subcategories and outcome, or its Sysmon element.
 */
export function eventSwitch(e: Pick<ConfigEvent, 'log' | 'eventId' | 'enable'>): EventSwitch {
  if (e.log === 'Security') {
    if (ALWAYS_LOGGED_SECURITY.has(e.eventId)) return { kind: 'security-always' };
    const subcategories = e.enable.audit.flatMap((a) => subcategoryByGuid(a.guid) ?? []);
    const outcome = e.enable.audit[0]?.outcome;
    if (subcategories.length > 0 && outcome) return { kind: 'audit', subcategories, outcome };
    return { kind: 'none' };
  }
  const sysmon = e.enable.sysmon;
  if (e.log === 'Sysmon' && sysmon) return sysmon.element === '' ? { kind: 'sysmon-service' } : { kind: 'sysmon', element: sysmon.element };
  return { kind: 'none' };
}

/** True when a subcategory setting produces an event of `outcome`. */
export function auditsOutcome(setting: { success: boolean; failure: boolean }, outcome: AuditOutcome): boolean {
  return outcome === 'success' ? setting.success : outcome === 'failure' ? setting.failure : setting.success || setting.failure;
}

function auditSources(policy: AuditPolicy, input: InputKind, sw: EventSwitch): EventSource[] {
  if (sw.kind === 'security-always') return [{ input, source: policy.source, detail: ALWAYS_LOGGED_TEXT, partial: false }];
  if (sw.kind !== 'audit') return [];
  const out: EventSource[] = [];
  for (const sub of sw.subcategories) {
    const entry = policy.entries.get(sub.guid);
    if (entry && auditsOutcome(entry, sw.outcome)) out.push({ input, source: policy.source, detail: `${sub.name}: ${describeSetting(entry)}`, partial: false });
  }
  return out;
}

function sysmonSource(config: SysmonConfig, sw: EventSwitch): EventSource | undefined {
  if (sw.kind === 'sysmon-service') return { input: 'sysmon', source: config.source, detail: 'Sysmon service event, always written', partial: false };
  if (sw.kind !== 'sysmon') return undefined;
  const t = config.types.get(sw.element);
  const state: SysmonState = t?.state ?? 'off';
  if (state === 'off') return undefined;
  const how = !t?.configured ? 'logged by default (no rule)' : state === 'partial' ? `partial: include rules with ${t.includeConditions} condition(s)` : t.excludeConditions > 0 ? `all but ${t.excludeConditions} exclude condition(s)` : 'all (empty exclude rule)';
  return { input: 'sysmon', source: config.source, detail: `${sw.element}: ${how}`, partial: state === 'partial' };
}

/**
 * Every event the inputs collect, by log then ID. An event is `full` when any input collects it
 * in full, `partial` when only filtered Sysmon types do. Throws when the inputs name an event
 * key this version does not have (resolve --events first).
 */
export function collectConfiguredEvents(data: VersionData, details: readonly ConfigEvent[], inputs: ConfigInputs): ConfigCollectedEvent[] {
  const byKey = new Map(details.map((d) => [d.key, d]));
  const known = new Map(data.events.map((e) => [e.key, e]));
  const unknown = (inputs.events ?? []).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new CoverageError(`no event ${unknown.join(', ')} in ATT&CK ${data.attackVersion}`);
  const listed = new Set(inputs.events ?? []);
  const out: ConfigCollectedEvent[] = [];
  for (const e of [...data.events].sort(compareEventRefs)) {
    const d = byKey.get(e.key) ?? blankConfigEvent(e);
    const sw = eventSwitch(d);
    const sources: EventSource[] = [];
    if (listed.has(e.key)) sources.push({ input: 'events', source: '--events', detail: 'listed', partial: false });
    for (const p of inputs.auditpol ?? []) sources.push(...auditSources(p, 'auditpol', sw));
    for (const p of inputs.presets ?? []) sources.push(...auditSources(p, 'preset', sw));
    for (const s of inputs.sysmon ?? []) {
      const src = sysmonSource(s, sw);
      if (src) sources.push(src);
    }
    if (sources.length === 0) continue;
    out.push({ key: e.key, log: e.log, eventId: e.eventId, name: e.name, status: sources.some((s) => !s.partial) ? 'full' : 'partial', sources });
  }
  return out;
}
