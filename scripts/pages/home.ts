/** A version's home: which events to collect first, ranked by the techniques public rules confirm with them. */
import { plural } from '../lib/plural.ts';
import { eventRef, pageMeta, type VersionContext } from './context.ts';
import { html } from './escape.ts';
import { aboutLinks } from './grades.ts';
import { collectionOrder } from './priorities.ts';
import { percent } from './specificity.ts';
import type { HomeView, Page, Scope } from './types.ts';
import { paths } from './urls.ts';

export function homePage(ctx: VersionContext, scope: Scope, order = collectionOrder(ctx.input.events)): Page<HomeView> {
  const counts = ctx.input.counts;
  const priorities = order.order.map((p, i) => ({
    ...eventRef(ctx, scope, p.key),
    rank: i + 1,
    techniques: p.techniques,
    gain: p.gain,
    confirmed: p.covered.confirmed,
    covered: p.covered.any,
    percent: percent(p.covered.confirmed, counts.techniques),
  }));
  const logs = new Set(ctx.input.events.map((e) => e.log)).size;
  const view: HomeView = {
    counts,
    logs,
    priorities,
    confirmedTechniques: ctx.input.techniques.filter((t) => t.events.some((e) => e.grade === 'confirmed')).length,
    coverable: order.coverable,
    rest: ctx.input.events.length - order.unnamed - priorities.length,
    unnamed: order.unnamed,
    about: aboutLinks(ctx.presence.root),
  };
  const first = priorities.slice(0, 5);
  const last = first[first.length - 1];
  const names = first.map((p) => `${p.log} ${p.eventId}`);
  const these = names.length === 1 ? 'this event' : `these ${names.length} events`;
  const lede = !last
    ? `No Windows event shows a technique of ATT&CK v${scope.version}.`
    : order.coverable.confirmed > 0
      ? `Start with ${names.join(', ')}: public detection rules use ${these} for ${last.confirmed} of the ${counts.techniques} Windows techniques of ATT&CK v${scope.version}. The ${plural(priorities.length, 'event')} below take every technique to the best grade any event gives it: ${order.coverable.confirmed} confirmed by a rule${order.coverable.named ? `, ${order.coverable.named} more named by ATT&CK` : ''}, ${order.coverable.related} more only related.`
      : `Start with ${names.join(', ')}: ${these} ${names.length === 1 ? 'is' : 'are'} linked to ${last.covered} of the ${counts.techniques} Windows techniques of ATT&CK v${scope.version}. The ${plural(priorities.length, 'event')} below show all ${order.coverable.any} techniques that any Windows event shows.`;
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'home',
      path: paths.home(),
      title: scope.isRoot ? 'Which Windows events should I collect first?' : `ATT&CK v${scope.version}: which Windows events should I collect first?`,
      description: `Windows event logs mapped to MITRE ATT&CK v${scope.version}: ${counts.techniques} techniques, ${counts.events} events. ${lede}`,
      crumbs: [],
    }),
    data: view,
    summary: `<p class="lede">${html(lede)}</p>`,
    file: 'index.md',
  };
}
