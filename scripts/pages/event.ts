/** An event (log + ID): what it records, the techniques it helps detect, how to turn it on. */
import type { EventArtifact } from '../artifacts/build.ts';
import { componentLink, homeCrumbs, pageMeta, techniqueRef, type VersionContext } from './context.ts';
import { enableView } from './enable.ts';
import { html, plainText } from './escape.ts';
import { appearances } from './presence.ts';
import { specificity } from './specificity.ts';
import type { EventView, Page, Scope, TechniqueRef } from './types.ts';
import { eventSlug, paths, preferredBase } from './urls.ts';

export function eventTitle(e: { log: string; eventId: string; name: string }): string {
  return `${e.log} ${e.eventId}${e.name ? `: ${e.name.replace(/\.\s*$/, '')}` : ''}`;
}

export function eventPage(ctx: VersionContext, scope: Scope, e: EventArtifact): Page<EventView> {
  const path = paths.event(e.key);
  const byTactic: EventView['byTactic'] = [];
  const untactic: TechniqueRef[] = [];
  const groups = new Map<string, TechniqueRef[]>();
  for (const { id } of e.techniques) {
    const ref = techniqueRef(ctx, scope, id);
    const tactics = ctx.techniques.get(id)?.tactics ?? [];
    if (tactics.length === 0) untactic.push(ref);
    for (const s of tactics) groups.set(s, [...(groups.get(s) ?? []), ref]);
  }
  for (const t of ctx.input.tactics) {
    const refs = groups.get(t.shortname);
    if (refs) byTactic.push({ tactic: { label: t.name, url: scope.base + paths.tactic(t.id) }, techniques: refs });
  }
  if (untactic.length) byTactic.push({ tactic: { label: 'No tactic', url: '' }, techniques: untactic });

  const spec = specificity(e.techniques.length, ctx.input.counts.techniques);
  const view: EventView = {
    key: e.key,
    log: e.log,
    eventId: e.eventId,
    name: e.name,
    description: plainText(e.description),
    channel: e.channel,
    provider: e.provider,
    specificity: spec,
    byTactic,
    components: e.dataComponents.map((n) => componentLink(ctx, scope, n)),
    enable: enableView(e),
    history: appearances(ctx.presence, 'event', e.key).map((a) => ({
      version: a.version,
      url: preferredBase(a.version, ctx.presence.latest, ctx.presence.root) + path,
      techniques: a.n,
      current: a.version === scope.version,
    })).reverse(),
  };
  const title = eventTitle(e);
  const summary = view.description
    ? `<p class="lede">${html(view.description)}</p>`
    : `<p class="lede">Event ${html(e.eventId)} of the ${html(e.channel || e.log)} log${e.name ? `: ${html(e.name)}` : ''}</p>`;
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'event',
      path,
      title,
      description: `Windows event ${title} (${e.channel || e.log}): ${spec.explanation} How to turn it on, ATT&CK v${scope.version}.`,
      crumbs: [...homeCrumbs(scope), { label: 'Events', url: scope.base + paths.events() }],
      entity: { kind: 'event', id: e.key },
    }),
    data: view,
    summary,
    file: `${eventSlug(e.key)}.md`,
  };
}
