/**
 * What every mapping route shares for one ATT&CK version: the live Windows techniques, the rows
 * found so far, the event catalogue and the problem log. Routes add evidence rows through it and
 * never touch each other.
 */
import type { StixBundle, StixDataComponent, StixTactic, StixTechnique } from '../attack/stix.ts';
import { blankEvent, fold, lookupEvent, type OssemCatalog } from './catalog.ts';
import { eventKey, type ResolvedLog } from './logs.ts';
import type { ResolvedRule } from '../rules/types.ts';
import type { EventInfo, LogSpelling, MappingRow, PlacedRule, Problem, ProblemKind, TacticInfo, TechniqueInfo, VersionMapping } from './types.ts';
import { cmp } from '../lib/cmp.ts';

export class ProblemLog {
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

/** A row's fields other than the technique's. */
export type Link = Omit<MappingRow, 'techniqueId' | 'technique' | 'tactics' | 'grade'>;

export const NO_LINK: Link = { dataSource: '', dataComponent: '', dataComponentId: '', eventLog: '', eventId: '', eventName: '', evidence: '', evidenceRef: '', detail: '' };

export interface MapContext {
  readonly bundle: StixBundle;
  readonly catalog: OssemCatalog;
  readonly attackVersion: string;
  readonly platform: string;
  readonly era: VersionMapping['era'];
  readonly includeDeprecated: boolean;
  readonly problems: ProblemLog;
  readonly tactics: TacticInfo[];
  /** Live Windows techniques by STIX ID. */
  readonly techniques: Map<string, StixTechnique>;
  readonly info: Map<string, TechniqueInfo>;
  readonly skipped: VersionMapping['skipped'];
  /** Techniques some ATT&CK route reached (the others are reported as having no detection). */
  readonly linked: Set<string>;
  /** Per technique (STIX ID), the live data components its Windows analytics name (ATT&CK 18+). */
  readonly componentsOf: Map<string, Map<string, StixDataComponent>>;
  readonly dataComponents: Map<string, StixDataComponent>;
  readonly rows: MappingRow[];
  readonly events: Map<string, EventInfo>;
  /** Detection rules of the build (read once), and those this version placed. */
  readonly rules: readonly ResolvedRule[];
  readonly placedRules: PlacedRule[];
  live(o: { revoked: boolean; deprecated: boolean }): boolean;
  /** One row, built field by field: spreading partial objects gave rows many hidden shapes, which slowed every later pass. */
  row(t: StixTechnique, l: Link): MappingRow;
  push(row: MappingRow): void;
  useEvent(log: string, channel: string, eventId: string): EventInfo;
  spell(spelling: string, log: string): void;
  /** Counts an ATT&CK log spelling and reports one that is not in the alias table. */
  noteLog(name: string, resolved: ResolvedLog, where: string): void;
  /** Whether a technique (ATT&CK ID) × data component name has a row, and one with an event. */
  hasRow(techniqueId: string, component: string): boolean;
  hasEvent(techniqueId: string, component: string): boolean;
  componentSource(dc: StixDataComponent): string;
  /** OSSEM-DM route for one technique × data component (joined once); returns whether it found an event. */
  viaDm(t: StixTechnique, dataSource: string, component: string, componentId: string): boolean;
  /** A row with no event for a data source/component, reported. */
  noEvent(t: StixTechnique, dataSource: string, component: string, componentId: string): void;
  /** ATT&CK files some events under the wrong log; returns the right one when OSSEM knows it elsewhere only. */
  refile(log: string, id: string, where: string, name: string): { log: string; channel: string } | undefined;
  spellings(): LogSpelling[];
}


function tacticsInMatrixOrder(bundle: StixBundle, live: (o: { revoked: boolean; deprecated: boolean }) => boolean, problems: ProblemLog): TacticInfo[] {
  const byId = new Map(bundle.tactics.map((t) => [t.stixId, t]));
  const ordered: TacticInfo[] = [];
  // Shortname → the tactic that took it: techniques name their tactics by shortname, so two tactics sharing one cannot both be kept.
  const seen = new Map<string, StixTactic>();
  const take = (t: StixTactic): boolean => {
    const first = seen.get(t.shortname);
    if (!first) {
      seen.set(t.shortname, t);
      return true;
    }
    if (first !== t) problems.add('duplicate-identifier', t.shortname, t.attackId ?? '', `tactics ${first.attackId ?? first.stixId} and ${t.attackId ?? t.stixId} share the shortname ${t.shortname}; kept ${first.attackId ?? first.stixId}, the first in matrix order (then by ID)`);
    return false;
  };
  for (const m of bundle.matrices.filter(live)) {
    for (const ref of m.tacticRefs) {
      const t = byId.get(ref);
      if (!t || !live(t) || !take(t)) continue;
      ordered.push({ id: t.attackId ?? '', shortname: t.shortname, name: t.name, url: t.url ?? '' });
    }
  }
  // A bundle without a matrix (a hand-made one) still lists its tactics, by ID.
  const rest = bundle.tactics
    .filter((t) => live(t) && seen.get(t.shortname) !== t)
    .sort((a, b) => cmp(a.attackId ?? '', b.attackId ?? '') || cmp(a.stixId, b.stixId))
    .filter(take)
    .map((t) => ({ id: t.attackId ?? '', shortname: t.shortname, name: t.name, url: t.url ?? '' }));
  return [...ordered, ...rest];
}

export function createContext(bundle: StixBundle, catalog: OssemCatalog, attackVersion: string, options: { includeDeprecated?: boolean; platform?: string; rules?: readonly ResolvedRule[] }): MapContext {
  const platform = options.platform ?? 'Windows';
  const includeDeprecated = options.includeDeprecated === true;
  const live = (o: { revoked: boolean; deprecated: boolean }): boolean => includeDeprecated || (!o.revoked && !o.deprecated);
  const problems = new ProblemLog();
  // What reading the bundle left out or changed (invalid, missing or duplicate IDs, unsafe URLs).
  for (const p of bundle.problems) problems.add(p.kind, p.subject, p.where, p.message);
  const spellings = new Map<string, LogSpelling>();
  const tactics = tacticsInMatrixOrder(bundle, live, problems);
  const tacticOrder = new Map(tactics.map((t, i) => [t.shortname, i]));

  const skipped = { revoked: 0, deprecated: 0, notWindows: 0 };
  const techniques = new Map<string, StixTechnique>();
  for (const t of bundle.techniques) {
    // The bundle reader has left out (and reported) techniques without an ATT&CK ID.
    if (!t.attackId) continue;
    if (!includeDeprecated && t.revoked) skipped.revoked++;
    else if (!includeDeprecated && t.deprecated) skipped.deprecated++;
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
  const pairWithRow = new Set<string>();
  const pairWithEvent = new Set<string>();
  const pair = (techniqueId: string, component: string): string => `${techniqueId}\u0000${component}`;
  const dataComponents = new Map<string, StixDataComponent>(bundle.dataComponents.map((d) => [d.stixId, d]));
  const dataSourceNames = new Map(bundle.dataSources.map((d) => [d.stixId, d.name]));

  const era: VersionMapping['era'] = bundle.detectionStrategies.length > 0 ? 'detection-strategies' : bundle.dataComponents.length > 0 ? 'data-components' : 'data-source-strings';

  // ATT&CK 18 files some events under the wrong log (PowerShell 4104 as "WinEventLog:Security").
  // Security-Auditing's catalogue is complete in OSSEM-DD, so an ID it lacks but exactly one other
  // log has is re-filed there, and reported; other unknown Security IDs are kept and reported.
  const logsById = new Map<string, Set<string>>();
  for (const e of catalog.events.values()) (logsById.get(e.eventId) ?? logsById.set(e.eventId, new Set()).get(e.eventId))?.add(e.log);

  const dmDone = new Map<string, boolean>();
  const ctx: MapContext = {
    bundle,
    catalog,
    attackVersion,
    platform,
    era,
    includeDeprecated,
    problems,
    tactics,
    techniques,
    info,
    skipped,
    linked: new Set(),
    componentsOf: new Map(),
    dataComponents,
    rows,
    events,
    rules: options.rules ?? [],
    placedRules: [],
    live,
    row(t, l) {
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
        grade: '',
      };
    },
    push(row) {
      const k = [row.techniqueId, row.dataSource, row.dataComponent, row.eventLog, row.eventId, row.evidence, row.evidenceRef, row.detail].join('\u0000');
      if (rowKeys.has(k)) return;
      rowKeys.add(k);
      rows.push(row);
      pairWithRow.add(pair(row.techniqueId, row.dataComponent));
      if (row.eventId !== '') pairWithEvent.add(pair(row.techniqueId, row.dataComponent));
    },
    useEvent(log, channel, eventId) {
      const key = eventKey(log, eventId);
      const ev = events.get(key) ?? lookupEvent(catalog, log, channel, eventId) ?? blankEvent(key, { log, channel }, eventId, '');
      events.set(key, ev);
      return ev;
    },
    spell(spelling, log) {
      const cur = spellings.get(spelling);
      if (cur) cur.count++;
      else spellings.set(spelling, { spelling, log, source: 'attack', count: 1 });
    },
    noteLog(name, resolved, where) {
      ctx.spell(name, resolved.log);
      if (!resolved.known) problems.add('unknown-log-name', name, where, `kept as log "${resolved.log}"; add an alias to scripts/mapping/logs.ts if it is another spelling of a known log`);
    },
    hasRow: (tid, component) => pairWithRow.has(pair(tid, component)),
    hasEvent: (tid, component) => pairWithEvent.has(pair(tid, component)),
    componentSource(dc) {
      if (!dc.dataSourceRef) return '';
      const name = dataSourceNames.get(dc.dataSourceRef);
      if (name === undefined) problems.add('dangling-reference', dc.dataSourceRef, dc.attackId ?? dc.stixId, `data component ${dc.name} points at a data source that is not in the bundle`);
      return name ?? '';
    },
    viaDm(t, dataSource, component, componentId) {
      // Many strategies of one technique name the same component: join it once.
      const doneKey = `${t.stixId}\u0000${dataSource}\u0000${component}`;
      const done = dmDone.get(doneKey);
      if (done !== undefined) return done;
      let found = false;
      for (const link of catalog.dmByComponent.get(fold(component)) ?? []) {
        const ds = link.relationship.dataSource;
        if (dataSource && ds && fold(ds) !== fold(dataSource)) continue;
        for (const e of link.events) {
          const ev = ctx.useEvent(e.log, '', e.eventId);
          ctx.push(
            ctx.row(t, {
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
      dmDone.set(doneKey, found);
      return found;
    },
    noEvent(t, dataSource, component, componentId) {
      ctx.push(ctx.row(t, { ...NO_LINK, dataSource, dataComponent: component, dataComponentId: componentId }));
      problems.add(
        'data-source-without-event',
        component ? `${dataSource ? `${dataSource}: ` : ''}${component}` : dataSource,
        info.get(t.stixId)?.id ?? '',
        'no Windows event is mapped to this data source/component by any source',
      );
    },
    refile(log, id, where, name) {
      if (log !== 'Security') return undefined;
      const logs = logsById.get(id);
      if (logs?.has('Security')) return undefined;
      const others = [...(logs ?? [])];
      const only = others.length === 1 ? others[0] : undefined;
      if (only) {
        problems.add('misfiled-event', `${name} EventCode=${id}`, where, `Security-Auditing has no event ${id}; OSSEM knows it only in ${only}, so it is mapped as ${only}:${id}`);
        return { log: only, channel: catalog.events.get(eventKey(only, id))?.channel ?? only };
      }
      problems.add(
        'unknown-event',
        `${name} EventCode=${id}`,
        where,
        others.length > 1 ? `Security-Auditing has no event ${id}, and OSSEM knows it in several logs (${others.sort().join(', ')}); kept as Security:${id}` : `Security-Auditing has no event ${id}, and no source names it; kept as Security:${id}`,
      );
      return undefined;
    },
    spellings: () => [...spellings.values()],
  };
  return ctx;
}
