/**
 * The coverage page's state, without the DOM: the presets and the `#events=…` address fragment.
 * Pure (no DOM, no node: imports), so Node tests run it as the browser does.
 */
import { type EventCatalog, resolveEventToken } from '../../coverage/index.ts';

/** What the presets read from events.json (the coverage core's VersionData drops the audit defaults). */
export interface PresetEvent {
  key: string;
  log: string;
  clientDefault: string;
  serverDefault: string;
}

export const PRESET_IDS = ['client', 'server', 'sysmon', 'security-sysmon-powershell', 'clear'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export const PRESET_LABELS: Record<PresetId, string> = {
  client: 'Windows default audit policy (client)',
  server: 'Windows default audit policy (server)',
  sysmon: 'Sysmon, every event type',
  'security-sysmon-powershell': 'Security + Sysmon + PowerShell',
  clear: 'Clear',
};

/** An event is audited by default when OSSEM's default setting is neither empty nor "No auditing". */
export function auditedByDefault(setting: string): boolean {
  const s = setting.trim().toLowerCase();
  return s !== '' && s !== 'no auditing';
}

/** The event keys a preset ticks (in the order of events.json). */
export function presetKeys(events: readonly PresetEvent[], preset: PresetId): string[] {
  const pick = (f: (e: PresetEvent) => boolean): string[] => events.filter(f).map((e) => e.key);
  switch (preset) {
    case 'client':
      return pick((e) => auditedByDefault(e.clientDefault));
    case 'server':
      return pick((e) => auditedByDefault(e.serverDefault));
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

/** The preset fields of a parsed events.json (missing or odd fields read as empty). */
export function presetEvents(doc: unknown): PresetEvent[] {
  const list = isObj(doc) && Array.isArray(doc.events) ? (doc.events as unknown[]) : [];
  return list.filter(isObj).map((e) => ({ key: str(e.key), log: str(e.log), clientDefault: str(e.clientDefault), serverDefault: str(e.serverDefault) }));
}

/** `#events=Security:4688,Sysmon:1` for these keys; empty for none. Colons stay readable. */
export function encodeHash(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  return `#events=${keys.map((k) => encodeURIComponent(k).replace(/%3A/gi, ':')).join(',')}`;
}

/**
 * The event keys of an address fragment (`#events=Security:4688,sysmon:1`), resolved against the
 * version's events as the coverage CLI resolves `--events` (log names in any case, aliases); what
 * does not resolve is returned in `problems`. Null when the fragment holds no `events=`.
 */
export function decodeHash(hash: string, catalog: EventCatalog): { keys: string[]; problems: string[] } | null {
  const m = /(?:^|&)events=([^&]*)/.exec(hash.replace(/^#/, ''));
  if (!m) return null;
  const keys: string[] = [];
  const problems: string[] = [];
  // Split before decoding: a comma inside a key would arrive as %2C.
  for (const part of (m[1] ?? '').split(',')) {
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
  return { keys, problems };
}
