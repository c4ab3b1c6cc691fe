/**
 * An event (log + ID): what it records, the techniques it helps detect strongest first (confirmed
 * by public rules, named by ATT&CK, then the related tail folded), how to turn it on.
 */
import type { EventArtifact } from '../artifacts/build.ts';
import type { Grade } from '../mapping/types.ts';
import { plural } from '../lib/plural.ts';
import { componentLink, homeCrumbs, linkKey, pageMeta, tacticLink, techniqueRef, type VersionContext } from './context.ts';
import { enableView } from './enable.ts';
import { html, plainText } from './escape.ts';
import { aboutLinks, countGrades, EVIDENCE_SHORT, GRADE_TITLES, gradeMeaning } from './grades.ts';
import { appearances } from './presence.ts';
import { specificity } from './specificity.ts';
import type { EventTechniqueRow, EventView, GradeCounts, GradeGroup, Page, Scope } from './types.ts';
import { eventSlug, paths, preferredBase } from './urls.ts';

export function eventTitle(e: { log: string; eventId: string; name: string }): string {
  return `${e.log} ${e.eventId}${e.name ? `: ${e.name.replace(/\.\s*$/, '')}` : ''}`;
}

/** "Related to 377 of the 472 Windows techniques: public detection rules use it for 160, …": breadth first, then what is known. */
export function breadthText(label: string, g: GradeCounts, total: number): string {
  const linked = g.confirmed + g.named + g.related;
  if (linked === 0) return `${label} is linked to none of the ${total} Windows techniques of this version.`;
  const parts = [
    g.confirmed > 0 ? `public detection rules use it for ${g.confirmed}` : 'no public detection rule uses it',
    g.named > 0 && `ATT&CK names it for ${g.named} more`,
    g.related > 0 && `${g.related} ${g.related === 1 ? 'is' : 'are'} only related (it records that kind of activity)`,
  ].filter(Boolean);
  return `${label} is related to ${linked} of the ${total} Windows techniques: ${parts.join('; ')}.`;
}

const CAPTIONS: Record<Grade, (n: number, label: string) => string> = {
  confirmed: (n, label) => `${plural(n, 'technique')} for which public detection rules use ${label}, most rules first`,
  named: (n, label) => `${plural(n, 'technique')} for which an ATT&CK analytic names ${label}`,
  related: (n, label) => `${plural(n, 'technique')} related to ${label} only through a data component`,
};

export function eventPage(ctx: VersionContext, scope: Scope, e: EventArtifact): Page<EventView> {
  const path = paths.event(e.key);
  const label = `${e.log} ${e.eventId}`;
  const rows: EventTechniqueRow[] = e.techniques.map((x) => ({
    ...techniqueRef(ctx, scope, x.id),
    grade: x.grade,
    rules: x.rules,
    evidence: (ctx.linkEvidence.get(linkKey(x.id, e.key)) ?? []).map((k) => EVIDENCE_SHORT[k] ?? k),
    tactics: (ctx.techniques.get(x.id)?.tactics ?? []).map((s) => tacticLink(ctx, scope, s).label).join(', '),
  }));
  const group = (g: Grade): GradeGroup<EventTechniqueRow> | null => {
    const of = rows.filter((r) => r.grade === g);
    return of.length ? { grade: g, title: GRADE_TITLES[g], meaning: gradeMeaning(g), count: of.length, caption: CAPTIONS[g](of.length, label), rows: of } : null;
  };
  const grades = countGrades(e.techniques);
  const total = ctx.input.counts.techniques;
  const spec = specificity(e.techniques.length, total);
  const view: EventView = {
    key: e.key,
    log: e.log,
    eventId: e.eventId,
    name: e.name,
    description: plainText(e.description),
    channel: e.channel,
    provider: e.provider,
    specificity: spec,
    grades,
    breadth: breadthText(label, grades, total),
    groups: (['confirmed', 'named'] as const).map(group).filter((x): x is GradeGroup<EventTechniqueRow> => x !== null),
    related: group('related'),
    about: aboutLinks(ctx.presence.root),
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
      description: `Windows event ${title} (${e.channel || e.log}): ${view.breadth} How to turn it on, ATT&CK v${scope.version}.`,
      crumbs: [...homeCrumbs(scope), { label: 'Events', url: scope.base + paths.events() }],
      entity: { kind: 'event', id: e.key },
    }),
    data: view,
    summary,
    file: `${eventSlug(e.key)}.md`,
  };
}
