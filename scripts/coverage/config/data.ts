/**
 * The parts of events.json the configuration reader needs beyond VersionData: each event's audit
 * subcategory, its OSSEM default audit settings and its row of the enablement table (`enable`).
 *
 * Pure module: no I/O, no node: imports.
 */
import { type EventEnable, eventEnable } from '../../windows/enable.ts';
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
  /** How to turn it on: events.json's `enable` (scripts/windows/enable.ts). */
  enable: EventEnable;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The fields the coverage reads from `enable`, present and of the right kind. */
function isEnable(v: unknown): v is EventEnable {
  return isObj(v) && Array.isArray(v.audit) && Array.isArray(v.switches) && Array.isArray(v.defaults) && (v.sysmon === null || isObj(v.sysmon)) && (v.sacl === null || isObj(v.sacl));
}

/** An event the configuration data does not describe: the table's row from its log and ID alone. */
export function blankConfigEvent(e: { key: string; log: string; eventId: string }): ConfigEvent {
  const base = { key: e.key, log: e.log, eventId: e.eventId, auditSubcategory: '', clientDefault: '', serverDefault: '' };
  return { ...base, enable: eventEnable(base) };
}

/**
 * Reads the per-event configuration fields out of a parsed events.json. An events.json written
 * before `enable` held the table (ATT&CK map data older than this reader) gets the table's row
 * computed from the event's own fields.
 */
export function configEventsFromJson(eventsDoc: unknown): ConfigEvent[] {
  if (!isObj(eventsDoc) || !Array.isArray(eventsDoc.events)) throw new CoverageError('events.json: expected an object with an "events" list');
  return eventsDoc.events.map((x: unknown, i: number) => {
    if (!isObj(x) || typeof x.key !== 'string' || typeof x.log !== 'string' || typeof x.eventId !== 'string') {
      throw new CoverageError(`events.json: events[${i}] has no valid "key", "log" or "eventId"`);
    }
    const base = {
      key: x.key,
      log: x.log,
      eventId: x.eventId,
      auditSubcategory: str(x.auditSubcategory),
      clientDefault: str(x.clientDefault),
      serverDefault: str(x.serverDefault),
    };
    return { ...base, enable: isEnable(x.enable) ? x.enable : eventEnable(base) };
  });
}
