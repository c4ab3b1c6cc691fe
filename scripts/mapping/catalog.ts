/**
 * Joins the three OSSEM sources into lookups the mapping uses for every ATT&CK version:
 * OSSEM-DM by data component, OSSEM legacy by data-source string, and one event catalogue
 * (names, descriptions, audit settings) keyed by log and event ID.
 */
import type { DdEvent } from '../ossem/dd.ts';
import type { DmEvent, DmRelationship } from '../ossem/dm.ts';
import type { LegacyRecord } from '../ossem/legacy.ts';
import { channelFor, eventKey, logByName, logForProvider, resolveLog, type ResolvedLog } from './logs.ts';
import type { EventInfo, LogSpelling, Problem } from './types.ts';

export interface DmLink {
  relationship: DmRelationship;
  /** Resolved Windows events of the relationship (others are reported, not linked). */
  events: Array<{ key: string; log: string; eventId: string }>;
}

export interface OssemCatalog {
  dmByComponent: Map<string, DmLink[]>;
  legacyByDataSource: Map<string, Array<{ record: LegacyRecord; key: string; log: string }>>;
  events: Map<string, EventInfo>;
  spellings: LogSpelling[];
  problems: Problem[];
  /** OSSEM-DD events of providers outside the log table (every version), read on first use. */
  ddLookup: (provider: string, eventId: string) => DdEvent[];
}

export function fold(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

function stripAudit(s: string): string {
  return s.replace(/^Audit\s+/i, '').trim();
}

/** "Event ID 10: ProcessAccess" → "ProcessAccess"; ETW manifest placeholders ("task_0", "None", "EventID(30)") say nothing. */
function ddShortName(name: string): string {
  const rest = name.replace(/^Event(?:\s+ID)?\s+\d+\s*[:-]\s*/i, '').trim();
  return /^(?:task_\d+|none|EventID\(\d+\))$/i.test(rest) ? '' : rest;
}

class SpellingCounter {
  private readonly counts = new Map<string, LogSpelling>();
  add(spelling: string, log: string, source: LogSpelling['source']): void {
    const k = `${source}\u0000${spelling}`;
    const cur = this.counts.get(k);
    if (cur) cur.count++;
    else this.counts.set(k, { spelling, log, source, count: 1 });
  }
  list(): LogSpelling[] {
    return [...this.counts.values()];
  }
}

/** An event known only by its log and ID: every text field empty until a source fills it. */
export function blankEvent(key: string, r: Pick<ResolvedLog, 'log' | 'channel'>, eventId: string, provider: string): EventInfo {
  return {
    key,
    log: r.log,
    eventId,
    channel: channelFor(r.log, r.channel, eventId),
    provider,
    name: '',
    description: '',
    auditCategory: '',
    auditSubcategory: '',
    clientDefault: '',
    serverDefault: '',
  };
}

function resolveDmEvent(e: DmEvent): ResolvedLog | undefined {
  if (e.platform.toLowerCase() !== 'windows' || !/^\d+$/.test(e.eventId)) return undefined;
  return e.channel ? resolveLog(e.channel) : logForProvider(e.logSource, e.eventId);
}

/**
 * An event of the catalogue; for a log outside it (`Microsoft-Windows-Bits-Client/Operational`), the
 * name and description OSSEM-DD gives the provider the channel is named after. Undefined when neither knows it.
 */
export function lookupEvent(catalog: OssemCatalog, log: string, channel: string, eventId: string): EventInfo | undefined {
  const key = eventKey(log, eventId);
  const known = catalog.events.get(key);
  if (known) return known;
  const provider = (channel || logByName(log)?.channel || log).replace(/\/.*$/, '').trim();
  const versions = [...catalog.ddLookup(provider, eventId)].sort((a, b) => b.version - a.version);
  if (versions.length === 0) return undefined;
  const info = blankEvent(key, { log, channel: channel || log }, eventId, versions[0]?.provider ?? provider);
  for (const d of versions) {
    const short = ddShortName(d.name);
    if (!info.name && short) info.name = short;
    if (!info.description && d.description && d.description !== 'Not available') info.description = d.description.replace(/\s+/g, ' ').trim();
  }
  return info;
}

export function buildCatalog(dm: DmRelationship[], legacy: LegacyRecord[], dd: DdEvent[], ddLookup: OssemCatalog['ddLookup'] = () => []): OssemCatalog {
  const events = new Map<string, EventInfo>();
  const spellings = new SpellingCounter();
  const problems: Problem[] = [];
  const ensure = (r: ResolvedLog, eventId: string, provider: string): EventInfo => {
    const key = eventKey(r.log, eventId);
    let info = events.get(key);
    if (!info) {
      info = blankEvent(key, r, eventId, provider);
      events.set(key, info);
    }
    if (!info.provider && provider) info.provider = provider;
    return info;
  };

  // OSSEM-DM first: its names are the clearest and its audit subcategories are current.
  const dmByComponent = new Map<string, DmLink[]>();
  const notWindows = new Map<string, string[]>();
  const withoutAttack: string[] = [];
  for (const rel of dm) {
    const link: DmLink = { relationship: rel, events: [] };
    for (const e of rel.events) {
      const r = resolveDmEvent(e);
      if (!r) {
        const label = `${e.logSource || 'unknown log'} ${e.eventId}`;
        notWindows.set(label, [...(notWindows.get(label) ?? []), rel.id]);
        continue;
      }
      spellings.add(e.channel || e.logSource, r.log, 'ossem-dm');
      const info = ensure(r, e.eventId, e.logSource);
      if (!info.name && e.name) info.name = e.name;
      if (!info.auditSubcategory && e.auditSubcategory) {
        info.auditCategory = e.auditCategory;
        info.auditSubcategory = e.auditSubcategory;
      }
      link.events.push({ key: info.key, log: r.log, eventId: e.eventId });
    }
    if (!rel.dataComponent) {
      withoutAttack.push(rel.id);
      continue;
    }
    const k = fold(rel.dataComponent);
    dmByComponent.set(k, [...(dmByComponent.get(k) ?? []), link]);
  }
  if (withoutAttack.length > 0) {
    problems.push({
      kind: 'ossem-dm-without-attack',
      subject: 'OSSEM-DM relationships with no ATT&CK data component',
      where: [...withoutAttack].sort(),
      message: 'OSSEM-DM has not tied these relationships to an ATT&CK data source (attack: null); their events cannot be reached from ATT&CK.',
    });
  }
  for (const [label, rels] of notWindows) {
    problems.push({
      kind: 'ossem-dm-not-windows-event',
      subject: label,
      where: [...new Set(rels)].sort(),
      message: 'not a Windows event log event (another platform, or a non-numeric ID such as an EDR table); left out of the event map.',
    });
  }

  const legacyByDataSource = new Map<string, Array<{ record: LegacyRecord; key: string; log: string }>>();
  for (const rec of legacy) {
    const r = resolveLog(rec.channel) ?? resolveLog(rec.provider);
    if (!r) {
      problems.push({
        kind: 'unknown-log-name',
        subject: rec.channel || rec.provider,
        where: rec.dataSources,
        message: `OSSEM legacy event ${rec.eventId} names a log that is not in the log table; add it to scripts/mapping/logs.ts.`,
      });
      continue;
    }
    spellings.add(rec.channel || rec.provider, r.log, 'ossem-legacy');
    const info = ensure(r, rec.eventId, rec.provider);
    if (!info.name && rec.description) info.name = rec.description;
    // Audit subcategories only mean something for Security-Auditing events (legacy fills Sysmon rows too).
    if (r.log === 'Security' && !info.auditSubcategory && rec.auditSubcategory) {
      info.auditCategory = stripAudit(rec.auditCategory);
      info.auditSubcategory = stripAudit(rec.auditSubcategory);
    }
    if (!info.clientDefault && rec.clientDefault) info.clientDefault = rec.clientDefault;
    if (!info.serverDefault && rec.serverDefault) info.serverDefault = rec.serverDefault;
    for (const ds of rec.dataSources) {
      const k = fold(ds);
      legacyByDataSource.set(k, [...(legacyByDataSource.get(k) ?? []), { record: rec, key: info.key, log: r.log }]);
    }
  }

  // OSSEM-DD: the newest version of each event that has text fills names and descriptions still missing.
  const ddSorted = [...dd].sort((a, b) => b.version - a.version);
  for (const d of ddSorted) {
    const r = logForProvider(d.provider, d.eventId);
    if (!r) continue;
    spellings.add(d.provider, r.log, 'ossem-dd');
    const key = eventKey(r.log, d.eventId);
    const info = events.get(key) ?? ensure(r, d.eventId, d.provider);
    const short = ddShortName(d.name);
    if (!info.name && short) info.name = short;
    if (!info.description && d.description && d.description !== 'Not available') info.description = d.description.replace(/\s+/g, ' ').trim();
  }

  return { dmByComponent, legacyByDataSource, events, spellings: spellings.list(), problems, ddLookup };
}
