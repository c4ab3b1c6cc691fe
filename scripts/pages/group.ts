/**
 * Group pages (issue 13): one per group of a version (groups.json), with its aliases, its techniques
 * and the Windows events that see them, strongest first; an index of every group; and the "used by"
 * list of a technique page. Revoked groups get no page (their replacement has one).
 */
import type { Actor } from '../attack/actors.ts';
import { plural } from '../lib/plural.ts';
import { presetPolicy } from '../plan/core.ts';
import { planFromArtifacts } from '../plan/data.ts';
import { pct } from '../plan/format.ts';
import { computePlan } from '../plan/plan.ts';
import { resolveTarget } from '../plan/targets.ts';
import type { Grade } from '../mapping/types.ts';
import { eventRef, homeCrumbs, pageMeta, type VersionContext } from './context.ts';
import { html } from './escape.ts';
import type { EventRef, Page, Scope, VersionInput } from './types.ts';
import { attackHref, paths, pathSegment } from './urls.ts';

export const groupPaths = {
  groups: (): string => 'groups/',
  group: (id: string): string => `groups/${pathSegment(id)}/`,
};

export interface GroupRef {
  id: string;
  name: string;
  url: string;
}

export interface GroupTechniqueRow {
  id: string;
  name: string;
  url: string;
  isSubtechnique: boolean;
  /** Best grade among its mapped events; '' when none. */
  grade: Grade | '';
  /** Its strongest event, when it has one. */
  top: EventRef | undefined;
  events: number;
}

export interface GroupEventRow extends EventRef {
  /** The group's techniques the event is mapped to, per grade. */
  confirmed: number;
  named: number;
  related: number;
  total: number;
}

/** The first steps of the logging plan for a group, as `npm run plan` prints them. */
export interface GroupPlan {
  /** The command that prints the same plan. */
  command: string;
  preset: string;
  total: number;
  visibleBefore: number;
  visibleAfter: number;
  shareAfter: string;
  dark: number;
  steps: Array<{ rank: number; title: string; commands: string[]; confirmed: number; named: number; related: number; visible: number; share: string }>;
}

export interface GroupView {
  id: string;
  name: string;
  aliases: string[];
  attackUrl: string;
  deprecated: boolean;
  /** Its Windows techniques, by ID. */
  techniques: GroupTechniqueRow[];
  /** Its techniques that are not Windows techniques of this version. */
  other: Array<{ id: string; name: string }>;
  /** Events mapped to its techniques: most confirmed, then named, then related, then log and ID. */
  events: GroupEventRow[];
  software: number;
  /** Latest version only: the plan from the Windows default client audit policy, top 5 steps. */
  plan: GroupPlan | undefined;
}

export interface GroupIndexView {
  rows: Array<GroupRef & { aliases: string[]; techniques: number; windows: number }>;
}

const liveGroups = (v: VersionInput): Actor[] => (v.groups?.groups ?? []).filter((g) => g.revokedBy === '');

const usedByCache = new WeakMap<VersionInput, Map<string, Actor[]>>();

/** The live groups that use technique `id` in this version, by name. */
export function usedBy(ctx: VersionContext, scope: Scope, id: string): GroupRef[] {
  let m = usedByCache.get(ctx.input);
  if (!m) {
    m = new Map();
    for (const g of liveGroups(ctx.input)) for (const t of g.techniques) (m.get(t) ?? m.set(t, []).get(t))?.push(g);
    for (const list of m.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : 1));
    usedByCache.set(ctx.input, m);
  }
  return (m.get(id) ?? []).map((g) => ({ id: g.id, name: g.name, url: scope.base + groupPaths.group(g.id) }));
}

export function groupPage(ctx: VersionContext, scope: Scope, g: Actor): Page<GroupView> {
  const techniques: GroupTechniqueRow[] = [];
  const other: GroupView['other'] = [];
  const byEvent = new Map<string, Record<Grade, number>>();
  for (const id of g.techniques) {
    const t = ctx.techniques.get(id);
    if (!t) {
      other.push({ id, name: ctx.input.groups?.otherTechniques.find((o) => o.id === id)?.name ?? id });
      continue;
    }
    const top = t.events[0];
    techniques.push({ id, name: t.name, url: scope.base + paths.technique(id), isSubtechnique: t.isSubtechnique, grade: top?.grade ?? '', top: top ? eventRef(ctx, scope, top.key) : undefined, events: t.events.length });
    for (const e of t.events) {
      const c = byEvent.get(e.key) ?? { confirmed: 0, named: 0, related: 0 };
      c[e.grade]++;
      byEvent.set(e.key, c);
    }
  }
  const events: GroupEventRow[] = [...byEvent]
    .map(([key, c]) => ({ ...eventRef(ctx, scope, key), ...c, total: c.confirmed + c.named + c.related }))
    .sort((a, b) => b.confirmed - a.confirmed || b.named - a.named || b.related - a.related || (a.log < b.log ? -1 : a.log > b.log ? 1 : Number(a.eventId) - Number(b.eventId)));
  const view: GroupView = {
    id: g.id,
    name: g.name,
    aliases: g.aliases,
    attackUrl: attackHref(g.url, scope.version, ctx.presence.latest),
    deprecated: g.deprecated,
    techniques,
    other,
    events,
    software: g.software.length,
    plan: ctx.input.version === ctx.presence.latest ? groupPlan(ctx.input, g) : undefined,
  };
  const top = events[0];
  const what =
    `${plural(g.techniques.length, 'technique')} in ATT&CK v${scope.version}, ${techniques.length} on Windows` +
    (top ? `; ${top.log} ${top.eventId} is mapped to the most of them (${top.total}, ${top.confirmed} confirmed by a detection rule)` : '');
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'group',
      path: groupPaths.group(g.id),
      title: `${g.id} ${g.name}`,
      description: `ATT&CK group ${g.id} ${g.name}${g.aliases.length > 0 ? ` (${g.aliases.slice(0, 4).join(', ')})` : ''}: ${what}.`,
      crumbs: [...homeCrumbs(scope), { label: 'Groups', url: scope.base + groupPaths.groups() }],
      entity: { kind: 'group', id: g.id },
    }),
    data: view,
    summary: `<p class="lede">${html(g.name)} (${html(g.id)}): ${html(what)}. Mapped, not detected.</p>`,
    file: `${pathSegment(g.id)}.md`,
  };
}

export function groupIndexPage(ctx: VersionContext, scope: Scope): Page<GroupIndexView> {
  const groups = liveGroups(ctx.input);
  const rows = groups
    .map((g) => ({ id: g.id, name: g.name, url: scope.base + groupPaths.group(g.id), aliases: g.aliases, techniques: g.techniques.length, windows: g.techniques.filter((t) => ctx.techniques.has(t)).length }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : 1));
  const what = `${plural(rows.length, 'group')} in ATT&CK v${scope.version}, with the Windows events that see their techniques`;
  return {
    meta: pageMeta(ctx, scope, {
      kind: 'group-index',
      path: groupPaths.groups(),
      title: 'Groups',
      description: `${what}.`,
      crumbs: homeCrumbs(scope),
    }),
    data: { rows },
    summary: `<p class="lede">${html(what)}. Names and aliases as ATT&CK gives them.</p>`,
    file: 'index.md',
  };
}

/** The version's live groups, for the site's page list. */
export function groupsOf(v: VersionInput): Actor[] {
  return liveGroups(v);
}

/** Steps shown on a group page, and the preset they start from: the README's done-when command. */
export const GROUP_PLAN_TOP = 5;
export const GROUP_PLAN_PRESET = 'windows-default-client';

const planData = new WeakMap<VersionInput, ReturnType<typeof planFromArtifacts>>();
const plans = new WeakMap<VersionInput, Map<string, GroupPlan | undefined>>();

/**
 * The plan `npm run plan -- --group <id> --preset windows-default-client --top 5` prints, computed by
 * the same core (scripts/plan/), once per version and group (the latest version's pages are written twice).
 */
export function groupPlan(v: VersionInput, g: Actor): GroupPlan | undefined {
  if (!v.groups || g.techniques.length === 0) return undefined;
  const cached = plans.get(v)?.get(g.id);
  if (cached !== undefined || plans.get(v)?.has(g.id)) return cached;
  let data = planData.get(v);
  if (!data) {
    const at = { attackVersion: v.version };
    data = planFromArtifacts({ techniques: { ...at, techniques: v.techniques }, events: { ...at, events: v.events }, tactics: { ...at, tactics: v.tactics }, groups: v.groups });
    planData.set(v, data);
  }
  const r = computePlan(data.version, resolveTarget(data.catalog, { groups: [g.id] }), { top: GROUP_PLAN_TOP, inputs: { presets: [presetPolicy(data.version.details, GROUP_PLAN_PRESET)] } });
  const plan: GroupPlan = {
    command: `npm run plan -- --attack ${v.version} --group ${g.id} --preset ${GROUP_PLAN_PRESET} --top ${GROUP_PLAN_TOP}`,
    preset: GROUP_PLAN_PRESET,
    total: r.before.total,
    visibleBefore: r.before.visible,
    visibleAfter: r.after.visible,
    shareAfter: pct(r.after.total === 0 ? 0 : r.after.visible / r.after.total),
    dark: r.before.total - r.before.mapped,
    steps: r.steps.map((s) => ({ rank: s.rank, title: s.title, commands: s.commands, confirmed: s.gained.confirmed.length, named: s.gained.named.length, related: s.gained.related.length, visible: s.seenAfter, share: pct(s.share) })),
  };
  const m = plans.get(v) ?? new Map<string, GroupPlan | undefined>();
  m.set(g.id, plan);
  plans.set(v, m);
  return plan;
}
