/**
 * A technique or sub-technique: the Windows events that show it, strongest first, grouped by grade
 * (confirmed by public rules, named by ATT&CK, then the related ones folded), with the rules and
 * analytics behind each link and what ATT&CK says to tune.
 */
import type { TechniqueArtifact } from '../artifacts/build.ts';
import type { Grade } from '../mapping/types.ts';
import { plural } from '../lib/plural.ts';
import { componentLink, homeCrumbs, pageMeta, tacticLink, techniqueRef, type VersionContext } from './context.ts';
import { shortEnable } from './enable.ts';
import { html } from './escape.ts';
import { evidenceView } from './evidence.ts';
import { usedBy } from './group.ts';
import { aboutLinks, analyticLink, analyticView, countGrades, GRADE_TITLES, gradeMeaning, RULE_KINDS, RULE_SOURCES, ruleLink } from './grades.ts';
import { appearances } from './presence.ts';
import type { AnalyticView, GradeGroup, Page, Scope, TechniqueEventRow, TechniqueView } from './types.ts';
import { attackHref, paths, pathSegment, preferredBase } from './urls.ts';

/** Rules shown on a row before "N more". */
const RULES_SHOWN = 3;

const CAPTIONS: Record<Grade, (n: number, id: string) => string> = {
  confirmed: (n, id) => `${plural(n, 'event')} that public detection rules use for ${id}, most rules first`,
  named: (n, id) => `${plural(n, 'event')} that an ATT&CK analytic names for ${id}`,
  related: (n, id) => `${plural(n, 'event')} related to ${id} only through a data component`,
};

export function techniquePage(ctx: VersionContext, scope: Scope, t: TechniqueArtifact): Page<TechniqueView> {
  const path = paths.technique(t.id);
  const latest = ctx.presence.latest;
  const componentsOf = new Map<string, string[]>();
  for (const c of t.dataComponents) {
    const name = c.dataComponent || c.dataSource;
    for (const key of c.events) componentsOf.set(key, [...(componentsOf.get(key) ?? []), name]);
  }
  const analytics = new Map((t.analytics ?? []).map((a) => [a.ref, a]));
  const sources = new Set<string>();
  const rows: TechniqueEventRow[] = t.events.map((e) => {
    const rules = e.evidence.filter((x) => RULE_KINDS.has(x.kind)).map((x) => {
      sources.add(x.kind);
      return ruleLink(ctx.rules, x.kind, x.ref, x.detail);
    });
    return {
      key: e.key,
      log: e.log,
      eventId: e.eventId,
      name: e.name,
      url: scope.base + paths.event(e.key),
      grade: e.grade,
      rules: e.rules,
      ruleLinks: rules.slice(0, RULES_SHOWN),
      moreRules: rules.slice(RULES_SHOWN),
      analytics: e.evidence.filter((x) => x.kind === 'attack-analytic').map((x) => analyticLink(analytics.get(x.ref), x.ref, x.detail, scope.version, latest)),
      components: [...new Set(componentsOf.get(e.key) ?? [])].map((n) => componentLink(ctx, scope, n)),
      evidence: e.evidence.filter((x) => !RULE_KINDS.has(x.kind) && x.kind !== 'attack-analytic').map(evidenceView),
      enable: shortEnable(ctx.events.get(e.key)),
    };
  });
  const group = (g: Grade): GradeGroup<TechniqueEventRow> | null => {
    const of = rows.filter((r) => r.grade === g);
    return of.length ? { grade: g, title: GRADE_TITLES[g], meaning: gradeMeaning(g), count: of.length, caption: CAPTIONS[g](of.length, t.id), rows: of } : null;
  };
  const groups = (['confirmed', 'named'] as const).map(group).filter((x): x is GradeGroup<TechniqueEventRow> => x !== null);
  const grades = countGrades(t.events);
  const analyticViews: AnalyticView[] = [...analytics.values()].map((a) =>
    analyticView(
      a,
      scope.version,
      latest,
      rows.flatMap((r) => r.analytics.filter((x) => x.ref === a.ref).map((x) => ({ label: `${r.log} ${r.eventId}`, url: r.url, channel: x.channel, grade: r.grade }))),
    ),
  );

  const parent = t.parent ? techniqueRef(ctx, scope, t.parent) : null;
  const tactics = t.tactics.map((s) => tacticLink(ctx, scope, s));
  const view: TechniqueView = {
    id: t.id,
    name: t.name,
    attackUrl: attackHref(t.url, scope.version, latest),
    usedBy: usedBy(ctx, scope, t.id),
    isSubtechnique: t.isSubtechnique,
    parent,
    subtechniques: t.subtechniques.map((id) => ({ ...techniqueRef(ctx, scope, id), events: ctx.techniques.get(id)?.events.length ?? 0 })),
    tactics,
    platforms: t.platforms,
    eventCount: t.events.length,
    grades,
    groups,
    related: group('related'),
    analytics: analyticViews,
    ruleSources: ['splunk-escu', 'mitre-car'].filter((s) => sources.has(s)).map((s) => ({ label: RULE_SOURCES[s]?.label ?? s, url: RULE_SOURCES[s]?.home ?? '' })),
    about: aboutLinks(ctx.presence.root),
    withoutEvents: t.dataComponents.filter((c) => c.events.length === 0).map((c) => componentLink(ctx, scope, c.dataComponent || c.dataSource)),
    history: appearances(ctx.presence, 'technique', t.id).map((a) => ({
      version: a.version,
      url: preferredBase(a.version, ctx.presence.latest, ctx.presence.root) + path,
      events: a.n,
      current: a.version === scope.version,
    })).reverse(),
  };

  const first = t.events[0];
  const counted = [
    grades.confirmed && `${grades.confirmed} confirmed by public detection rules`,
    grades.named && `${grades.named} named by ATT&CK`,
    grades.related && `${grades.related} only related`,
  ].filter(Boolean);
  const what = t.events.length
    ? `${plural(t.events.length, 'Windows event')} show it: ${counted.join(', ')}`
    : 'no Windows event is linked to it in this version';
  const strongest = first && first.grade !== 'related' ? `; the strongest is ${first.log} ${first.eventId}${first.rules ? ` (${plural(first.rules, 'rule')})` : ` (${first.grade})`}` : '';
  const tacticNames = tactics.map((x) => x.label).join(', ');
  const shown = t.events.length ? `${plural(t.events.length, 'Windows event')} show it${strongest}` : what;
  const kind = `${tacticNames ? `${/^[AEIOU]/.test(tacticNames) ? 'an' : 'a'} ${html(tacticNames)} ` : 'a '}${parent ? 'sub-technique' : 'technique'}`;
  const summary = `<p class="lede">${html(t.name)} is ${kind}${parent ? ` of ${html(parent.id)} ${html(parent.name)}` : ''}: ${html(shown)}.</p>`;
  const crumbs = [...homeCrumbs(scope), { label: 'Techniques', url: scope.base + paths.techniques() }];
  if (parent) crumbs.push({ label: parent.id, url: parent.url });
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'technique',
      path,
      title: `${t.id} ${t.name}`,
      description: `Windows events that show ATT&CK technique ${t.id} ${t.name} (ATT&CK v${scope.version}): ${what}${strongest}.`,
      crumbs,
      entity: { kind: 'technique', id: t.id },
    }),
    data: view,
    summary,
    file: `${pathSegment(t.id)}.md`,
  };
}
