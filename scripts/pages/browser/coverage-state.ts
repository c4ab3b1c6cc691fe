/**
 * The coverage page's state, without the DOM: the presets and the `#events=…&preset=…` address
 * fragment. Pure (no DOM, no node: imports), so Node tests run it as the browser does.
 *
 * Two kinds of preset: the Windows default audit policies are the coverage CLI's per-subcategory
 * presets (`--preset windows-default-client|server`, scripts/coverage/config/preset.ts), an audit
 * policy input like a pasted auditpol export; the others tick events.
 */
import { type EventCatalog, isPreset, type PresetName, PRESETS, resolveEventToken } from '../../coverage/index.ts';

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

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The key and log of each event of a parsed events.json (missing or odd fields read as empty). */
export function presetEvents(doc: unknown): PresetEvent[] {
  const list = isObj(doc) && Array.isArray(doc.events) ? (doc.events as unknown[]) : [];
  return list.filter(isObj).map((e) => ({ key: str(e.key), log: str(e.log) }));
}

/**
 * `#events=Security:4688,Sysmon:1&preset=windows-default-client` for these ticks and audit preset;
 * empty for neither. Colons stay readable. Configuration files never go into the address.
 */
export function encodeHash(keys: readonly string[], preset: PresetName | null = null): string {
  const parts: string[] = [];
  if (keys.length > 0) parts.push(`events=${keys.map((k) => encodeURIComponent(k).replace(/%3A/gi, ':')).join(',')}`);
  if (preset) parts.push(`preset=${preset}`);
  return parts.length === 0 ? '' : `#${parts.join('&')}`;
}

export interface DecodedHash {
  keys: string[];
  preset: PresetName | null;
  problems: string[];
}

/**
 * The event keys and audit preset of an address fragment (`#events=Security:4688,sysmon:1&preset=…`),
 * resolved against the version's events as the coverage CLI resolves `--events` (log names in any
 * case, aliases); what does not resolve is returned in `problems`. Null when the fragment holds
 * neither `events=` nor `preset=`.
 */
export function decodeHash(hash: string, catalog: EventCatalog): DecodedHash | null {
  const body = hash.replace(/^#/, '');
  const m = /(?:^|&)events=([^&]*)/.exec(body);
  const p = /(?:^|&)preset=([^&]*)/.exec(body);
  if (!m && !p) return null;
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
  return { keys, preset, problems };
}
