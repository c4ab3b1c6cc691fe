/** A version's home: which events to collect first. */
import { eventRef, pageMeta, plural, type VersionContext } from './context.ts';
import { html } from './escape.ts';
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
    adds: p.adds,
    covered: p.covered,
    percent: percent(p.covered, counts.techniques),
  }));
  const logs = new Set(ctx.input.events.map((e) => e.log)).size;
  const view: HomeView = { counts, logs, priorities, coverable: order.coverable, rest: ctx.input.events.length - priorities.length };
  const first = priorities.slice(0, 5).map((p) => `${p.log} ${p.eventId}`);
  const lede = priorities.length
    ? `Start with ${first.join(', ')}: these ${plural(first.length, 'event')} alone show ${priorities[first.length - 1]?.covered ?? 0} of the ${counts.techniques} Windows techniques of ATT&CK v${scope.version}. The ${plural(priorities.length, 'event')} below show all ${order.coverable} techniques that any Windows event shows.`
    : `No Windows event shows a technique of ATT&CK v${scope.version}.`;
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
