/** A technique or sub-technique: the Windows events that show it, grouped by log. */
import type { TechniqueArtifact } from '../artifacts/build.ts';
import { componentLink, homeCrumbs, pageMeta, plural, tacticLink, techniqueRef, type VersionContext } from './context.ts';
import { shortEnable } from './enable.ts';
import { html } from './escape.ts';
import { evidenceView } from './evidence.ts';
import { appearances } from './presence.ts';
import type { Page, Scope, TechniqueEventRow, TechniqueView } from './types.ts';
import { paths, pathSegment, preferredBase, safeHref } from './urls.ts';

export function techniquePage(ctx: VersionContext, scope: Scope, t: TechniqueArtifact): Page<TechniqueView> {
  const path = paths.technique(t.id);
  const componentsOf = new Map<string, string[]>();
  for (const c of t.dataComponents) {
    const name = c.dataComponent || c.dataSource;
    for (const key of c.events) componentsOf.set(key, [...(componentsOf.get(key) ?? []), name]);
  }
  const logs: TechniqueView['logs'] = [];
  const byLog = new Map<string, TechniqueEventRow[]>();
  for (const e of t.events) {
    let rows = byLog.get(e.log);
    if (!rows) {
      rows = [];
      byLog.set(e.log, rows);
      logs.push({ log: e.log, caption: '', rows });
    }
    rows.push({
      key: e.key,
      eventId: e.eventId,
      name: e.name,
      url: scope.base + paths.event(e.key),
      components: [...new Set(componentsOf.get(e.key) ?? [])].map((n) => componentLink(ctx, scope, n)),
      evidence: e.evidence.map(evidenceView),
      enable: shortEnable(ctx.events.get(e.key)),
    });
  }
  for (const l of logs) l.caption = `${l.log} log: ${plural(l.rows.length, 'event')} that show ${t.id}`;

  const parent = t.parent ? techniqueRef(ctx, scope, t.parent) : null;
  const tactics = t.tactics.map((s) => tacticLink(ctx, scope, s));
  const view: TechniqueView = {
    id: t.id,
    name: t.name,
    attackUrl: safeHref(t.url),
    isSubtechnique: t.isSubtechnique,
    parent,
    subtechniques: t.subtechniques.map((id) => ({ ...techniqueRef(ctx, scope, id), events: ctx.techniques.get(id)?.events.length ?? 0 })),
    tactics,
    platforms: t.platforms,
    eventCount: t.events.length,
    logs,
    withoutEvents: t.dataComponents.filter((c) => c.events.length === 0).map((c) => componentLink(ctx, scope, c.dataComponent || c.dataSource)),
    history: appearances(ctx.presence, 'technique', t.id).map((a) => ({
      version: a.version,
      url: preferredBase(a.version, ctx.presence.latest, ctx.presence.root) + path,
      events: a.n,
      current: a.version === scope.version,
    })).reverse(),
  };

  const logNames = logs.map((l) => l.log);
  const what = t.events.length
    ? `${plural(t.events.length, 'Windows event')} show it (${logNames.join(', ')})`
    : 'no Windows event is linked to it in this version';
  const tacticNames = tactics.map((x) => x.label).join(', ');
  const summary = `<p class="lede">${html(t.name)} (${html(t.id)})${parent ? `, a sub-technique of ${html(parent.id)} ${html(parent.name)},` : ''} is ${tacticNames ? `a ${html(tacticNames)} technique` : 'a technique'}: ${html(what)}.</p>`;
  const crumbs = [...homeCrumbs(scope), { label: 'Techniques', url: scope.base + paths.techniques() }];
  if (parent) crumbs.push({ label: parent.id, url: parent.url });
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'technique',
      path,
      title: `${t.id} ${t.name}`,
      description: `Windows events that show ATT&CK technique ${t.id} ${t.name} (ATT&CK v${scope.version}): ${what}.`,
      crumbs,
      entity: { kind: 'technique', id: t.id },
    }),
    data: view,
    summary,
    file: `${pathSegment(t.id)}.md`,
  };
}
