/** The four index pages of a version: techniques, tactics, events, data components. */
import { plural } from '../lib/plural.ts';
import { eventRef, homeCrumbs, pageMeta, tacticLink, type VersionContext } from './context.ts';
import { html } from './escape.ts';
import { specificity } from './specificity.ts';
import type { DataComponentIndexView, EventIndexView, Page, Scope, TacticIndexView, TechniqueIndexView } from './types.ts';
import { paths } from './urls.ts';

function indexPage<T>(ctx: VersionContext, scope: Scope, o: { kind: Page<T>['meta']['kind']; path: string; title: string; description: string; data: T }): Page<T> {
  return {
    meta: pageMeta(ctx, scope, { kind: o.kind, path: o.path, title: o.title, description: o.description, crumbs: homeCrumbs(scope) }),
    data: o.data,
    summary: `<p class="lede">${html(o.description)}</p>`,
    file: 'index.md',
  };
}

export function techniqueIndexPage(ctx: VersionContext, scope: Scope): Page<TechniqueIndexView> {
  const ts = [...ctx.input.techniques].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = ts.map((t) => ({
    id: t.id,
    name: t.name,
    url: scope.base + paths.technique(t.id),
    isSubtechnique: t.isSubtechnique,
    tactics: t.tactics.map((s) => tacticLink(ctx, scope, s).label).join(', '),
    events: t.events.length,
  }));
  const withEvents = ts.filter((t) => t.events.length > 0).length;
  return indexPage(ctx, scope, {
    kind: 'technique-index',
    path: paths.techniques(),
    title: 'Techniques',
    description: `The ${plural(ts.length, 'technique')} and sub-techniques of ATT&CK v${scope.version} that run on Windows; ${withEvents} of them are shown by at least one Windows event.`,
    data: { rows },
  });
}

export function tacticIndexPage(ctx: VersionContext, scope: Scope): Page<TacticIndexView> {
  const rows = ctx.input.tactics.map((t) => ({
    id: t.id,
    name: t.name,
    url: scope.base + paths.tactic(t.id),
    techniques: t.techniques.length,
    events: t.events.length,
    top: t.events[0] ? eventRef(ctx, scope, t.events[0].key) : null,
  }));
  return indexPage(ctx, scope, {
    kind: 'tactic-index',
    path: paths.tactics(),
    title: 'Tactics',
    description: `The ${plural(rows.length, 'tactic')} of ATT&CK v${scope.version} in matrix order, with the event that covers most of each tactic's techniques.`,
    data: { rows },
  });
}

export function eventIndexPage(ctx: VersionContext, scope: Scope): Page<EventIndexView> {
  const logs: EventIndexView['logs'] = [];
  const byLog = new Map<string, EventIndexView['logs'][number]['rows']>();
  for (const e of ctx.input.events) {
    let rows = byLog.get(e.log);
    if (!rows) {
      rows = [];
      byLog.set(e.log, rows);
      logs.push({ log: e.log, caption: '', rows });
    }
    const s = specificity(e.techniques.length, ctx.input.counts.techniques);
    rows.push({ ...eventRef(ctx, scope, e.key), techniques: e.techniques.length, specificity: s.label, level: s.level });
  }
  for (const l of logs) l.caption = `${l.log} log: ${plural(l.rows.length, 'event')}`;
  return indexPage(ctx, scope, {
    kind: 'event-index',
    path: paths.events(),
    title: 'Events',
    description: `The ${plural(ctx.input.events.length, 'Windows event')} in ${plural(logs.length, 'log')} that show at least one technique of ATT&CK v${scope.version}.`,
    data: { logs },
  });
}

export function dataComponentIndexPage(ctx: VersionContext, scope: Scope): Page<DataComponentIndexView> {
  const rows = ctx.input.dataComponents.map((c) => ({
    name: c.name,
    dataSource: c.dataSource,
    id: c.id,
    url: scope.base + paths.dataComponent(c.name),
    techniques: c.techniques.length,
    events: c.events.length,
  }));
  const label = ctx.componentLabel;
  const title = label === 'data source' ? 'Data sources' : 'Data components';
  return indexPage(ctx, scope, {
    kind: 'data-component-index',
    path: paths.dataComponents(),
    title,
    description: `The ${plural(rows.length, `ATT&CK ${label}`)} of v${scope.version} linked to Windows techniques; ${rows.filter((r) => r.events > 0).length} of them map to Windows events.`,
    data: { rows, kindLabel: label },
  });
}
