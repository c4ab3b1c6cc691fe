/**
 * How to turn one Windows event on, from the one enablement table (this folder): every audit
 * subcategory that writes it with the auditpol command and Group Policy path, the SACL it needs,
 * named switches (PowerShell logging, the 4688 command line), the Sysmon configuration element
 * with a minimal snippet, and what Windows does by default — each fact with its source.
 * events.json carries the result as `enable`; the pages, the coverage advice and the coverage
 * page read it there.
 *
 * Pure module: no I/O, no node: imports.
 */
import { ALWAYS_LOGGED_SECURITY, auditGpoPath, type AuditOutcome, auditpolCommand, EXTRA_SUBCATEGORIES, eventOutcome, outcomeSwitches, SACL_OBJECTS, securityEventSubcategories, SUBCATEGORY_NOTES } from './audit.ts';
import { DEFAULT_NOTES, type FactNote, microsoftDefault, settingWords } from './defaults.ts';
import { type FactSource, microsoftEventPage, SOURCES } from './sources.ts';
import { subcategoryByName } from './subcategories.ts';
import { ALWAYS_LOGGED_TEXT, SECURITY_LOG_SWITCH, switchesFor } from './switches.ts';
import { SYSMON_DEFAULT_ON, SYSMON_ELEMENTS, SYSMON_SERVICE_EVENTS, sysmonEventIds, sysmonSnippet } from './sysmon.ts';

/** One audit subcategory that writes the event. */
export interface AuditEnable {
  /** auditpol's English name: `Process Creation`. */
  subcategory: string;
  guid: string;
  category: string;
  /** Which outcome writes the event (Microsoft's (S) / (F) marks). */
  outcome: AuditOutcome;
  /** `auditpol /set /subcategory:"…" /success:enable` for that outcome. */
  auditpol: string;
  gpo: string;
  /** What the subcategory needs beyond the switch ('' when nothing). */
  note: string;
  source: FactSource;
}

/** A named switch that turns the event on, or adds detail to it. */
export interface SwitchEnable {
  id: string;
  title: string;
  effect: 'turns-on' | 'adds-detail';
  /** Commands to run (elevated), in order. */
  commands: string[];
  gpo: string;
  note: string;
  source: FactSource;
}

/** The Sysmon configuration element that filters the event. */
export interface SysmonEnable {
  /** `ProcessCreate`; '' for the service events Sysmon always writes. */
  element: string;
  /** Every event ID the element filters. */
  eventIds: string[];
  /** The smallest configuration that logs every event of the element ('' without element). */
  snippet: string;
  /** Logged when a configuration has no rule for the element. */
  defaultOn: boolean;
  note: string;
  source: FactSource;
}

export interface EventEnable {
  /** Security: every audit subcategory that writes the event, OSSEM's first. */
  audit: AuditEnable[];
  /** Object access: the event is written only for objects with an audit entry (SACL). */
  sacl: FactNote | null;
  switches: SwitchEnable[];
  sysmon: SysmonEnable | null;
  /** What Windows does out of the box. */
  defaults: FactNote[];
}

/** The fields of an event the table reads (EventInfo has them). */
export interface EnableInput {
  key: string;
  log: string;
  eventId: string;
  /** OSSEM's subcategory ('' when none). */
  auditSubcategory: string;
  /** OSSEM legacy's defaults ('' when unknown). */
  clientDefault: string;
  serverDefault: string;
}

function auditEntries(e: EnableInput): AuditEnable[] {
  const own = subcategoryByName(e.auditSubcategory);
  const outcome = eventOutcome(e.eventId);
  return securityEventSubcategories(e.eventId, e.auditSubcategory).map((s) => ({
    subcategory: s.name,
    guid: s.guid,
    category: s.category,
    outcome,
    auditpol: auditpolCommand(s, outcomeSwitches(outcome)),
    gpo: auditGpoPath(s),
    note: SUBCATEGORY_NOTES[s.name] ?? '',
    source: s === own ? SOURCES.ossem : EXTRA_SUBCATEGORIES[e.eventId] ? microsoftEventPage(e.eventId) : SOURCES.table,
  }));
}

function saclNote(e: EnableInput, audit: readonly AuditEnable[]): FactNote | null {
  const objects = [...new Set(audit.flatMap((a) => SACL_OBJECTS[a.subcategory] ?? []))];
  if (objects.length === 0) return null;
  const removable = audit.some((a) => a.subcategory === 'Removable Storage') ? '; Removable Storage needs none: it audits every file access on removable drives' : '';
  return {
    text: `Needs a SACL on the objects to audit: written only for ${objects.join(', ')} whose system access control list (SACL) has an audit entry for the access (object Properties > Security > Advanced > Auditing, or Global Object Access Auditing in Group Policy)${removable}.`,
    source: microsoftEventPage(e.eventId),
  };
}

function sysmonEntry(e: EnableInput): SysmonEnable | null {
  if (SYSMON_SERVICE_EVENTS.has(e.eventId)) {
    return { element: '', eventIds: [e.eventId], snippet: '', defaultOn: true, note: 'Sysmon always writes this event; no configuration rule filters it', source: SOURCES.sysmon };
  }
  const element = SYSMON_ELEMENTS[e.eventId];
  if (!element) return null;
  const defaultOn = SYSMON_DEFAULT_ON.has(element);
  return {
    element,
    eventIds: sysmonEventIds(element),
    snippet: sysmonSnippet(element),
    defaultOn,
    note: defaultOn
      ? `logged when the configuration has no ${element} rule (Sysmon's default); include rules log only what they match`
      : `logged only when the configuration has a ${element} rule; an empty exclude rule (the snippet) logs every event, include rules only what they match`,
    source: SOURCES.sysmon,
  };
}

function defaultNotes(e: EnableInput, audit: readonly AuditEnable[]): FactNote[] {
  const out: FactNote[] = [];
  if (e.log === 'Security') {
    if (ALWAYS_LOGGED_SECURITY.has(e.eventId)) out.push({ text: ALWAYS_LOGGED_TEXT, source: SECURITY_LOG_SWITCH.source });
    const client = e.clientDefault.trim();
    const server = e.serverDefault.trim();
    if (client || server) out.push({ text: `audit policy of ${audit[0]?.subcategory ?? 'its subcategory'}: client ${client || 'unknown'}, server ${server || 'unknown'}`, source: SOURCES.ossemDefaults });
    else if (audit[0]) out.push({ text: `audit policy of ${audit[0].subcategory}: ${settingWords(microsoftDefault(audit[0].subcategory))}`, source: SOURCES.auditPolicyDefaults });
  }
  const note = DEFAULT_NOTES[e.key];
  if (note) out.push(note);
  return out;
}

/** The event's row of the enablement table. */
export function eventEnable(e: EnableInput): EventEnable {
  const audit = e.log === 'Security' ? auditEntries(e) : [];
  return {
    audit,
    sacl: saclNote(e, audit),
    switches: switchesFor(e.key, e.log).map((s) => ({ id: s.id, title: s.title, effect: s.effect, commands: [...s.commands], gpo: s.gpo ?? '', note: s.note ?? '', source: s.source })),
    sysmon: e.log === 'Sysmon' ? sysmonEntry(e) : null,
    defaults: defaultNotes(e, audit),
  };
}

/** True when the table knows nothing about turning the event on (only its channel). */
export function enableUnknown(en: EventEnable): boolean {
  return en.audit.length === 0 && en.switches.length === 0 && en.sysmon === null && en.defaults.length === 0;
}
