/**
 * The OSSEM-DD Windows dictionary as one archive (`windows/.../events/event-<id>[_v<n>].yml`, 763
 * providers, ~33,000 files). Parsing every file would cost seconds on each build for the few hundred
 * events a version names, so the providers the log table knows are parsed up front and the others
 * on first use, by provider and event ID.
 */
import { parseDdEvent, type DdEvent } from './dd.ts';

/** `windows/etw-providers/<provider>/events/event-<id>[_v<n>].yml`, or `windows/sysmon|powershell/events/…`. */
const EVENT_FILE = /^windows\/(?:etw-providers\/([^/]+)|(sysmon|powershell))\/events\/event-(\d+)(?:_v\d+)?\.ya?ml$/;

/**
 * OSSEM-DD providers read whole into the event catalogue: the ones whose complete ID lists the
 * mapping relies on (re-filing ATT&CK's misfiled Security events, placing a rule's bare event ID).
 * Every other provider's events are looked up by provider and ID when a version names them, so a
 * provider added to the log table does not make an ID that was unique ambiguous.
 */
export const DD_EAGER_PROVIDERS = new Set([
  'Microsoft-Windows-Security-Auditing',
  'Microsoft-Windows-Eventlog',
  'Microsoft-Windows-PowerShell',
  'Microsoft-Windows-Sysmon',
  'Microsoft-Windows-TaskScheduler',
  'Microsoft-Windows-WMI-Activity',
  'Microsoft-Windows-CodeIntegrity',
]);

export interface DdArchive {
  /** Events of the providers `eager` accepted, parsed. */
  eager: DdEvent[];
  /** Every version of one event of any provider (case-insensitive), parsed on first use; [] when unknown. */
  lookup(provider: string, eventId: string): DdEvent[];
  /** Event files in the archive. */
  files: number;
  providers: number;
}

/** Keeps only the event dictionaries of an unpacked archive (for `readTarball`'s `keep`). */
export function isDdEventPath(p: string): boolean {
  return EVENT_FILE.test(p);
}

export function readDdArchive(files: ReadonlyMap<string, Buffer>, label: string, eager: (provider: string) => boolean): DdArchive {
  // provider (folded) → event ID → [path, bytes][]
  const index = new Map<string, Map<string, Array<[string, Buffer]>>>();
  const parsed: DdEvent[] = [];
  let count = 0;
  // Sorted paths: the same archive always gives the same order of versions.
  for (const p of [...files.keys()].sort()) {
    const m = EVENT_FILE.exec(p);
    if (!m) continue;
    count++;
    const bytes = files.get(p) as Buffer;
    const folder = m[1] ?? (m[2] === 'sysmon' ? 'Microsoft-Windows-Sysmon' : 'Microsoft-Windows-PowerShell');
    if (eager(folder) || m[2] !== undefined) {
      parsed.push(parseDdEvent(bytes.toString('utf8'), `${label} ${p}`));
      continue;
    }
    const key = folder.toLowerCase();
    const byId = index.get(key) ?? new Map<string, Array<[string, Buffer]>>();
    index.set(key, byId);
    const id = m[3] as string;
    const list = byId.get(id) ?? [];
    byId.set(id, list);
    // A copy of its own: the unpacked file is a slice of the archive's inflated chunks, and keeping
    // the slices kept every chunk (48 MB) for the 21 MB of files looked up later, through the
    // build's memory peak.
    list.push([p, Buffer.from(bytes)]);
  }
  const memo = new Map<string, DdEvent[]>();
  return {
    eager: parsed,
    files: count,
    providers: index.size,
    lookup(provider: string, eventId: string): DdEvent[] {
      const k = `${provider.toLowerCase()}\u0000${eventId}`;
      let hit = memo.get(k);
      if (!hit) {
        hit = (index.get(provider.toLowerCase())?.get(eventId) ?? []).map(([p, b]) => parseDdEvent(b.toString('utf8'), `${label} ${p}`));
        memo.set(k, hit);
      }
      return hit;
    },
  };
}
