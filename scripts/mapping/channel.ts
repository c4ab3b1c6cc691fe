/**
 * Parses the `channel` of an ATT&CK 18 log-source reference into event IDs. Forms met in 18.0
 * and 18.1: `EventCode=4688`, `EventCode=4103, 4104`, `EventCode=4103,4104`, `EventCode=4778,
 * EventCode=4779`, `EventCode=4624 (LogonType=3)`, `EventCode=4624 with LogonType=9 or smartcard
 * logon`, `EventCode=5005 (WLAN), EventCode=302 (Bluetooth)`, `EvenCode=2` (sic), `EventID=31001`,
 * `EventID 5136`, `Event ID 1`, `4688, 4104`, `13`, ranges `1000-1026` and `20001/20003`, and an
 * ID inside prose (`System shutdowns due to bugcheck (Event ID 1001) …`). Anything else is free text.
 */

export interface ParsedChannel {
  ids: string[];
  /** Qualifiers that narrow the events (`LogonType=3`), kept for the reader. */
  notes: string[];
  /** True when no event ID could be read: the channel is a description, not a selector. */
  freeText: boolean;
}

/** Longest range we expand; a wider one is more likely prose than a selector. */
const MAX_RANGE = 100;

const MARKER = /\b(?:Even(?:t)?Code|Event\s?ID)\b\s*[=:]?\s*/gi;
const ID_LIST = /^\d{1,5}(?:\s*-\s*\d{1,5})?(?:\s*[,/]\s*(?:(?:Even(?:t)?Code|Event\s?ID)\s*[=:]?\s*)?\d{1,5}(?:\s*-\s*\d{1,5})?)*/i;
const BARE_LIST = /^\s*\d{1,5}(?:\s*-\s*\d{1,5})?(?:\s*[,/]\s*\d{1,5}(?:\s*-\s*\d{1,5})?)*\s*$/;

function expand(list: string, ids: string[]): void {
  for (const part of list.split(/[,/]/)) {
    const cleaned = part.replace(/(?:Even(?:t)?Code|Event\s?ID)\s*[=:]?/i, '').trim();
    if (cleaned === '') continue;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(cleaned);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (hi >= lo && hi - lo < MAX_RANGE) {
        for (let n = lo; n <= hi; n++) ids.push(String(n));
      } else {
        ids.push(String(lo), String(hi));
      }
    } else if (/^\d+$/.test(cleaned)) {
      ids.push(String(Number(cleaned)));
    }
  }
}

export function parseChannel(channel: string): ParsedChannel {
  const ids: string[] = [];
  const notes: string[] = [];
  if (BARE_LIST.test(channel)) {
    expand(channel, ids);
  } else {
    for (const m of channel.matchAll(MARKER)) {
      const after = channel.slice((m.index ?? 0) + m[0].length);
      const list = ID_LIST.exec(after);
      if (list) expand(list[0], ids);
    }
  }
  for (const m of channel.matchAll(/\(([^()]*)\)/g)) {
    const inner = (m[1] ?? '').trim();
    if (inner && !/^(?:Even(?:t)?Code|Event\s?ID)/i.test(inner)) notes.push(inner);
  }
  const withClause = /\bwith\s+(.+)$/i.exec(channel);
  if (withClause?.[1] && ids.length > 0) notes.push(withClause[1].trim());
  const unique = [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
  return { ids: unique, notes: ids.length > 0 ? notes : [], freeText: unique.length === 0 };
}
