/**
 * The coverage page's state, without the DOM: the presets and the `#events=…&preset=…` address
 * fragment. Pure (no DOM, no node: imports), so Node tests run it as the browser does.
 *
 * Two kinds of preset: the Windows default audit policies are the coverage CLI's per-subcategory
 * presets (`--preset windows-default-client|server`, scripts/coverage/presets.ts), an audit
 * policy input like a pasted auditpol export; the others tick events.
 */
import { configEventsFromJson, type EventCatalog, type Grade, GRADES, isGrade, isPreset, type PresetName, PRESETS, presetSettings, resolveEventToken } from '../../coverage/index.ts';
import { pluralGrouped } from '../../lib/plural.ts';

/** What the tick presets read from events.json. */
export interface PresetEvent {
  key: string;
  log: string;
}

export const PRESET_IDS = [...PRESETS, 'sysmon', 'security-sysmon-powershell', 'clear'] as const;
export type PresetId = (typeof PRESET_IDS)[number];
export type TickPresetId = Exclude<PresetId, PresetName>;

export const PRESET_LABELS: Record<PresetId, string> = {
  'windows-default-client': 'Windows default audit policy (client)',
  'windows-default-server': 'Windows default audit policy (server)',
  sysmon: 'Sysmon, every event type',
  'security-sysmon-powershell': 'Security + Sysmon + PowerShell',
  clear: 'Clear',
};

/** True for the presets that set the audit policy (the CLI's `--preset`), false for those that tick events. */
export function isAuditPreset(id: string): id is PresetName {
  return isPreset(id);
}

/** The event keys a tick preset ticks (in the order of events.json). */
export function presetKeys(events: readonly PresetEvent[], preset: TickPresetId): string[] {
  const pick = (f: (e: PresetEvent) => boolean): string[] => events.filter(f).map((e) => e.key);
  switch (preset) {
    case 'sysmon':
      return pick((e) => e.log === 'Sysmon');
    case 'security-sysmon-powershell':
      return pick((e) => e.log === 'Security' || e.log === 'Sysmon' || e.log === 'PowerShell');
    case 'clear':
      return [];
  }
}

/**
 * The line under each preset button (`17 subcategories audited`, `29 events`, `none in this
 * version`; '' for Clear) and whether it has nothing to tick, from a parsed events.json. The page
 * renders them, so nothing moves when the script starts.
 */
export function presetSummaries(eventsDoc: unknown): Record<PresetId, { count: string; disabled: boolean }> {
  const events = presetEvents(eventsDoc);
  const details = configEventsFromJson(eventsDoc);
  const n = pluralGrouped;
  const out = {} as Record<PresetId, { count: string; disabled: boolean }>;
  for (const id of PRESET_IDS) {
    if (isAuditPreset(id)) {
      const on = presetSettings(details, id).filter((x) => x.success || x.failure).length;
      out[id] = { count: `${n(on, 'subcategory', 'subcategories')} audited`, disabled: false };
    } else if (id === 'clear') {
      out[id] = { count: '', disabled: false };
    } else {
      const keys = presetKeys(events, id);
      out[id] = { count: keys.length === 0 ? 'none in this version' : n(keys.length, 'event'), disabled: keys.length === 0 };
    }
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The key and log of each event of a parsed events.json (missing or odd fields read as empty). */
export function presetEvents(doc: unknown): PresetEvent[] {
  const list = isObj(doc) && Array.isArray(doc.events) ? (doc.events as unknown[]) : [];
  return list.filter(isObj).map((e) => ({ key: str(e.key), log: str(e.log) }));
}

/**
 * `#events=Security:4688,Sysmon:1&preset=windows-default-client&min-grade=named` for these ticks,
 * audit preset and minimum grade (the CLI's `--min-grade`; `related`, the default, is left out);
 * empty for none of them. Colons stay readable. Configuration files never go into the address.
 */
export function encodeHash(keys: readonly string[], preset: PresetName | null = null, minGrade: Grade = 'related'): string {
  const parts: string[] = [];
  if (keys.length > 0) parts.push(`events=${keys.map((k) => encodeURIComponent(k).replace(/%3A/gi, ':')).join(',')}`);
  if (preset) parts.push(`preset=${preset}`);
  if (minGrade !== 'related') parts.push(`min-grade=${minGrade}`);
  return parts.length === 0 ? '' : `#${parts.join('&')}`;
}

export interface DecodedHash {
  keys: string[];
  preset: PresetName | null;
  minGrade: Grade;
  problems: string[];
}

/**
 * The event keys and audit preset of an address fragment (`#events=Security:4688,sysmon:1&preset=…`),
 * resolved against the version's events as the coverage CLI resolves `--events` (log names in any
 * case, aliases), and its `min-grade=`; what does not resolve is returned in `problems`. Null when
 * the fragment holds none of `events=`, `preset=` and `min-grade=`.
 */
export function decodeHash(hash: string, catalog: EventCatalog): DecodedHash | null {
  const body = hash.replace(/^#/, '');
  const m = /(?:^|&)events=([^&]*)/.exec(body);
  const p = /(?:^|&)preset=([^&]*)/.exec(body);
  const g = /(?:^|&)min-grade=([^&]*)/.exec(body);
  if (!m && !p && !g) return null;
  const keys: string[] = [];
  const problems: string[] = [];
  // Split before decoding: a comma inside a key would arrive as %2C.
  for (const part of (m?.[1] ?? '').split(',')) {
    let text: string;
    try {
      text = decodeURIComponent(part.replace(/\+/g, ' ')).trim();
    } catch {
      problems.push(`"${part}" is not a valid LOG:ID`);
      continue;
    }
    if (text === '') continue;
    const r = resolveEventToken(text, catalog);
    if (!r.ok) problems.push(r.problem);
    else if (!keys.includes(r.key)) keys.push(r.key);
  }
  let preset: PresetName | null = null;
  if (p) {
    let name = p[1] ?? '';
    try {
      name = decodeURIComponent(name).trim();
    } catch {
      // kept as written; reported below
    }
    if (isPreset(name)) preset = name;
    else if (name !== '') problems.push(`"${name}" is not a preset (${PRESETS.join(' or ')})`);
  }
  let minGrade: Grade = 'related';
  const grade = g?.[1] ?? '';
  if (isGrade(grade)) minGrade = grade;
  else if (grade !== '') problems.push(`"${grade.slice(0, 40)}" is not a grade (${GRADES.join(', ')})`);
  return { keys, preset, minGrade, problems };
}
