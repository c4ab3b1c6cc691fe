/** A tactic: its techniques, and the union of their events ranked by how many techniques each covers. */
import type { TacticArtifact } from '../artifacts/build.ts';
import { plural } from '../lib/plural.ts';
import { eventRef, homeCrumbs, pageMeta, techniqueRef, type VersionContext } from './context.ts';
import { eventTitle } from './event.ts';
import { html } from './escape.ts';
import type { Page, Scope, TacticView } from './types.ts';
import { attackHref, paths, pathSegment } from './urls.ts';

export function tacticPage(ctx: VersionContext, scope: Scope, t: TacticArtifact): Page<TacticView> {
  const view: TacticView = {
    id: t.id,
    name: t.name,
    attackUrl: attackHref(t.url, scope.version, ctx.presence.latest),
    techniques: t.techniques.map((id) => {
      const x = ctx.techniques.get(id);
      return { ...techniqueRef(ctx, scope, id), events: x?.events.length ?? 0, isSubtechnique: x?.isSubtechnique ?? false };
    }),
    events: t.events.map((e) => ({ ...eventRef(ctx, scope, e.key), techniques: e.techniques })),
  };
  const top = view.events[0];
  const what = t.techniques.length
    ? `${plural(t.techniques.length, 'Windows technique')}, seen in ${plural(t.events.length, 'event')}${top ? `; ${eventTitle(top)} covers the most (${top.techniques})` : ''}`
    : 'no Windows technique in this version';
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'tactic',
      path: paths.tactic(t.id),
      title: `${t.id} ${t.name}`,
      description: `ATT&CK tactic ${t.id} ${t.name} (v${scope.version}): ${what}.`,
      crumbs: [...homeCrumbs(scope), { label: 'Tactics', url: scope.base + paths.tactics() }],
      entity: { kind: 'tactic', id: t.id },
    }),
    data: view,
    summary: `<p class="lede">${html(t.name)} (${html(t.id)}): ${html(what)}.</p>`,
    file: `${pathSegment(t.id)}.md`,
  };
}
