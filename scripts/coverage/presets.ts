/**
 * The default Windows audit policy as a preset (`windows-default-client`, `windows-default-server`).
 *
 * How it is derived: OSSEM legacy records a `client_default` / `server_default` per Security event
 * (events.json carries them as `clientDefault` / `serverDefault`). Those values belong to the
 * event's audit subcategory, so for each subcategory the events that carry a value vote: the most
 * frequent setting wins, ties go to the setting that audits more. Subcategories OSSEM says nothing
 * about take the "Windows Default" column of Microsoft's "Audit Policy Recommendations"
 * (learn.microsoft.com/windows-server/identity/ad-ds/plan/security-best-practices/audit-policy-recommendations,
 * from the Security Compliance Manager) and are marked as such; all others are No Auditing.
 *
 * Known difference: OSSEM's client default for Logon is Success; since Windows 10 1809 clients
 * audit Logon failures too (Microsoft's table, footnote 1). Give the real policy with --auditpol.
 * Microsoft's table is MICROSOFT_DEFAULTS in scripts/windows/defaults.ts.
 *
 * Pure module: no I/O, no node: imports.
 */
import { CoverageError } from './types.ts';
import { type AuditPolicy, type AuditPolicyEntry, type AuditSetting, parseAuditSetting } from './readers/auditpol.ts';
import type { ConfigEvent } from './data.ts';
import { securityEventSubcategories } from '../windows/audit.ts';
import { MICROSOFT_DEFAULTS } from '../windows/defaults.ts';
import { type AuditSubcategory, subcategoryByName } from '../windows/subcategories.ts';

export const PRESETS = ['windows-default-client', 'windows-default-server'] as const;
export type PresetName = (typeof PRESETS)[number];

export function isPreset(s: string): s is PresetName {
  return (PRESETS as readonly string[]).includes(s);
}

export interface PresetEntry extends AuditSetting {
  subcategory: AuditSubcategory;
  /** Where the setting comes from. */
  from: 'ossem' | 'microsoft';
  /** For OSSEM: the events that voted, e.g. `4624: Success, Failure`. */
  evidence: string[];
}

/** Per-subcategory default settings for a preset (audited subcategories only), by subcategory name. */
export function presetSettings(events: readonly ConfigEvent[], preset: PresetName): PresetEntry[] {
  const votes = new Map<AuditSubcategory, Array<{ eventId: string; raw: string; setting: AuditSetting }>>();
  for (const e of events) {
    if (e.log !== 'Security') continue;
    const raw = (preset === 'windows-default-client' ? e.clientDefault : e.serverDefault).trim();
    if (raw === '') continue;
    const setting = parseAuditSetting(raw);
    if (!setting) continue;
    // The artifact's own subcategory is the one OSSEM's default belongs to.
    const sub = subcategoryByName(e.auditSubcategory) ?? securityEventSubcategories(e.eventId, e.auditSubcategory)[0];
    if (!sub) continue;
    const list = votes.get(sub) ?? [];
    list.push({ eventId: e.eventId, raw, setting });
    votes.set(sub, list);
  }
  const out: PresetEntry[] = [];
  for (const [sub, list] of votes) {
    const tally = new Map<string, { n: number; setting: AuditSetting }>();
    for (const v of list) {
      const k = `${v.setting.success ? 'S' : ''}${v.setting.failure ? 'F' : ''}`;
      const t = tally.get(k) ?? { n: 0, setting: v.setting };
      t.n++;
      tally.set(k, t);
    }
    const weight = (s: AuditSetting): number => Number(s.success) + Number(s.failure);
    const best = [...tally.values()].sort((a, b) => b.n - a.n || weight(b.setting) - weight(a.setting))[0];
    if (!best) continue;
    out.push({ subcategory: sub, success: best.setting.success, failure: best.setting.failure, from: 'ossem', evidence: list.map((v) => `${v.eventId}: ${v.raw}`) });
  }
  for (const m of MICROSOFT_DEFAULTS) {
    const sub = subcategoryByName(m.subcategory);
    if (!sub) throw new CoverageError(`preset table: unknown subcategory ${m.subcategory}`);
    if (votes.has(sub)) continue;
    out.push({ subcategory: sub, success: m.success, failure: m.failure, from: 'microsoft', evidence: [] });
  }
  return out.sort((a, b) => a.subcategory.guid.localeCompare(b.subcategory.guid));
}

/** A preset as an AuditPolicy (so it combines like an --auditpol file). */
export function presetPolicy(events: readonly ConfigEvent[], preset: PresetName): AuditPolicy {
  const entries = new Map<string, AuditPolicyEntry>();
  for (const p of presetSettings(events, preset)) {
    entries.set(p.subcategory.guid, { subcategory: p.subcategory, nameInFile: p.subcategory.name, line: 0, matchedBy: 'name', success: p.success, failure: p.failure });
  }
  return { source: `preset ${preset}`, machine: undefined, entries, localisedNames: 0, warnings: [], notes: [] };
}
