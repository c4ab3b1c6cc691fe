/**
 * The join: Windows techniques of one ATT&CK version → data sources/components → events, by every
 * route the version offers. Pure: a parsed bundle and the OSSEM catalogue in, records out.
 */
import type { StixAnalytic, StixBundle, StixDataComponent, StixDetectionStrategy, StixTechnique } from '../attack/stix.ts';
import { blankEvent, fold, type OssemCatalog } from './catalog.ts';
import { parseChannel } from './channel.ts';
import { eventKey, resolveLog } from './logs.ts';
import type { EventInfo, LogSpelling, MappingRow, Problem, ProblemKind, TacticInfo, TechniqueInfo, VersionMapping } from './types.ts';

export interface MapOptions {
  /** Keep revoked and deprecated objects (off by default, as ATT&CK's own tools do). */
  includeDeprecated?: boolean;
  platform?: string;
}

class ProblemLog {
  private readonly byKey = new Map<string, { kind: ProblemKind; subject: string; where: Set<string>; message: string }>();
  add(kind: ProblemKind, subject: string, where: string, message: string): void {
    const k = `${kind}\u0000${subject}\u0000${message}`;
    let p = this.byKey.get(k);
    if (!p) {
      p = { kind, subject, where: new Set(), message };
      this.byKey.set(k, p);
    }
    if (where) p.where.add(where);
  }
  list(): Problem[] {
    return [...this.byKey.values()].map((p) => ({ kind: p.kind, subject: p.subject, where: [...p.where].sort(), message: p.message }));
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Technique IDs sort T1003 < T1003.001 < T1003.002 < T1004; event IDs numerically. */
export function compareTechniqueIds(a: string, b: string): number {
  return cmp(a, b);
}

function compareEventIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  return Number(a) - Number(b) || cmp(a, b);
}

export function compareRows(a: MappingRow, b: MappingRow): number {
  return (
    cmp(a.techniqueId, b.techniqueId) ||
    cmp(a.dataSource, b.dataSource) ||
    cmp(a.dataComponent, b.dataComponent) ||
    cmp(a.eventLog, b.eventLog) ||
    compareEventIds(a.eventId, b.eventId) ||
    cmp(a.evidence, b.evidence) ||
    cmp(a.evidenceRef, b.evidenceRef) ||
    cmp(a.detail, b.detail)
  );
}

function tacticsInMatrixOrder(bundle: StixBundle, live: (o: { revoked: boolean; deprecated: boolean }) => boolean): TacticInfo[] {
  const byId = new Map(bundle.tactics.map((t) => [t.stixId, t]));
  const ordered: TacticInfo[] = [];
  const seen = new Set<string>();
  const matrices = bundle.matrices.filter(live);
  for (const m of matrices) {
    for (const ref of m.tacticRefs) {
      const t = byId.get(ref);
      if (!t || !live(t) || seen.has(t.shortname)) continue;
      seen.add(t.shortname);
      ordered.push({ id: t.attackId ?? '', shortname: t.shortname, name: t.name, url: t.url ?? '' });
    }
  }
  // A bundle without a matrix (a hand-made one) still lists its tactics, by ID.
  const rest = bundle.tactics
    .filter((t) => live(t) && !seen.has(t.shortname))
    .sort((a, b) => cmp(a.attackId ?? '', b.attackId ?? ''))
    .map((t) => ({ id: t.attackId ?? '', shortname: t.shortname, name: t.name, url: t.url ?? '' }));
  return [...ordered, ...rest];
}

export function mapVersion(bundle: StixBundle, catalog: OssemCatalog, attackVersion: string, options: MapOptions = {}): VersionMapping {
  const platform = options.platform ?? 'Windows';
  const live = (o: { revoked: boolean; deprecated: boolean }): boolean => options.includeDeprecated === true || (!o.revoked && !o.deprecated);
  const problems = new ProblemLog();
  const spellings = new Map<string, LogSpelling>();

  const tactics = tacticsInMatrixOrder(bundle, live);
  const tacticOrder = new Map(tactics.map((t, i) => [t.shortname, i]));

  // Techniques and their parents.
  const skipped = { revoked: 0, deprecated: 0, notWindows: 0 };
  const techniques = new Map<string, StixTechnique>();
  for (const t of bundle.techniques) {
    if (!t.attackId) continue;
    if (!options.includeDeprecated && t.revoked) skipped.revoked++;
    else if (!options.includeDeprecated && t.deprecated) skipped.deprecated++;
    else if (!t.platforms.includes(platform)) skipped.notWindows++;
    else techniques.set(t.stixId, t);
  }
  const info = new Map<string, TechniqueInfo>();
  for (const t of techniques.values()) {
    const id = t.attackId ?? '';
    info.set(t.stixId, {
      id,
      name: t.name,
      url: t.url ?? '',
      tactics: [...new Set(t.phases)].filter((p) => tacticOrder.has(p)).sort((a, b) => (tacticOrder.get(a) ?? 0) - (tacticOrder.get(b) ?? 0)),
      platforms: [...t.platforms].sort(),
      isSubtechnique: t.isSubtechnique,
      parent: t.isSubtechnique && id.includes('.') ? id.slice(0, id.indexOf('.')) : '',
    });
  }

  const rows: MappingRow[] = [];
  const rowKeys = new Set<string>();
  const events = new Map<string, EventInfo>();
  const useEvent = (log: string, channel: string, eventId: string): EventInfo => {
    const key = eventKey(log, eventId);
    const known = events.get(key) ?? catalog.events.get(key);
    const ev: EventInfo = known ?? blankEvent(key, { log, channel }, eventId, '');
    events.set(key, ev);
    return ev;
  };
  // technique × data component pairs that have a row, and those that have a row with an event.
  const pairWithRow = new Set<string>();
  const pairWithEvent = new Set<string>();
  const pair = (techniqueId: string, component: string): string => `${techniqueId}\u0000${component}`;
  const push = (row: MappingRow): void => {
    const k = [row.techniqueId, row.dataSource, row.dataComponent, row.eventLog, row.eventId, row.evidence, row.evidenceRef, row.detail].join('\u0000');
    if (rowKeys.has(k)) return;
    rowKeys.add(k);
    rows.push(row);
    pairWithRow.add(pair(row.techniqueId, row.dataComponent));
    if (row.eventId !== '') pairWithEvent.add(pair(row.techniqueId, row.dataComponent));
  };
  const allTechniqueIds = new Set(bundle.techniques.map((x) => x.stixId));
  type Link = Omit<MappingRow, 'techniqueId' | 'technique' | 'tactics'>;
  /**
   * One row, built field by field in a fixed order. Spreading partial objects into rows gave them
   * many hidden shapes, which made every later pass over 12,000 rows several times slower.
   */
  const row = (t: StixTechnique, l: Link): MappingRow => {
    const ti = info.get(t.stixId);
    return {
      techniqueId: ti?.id ?? '',
      technique: t.name,
      tactics: ti?.tactics ?? [],
      dataSource: l.dataSource,
      dataComponent: l.dataComponent,
      dataComponentId: l.dataComponentId,
      eventLog: l.eventLog,
      eventId: l.eventId,
      eventName: l.eventName,
      evidence: l.evidence,
      evidenceRef: l.evidenceRef,
      detail: l.detail,
    };
  };

  const spell = (spelling: string, log: string): void => {
    const cur = spellings.get(spelling);
    if (cur) cur.count++;
    else spellings.set(spelling, { spelling, log, source: 'attack', count: 1 });
  };

  /** OSSEM-DM route for one technique × data component; returns whether it found an event. */
  const dmDone = new Map<string, boolean>();
  const viaDm = (t: StixTechnique, dataSource: string, component: string, componentId: string): boolean => {
    // Many strategies of one technique name the same component: join it once.
    const doneKey = `${t.stixId}\u0000${dataSource}\u0000${component}`;
    const done = dmDone.get(doneKey);
    if (done !== undefined) return done;
    const found = joinDm(t, dataSource, component, componentId);
    dmDone.set(doneKey, found);
    return found;
  };
  const joinDm = (t: StixTechnique, dataSource: string, component: string, componentId: string): boolean => {
    const links = catalog.dmByComponent.get(fold(component)) ?? [];
    let found = false;
    for (const link of links) {
      const ds = link.relationship.dataSource;
      if (dataSource && ds && fold(ds) !== fold(dataSource)) continue;
      for (const e of link.events) {
        const ev = useEvent(e.log, '', e.eventId);
        push(
          row(t, {
            dataSource,
            dataComponent: component,
            dataComponentId: componentId,
            eventLog: e.log,
            eventId: e.eventId,
            eventName: ev.name,
            evidence: 'ossem-dm',
            evidenceRef: link.relationship.id,
            detail: link.relationship.name,
          }),
        );
        found = true;
      }
    }
    return found;
  };
  const noEvent = (t: StixTechnique, dataSource: string, component: string, componentId: string): void => {
    push(row(t, { dataSource, dataComponent: component, dataComponentId: componentId, eventLog: '', eventId: '', eventName: '', evidence: '', evidenceRef: '', detail: '' }));
    problems.add(
      'data-source-without-event',
      component ? `${dataSource ? `${dataSource}: ` : ''}${component}` : dataSource,
      info.get(t.stixId)?.id ?? '',
      'no Windows event is mapped to this data source/component by any source',
    );
  };

  const dataComponents = new Map<string, StixDataComponent>(bundle.dataComponents.map((d) => [d.stixId, d]));
  const dataSourceNames = new Map(bundle.dataSources.map((d) => [d.stixId, d.name]));
  const componentSource = (dc: StixDataComponent): string => {
    if (!dc.dataSourceRef) return '';
    const name = dataSourceNames.get(dc.dataSourceRef);
    if (name === undefined) problems.add('dangling-reference', dc.dataSourceRef, dc.attackId ?? dc.stixId, `data component ${dc.name} points at a data source that is not in the bundle`);
    return name ?? '';
  };

  // ATT&CK 18 files some events under the wrong log (PowerShell 4104 as "WinEventLog:Security").
  // Security-Auditing's catalogue is complete in OSSEM-DD, so an ID it lacks but exactly one other
  // log has is re-filed there, and reported; other unknown Security IDs are kept and reported.
  const logsById = new Map<string, Set<string>>();
  for (const e of catalog.events.values()) (logsById.get(e.eventId) ?? logsById.set(e.eventId, new Set()).get(e.eventId))?.add(e.log);
  const refile = (log: string, id: string, where: string, name: string): { log: string; channel: string } | undefined => {
    if (log !== 'Security') return undefined;
    const logs = logsById.get(id);
    if (logs?.has('Security')) return undefined;
    const others = [...(logs ?? [])];
    const only = others.length === 1 ? others[0] : undefined;
    if (only) {
      problems.add('misfiled-event', `${name} EventCode=${id}`, where, `Security-Auditing has no event ${id}; OSSEM knows it only in ${only}, so it is mapped as ${only}:${id}`);
      return { log: only, channel: catalog.events.get(eventKey(only, id))?.channel ?? only };
    }
    problems.add('unknown-event', `${name} EventCode=${id}`, where, others.length > 1 ? `Security-Auditing has no event ${id}, and OSSEM knows it in several logs (${others.sort().join(', ')}); kept as Security:${id}` : `Security-Auditing has no event ${id}, and no source names it; kept as Security:${id}`);
    return undefined;
  };

  const strategies = bundle.detectionStrategies;
  const detects = bundle.relationships.filter((r) => r.type === 'detects' && live(r));
  const era: VersionMapping['era'] = strategies.length > 0 ? 'detection-strategies' : bundle.dataComponents.length > 0 ? 'data-components' : 'data-source-strings';
  const linked = new Set<string>();

  if (era === 'data-source-strings') {
    for (const t of techniques.values()) {
      for (const s of t.dataSources) {
        linked.add(t.stixId);
        const colon = s.indexOf(': ');
        if (colon > 0) {
          // ATT&CK 9: "Source: Component" strings go to OSSEM-DM.
          const ds = s.slice(0, colon).trim();
          const dc = s.slice(colon + 2).trim();
          if (!viaDm(t, ds, dc, '')) noEvent(t, ds, dc, '');
          continue;
        }
        const hits = catalog.legacyByDataSource.get(fold(s)) ?? [];
        for (const h of hits) {
          const ev = useEvent(h.log, '', h.record.eventId);
          push(
            row(t, {
              dataSource: s,
              dataComponent: '',
              dataComponentId: '',
              eventLog: h.log,
              eventId: h.record.eventId,
              eventName: ev.name,
              evidence: 'ossem-legacy',
              evidenceRef: h.record.subDataSource,
              detail: '',
            }),
          );
        }
        if (hits.length === 0) noEvent(t, s, '', '');
      }
    }
  } else if (era === 'data-components') {
    for (const r of detects) {
      const t = techniques.get(r.targetRef);
      if (!t) {
        if (!allTechniqueIds.has(r.targetRef)) problems.add('dangling-reference', r.targetRef, r.stixId, 'detects relationship points at a technique that is not in the bundle');
        continue;
      }
      const dc = dataComponents.get(r.sourceRef);
      if (!dc) {
        problems.add('dangling-reference', r.sourceRef, r.stixId, 'detects relationship comes from a data component that is not in the bundle');
        continue;
      }
      if (!live(dc)) continue;
      linked.add(t.stixId);
      const ds = componentSource(dc);
      if (!viaDm(t, ds, dc.name, dc.attackId ?? '')) noEvent(t, ds, dc.name, dc.attackId ?? '');
    }
  } else {
    const strategyById = new Map<string, StixDetectionStrategy>(strategies.map((s) => [s.stixId, s]));
    const analyticById = new Map<string, StixAnalytic>(bundle.analytics.map((a) => [a.stixId, a]));
    for (const r of detects) {
      const t = techniques.get(r.targetRef);
      if (!t) {
        if (!allTechniqueIds.has(r.targetRef)) problems.add('dangling-reference', r.targetRef, r.stixId, 'detects relationship points at a technique that is not in the bundle');
        continue;
      }
      const strategy = strategyById.get(r.sourceRef);
      if (!strategy) {
        problems.add('dangling-reference', r.sourceRef, r.stixId, 'detects relationship comes from a detection strategy that is not in the bundle');
        continue;
      }
      if (!live(strategy)) continue;
      const det = strategy.attackId ?? strategy.stixId;
      const components = new Map<string, StixDataComponent>();
      for (const ref of strategy.analyticRefs) {
        const a = analyticById.get(ref);
        if (!a) {
          problems.add('dangling-reference', ref, det, 'detection strategy names an analytic that is not in the bundle');
          continue;
        }
        if (!live(a) || !a.platforms.includes(platform)) continue;
        const an = a.attackId ?? a.stixId;
        linked.add(t.stixId);
        for (const ls of a.logSourceRefs) {
          const dc = ls.dataComponentRef ? dataComponents.get(ls.dataComponentRef) : undefined;
          if (ls.dataComponentRef && !dc) problems.add('dangling-reference', ls.dataComponentRef, `${det}/${an}`, 'log source reference names a data component that is not in the bundle');
          if (dc && live(dc)) components.set(dc.stixId, dc);
          const resolved = resolveLog(ls.name);
          if (!resolved) {
            problems.add('not-a-windows-event-log', ls.name, `${det}/${an}`, 'log source of a Windows analytic that is not a Windows event log (ETW, perfmon, osquery, …); reached only through its data component');
            continue;
          }
          spell(ls.name, resolved.log);
          if (!resolved.known) problems.add('unknown-log-name', ls.name, `${det}/${an}`, `kept as log "${resolved.log}"; add an alias to scripts/mapping/logs.ts if it is another spelling of a known log`);
          const parsed = parseChannel(ls.channel);
          const dcName = dc?.name ?? '';
          const dcId = dc?.attackId ?? '';
          const dsName = dc ? componentSource(dc) : '';
          const analyticRow = (eventLog: string, eventId: string, eventName: string): MappingRow =>
            row(t, { dataSource: dsName, dataComponent: dcName, dataComponentId: dcId, eventLog, eventId, eventName, evidence: 'attack-analytic', evidenceRef: `${det}/${an}`, detail: ls.channel });
          if (parsed.freeText) {
            problems.add('free-text-channel', `${ls.name} ${ls.channel}`, `${det}/${an}`, 'channel names no event ID; kept with an empty event');
            push(analyticRow(resolved.log, '', ''));
            continue;
          }
          for (const id of parsed.ids) {
            const target = refile(resolved.log, id, `${det}/${an}`, ls.name) ?? resolved;
            const ev = useEvent(target.log, target.channel, id);
            push(analyticRow(target.log, id, ev.name));
          }
        }
      }
      for (const dc of components.values()) {
        const ds = componentSource(dc);
        const tid = info.get(t.stixId)?.id ?? '';
        if (viaDm(t, ds, dc.name, dc.attackId ?? '') || pairWithEvent.has(pair(tid, dc.name))) continue;
        if (pairWithRow.has(pair(tid, dc.name))) {
          problems.add('data-source-without-event', dc.name, tid, 'neither the analytics nor OSSEM-DM give an event ID for this data component');
        } else {
          noEvent(t, ds, dc.name, dc.attackId ?? '');
        }
      }
    }
  }

  // Every Windows technique appears, even one that no route reaches.
  for (const t of techniques.values()) {
    if (linked.has(t.stixId)) continue;
    push(row(t, { dataSource: '', dataComponent: '', dataComponentId: '', eventLog: '', eventId: '', eventName: '', evidence: '', evidenceRef: '', detail: '' }));
    problems.add('no-detection', era === 'detection-strategies' ? 'technique with no Windows analytic' : 'technique with no data source', info.get(t.stixId)?.id ?? '', 'this ATT&CK version gives no Windows data source, component or analytic for the technique');
  }

  rows.sort(compareRows);
  const usedEvents = [...events.values()].sort((a, b) => cmp(a.log, b.log) || compareEventIds(a.eventId, b.eventId));
  const techniqueList = [...info.values()].sort((a, b) => compareTechniqueIds(a.id, b.id));
  const allSpellings = [...catalog.spellings, ...spellings.values()].sort((a, b) => cmp(a.source, b.source) || cmp(a.spelling, b.spelling));
  const allProblems = [...catalog.problems, ...problems.list()].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.subject, b.subject) || cmp(a.message, b.message));

  return {
    attackVersion,
    era,
    tactics,
    techniques: techniqueList,
    rows,
    events: usedEvents,
    problems: allProblems,
    logSpellings: allSpellings,
    skipped,
  };
}
