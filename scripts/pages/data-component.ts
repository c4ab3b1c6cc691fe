/** A data component (or, before ATT&CK 9, a data-source string): its techniques and events. */
import type { DataComponentArtifact } from '../artifacts/build.ts';
import { plural } from '../lib/plural.ts';
import { eventRef, homeCrumbs, pageMeta, techniqueRef, type VersionContext } from './context.ts';
import { logByName } from '../mapping/logs.ts';
import { html } from './escape.ts';
import type { DataComponentView, Page, Scope } from './types.ts';
import { dataComponentSlug, paths } from './urls.ts';

/**
 * The Windows event log a data-source name names (`PowerShell logs` → PowerShell), with its
 * events in this version. ATT&CK ≤ 8 has such names that OSSEM's mapping leaves without events;
 * the page then points at the log instead of saying another sensor is needed.
 */
function namedLog(ctx: VersionContext, scope: Scope, name: string): DataComponentView['namedLog'] {
  const def = logByName(name.replace(/\s+logs?$/i, ''));
  if (!def) return null;
  const keys = [...ctx.events.values()].filter((e) => e.log === def.log).map((e) => e.key);
  return { log: def.log, events: keys.map((k) => eventRef(ctx, scope, k)) };
}

export function dataComponentPage(ctx: VersionContext, scope: Scope, c: DataComponentArtifact): Page<DataComponentView> {
  const eventsOf = (id: string): number => {
    const comp = ctx.techniques.get(id)?.dataComponents.find((x) => (x.dataComponent || x.dataSource) === c.name);
    return comp?.events.length ?? 0;
  };
  const view: DataComponentView = {
    id: c.id,
    name: c.name,
    dataSource: c.dataSource,
    kindLabel: ctx.componentLabel,
    techniques: c.techniques.map((id) => ({ ...techniqueRef(ctx, scope, id), events: eventsOf(id) })),
    events: c.events.map((k) => eventRef(ctx, scope, k)),
    namedLog: c.events.length === 0 ? namedLog(ctx, scope, c.name) : null,
  };
  const label = ctx.componentLabel;
  const what = `${plural(c.techniques.length, 'technique')}; ${c.events.length ? plural(c.events.length, 'Windows event') : 'no Windows event'}`;
  const title = c.dataSource ? `${c.name} (${c.dataSource})` : c.name;
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'data-component',
      path: paths.dataComponent(c.name),
      title,
      description: `ATT&CK ${label} ${title}${c.id ? ` ${c.id}` : ''} (v${scope.version}): ${what}.`,
      crumbs: [...homeCrumbs(scope), { label: label === 'data source' ? 'Data sources' : 'Data components', url: scope.base + paths.dataComponents() }],
      entity: { kind: 'data-component', id: dataComponentSlug(c.name) },
    }),
    data: view,
    summary: `<p class="lede">${html(c.name)}${c.id ? ` (${html(c.id)})` : ''} is an ATT&amp;CK ${html(label)}${c.dataSource ? ` of the ${html(c.dataSource)} data source` : ''}: ${html(what)}.</p>`,
    file: `${dataComponentSlug(c.name)}.md`,
  };
}
