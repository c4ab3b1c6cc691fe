/**
 * The parts of events.json the configuration reader needs beyond VersionData: each event's audit
 * subcategory, its OSSEM default audit settings and its Sysmon event type.
 *
 * Pure module: no I/O, no node: imports.
 */
import { CoverageError } from '../types.ts';

export interface ConfigEvent {
  key: string;
  log: string;
  eventId: string;
  /** `Process Creation`, `PNP Activity`, … ('' when unknown). */
  auditSubcategory: string;
  /** OSSEM legacy's `client_default` / `server_default` ('' when unknown). */
  clientDefault: string;
  serverDefault: string;
  /** OSSEM-DD's Sysmon event type text ('' for other logs). */
  sysmonEventType: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads the per-event configuration fields out of a parsed events.json. */
export function configEventsFromJson(eventsDoc: unknown): ConfigEvent[] {
  if (!isObj(eventsDoc) || !Array.isArray(eventsDoc.events)) throw new CoverageError('events.json: expected an object with an "events" list');
  return eventsDoc.events.map((x: unknown, i: number) => {
    if (!isObj(x) || typeof x.key !== 'string' || typeof x.log !== 'string' || typeof x.eventId !== 'string') {
      throw new CoverageError(`events.json: events[${i}] has no valid "key", "log" or "eventId"`);
    }
    const enable = isObj(x.enable) ? x.enable : {};
    return {
      key: x.key,
      log: x.log,
      eventId: x.eventId,
      auditSubcategory: str(x.auditSubcategory),
      clientDefault: str(x.clientDefault),
      serverDefault: str(x.serverDefault),
      sysmonEventType: str(enable.sysmonEventType),
    };
  });
}
