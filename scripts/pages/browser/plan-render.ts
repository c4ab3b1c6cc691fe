/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The plan page's DOM output: the list of groups, campaigns and software, what is picked, and the
 * plan itself (headline, the same-plan command, target, steps with their commands or snippets and a
 * copy button, what stays beyond the steps, what no Windows event can show). Texts come from the
 * plan's own formatter (scripts/plan/format.ts) where it has one. The markup is
 * site/_includes/layouts/plan.njk.
 */
import { GRADES } from '../../coverage/index.ts';
import { isHttpUrl } from '../../lib/http-url.ts';
import { pluralGrouped as plural } from '../../lib/plural.ts';
import { countsText, pct, planHeadline } from '../../plan/format.ts';
import { beyondPlan, darkTechniques, type PlanReport, type PlanStep, type PlanTechnique } from '../../plan/plan.ts';
import { adviceHeading } from './coverage-config.ts';
import { adviceBody } from './coverage-render.ts';
import { $, el, grouped } from './coverage-dom.ts';
import { eventSlug } from '../urls.ts';
import type { Option } from './plan-state.ts';

export interface PlanView {
  root: HTMLElement;
  groupBase: string;
  techniqueBase: string;
  eventBase: string;
}

/** Entries the list shows at once; typing narrows it. */
export const MAX_SHOWN = 60;

const KIND_LABEL = { group: 'group', campaign: 'campaign', software: 'software' } as const;

function optionItem(o: Option, checked: boolean): HTMLLIElement {
  const box = el('input');
  box.type = 'checkbox';
  box.id = `plan-opt-${o.id}`;
  box.value = o.id;
  box.dataset.kind = o.kind;
  box.checked = checked;
  box.className = 'plan-opt';
  const label = el('label', {}, el('strong', { text: o.name }), ' ', el('span', { className: 'muted small', text: `${KIND_LABEL[o.kind]} ${o.id} · ${plural(o.techniques, 'technique')}` }));
  label.htmlFor = box.id;
  if (o.aliases.length > 0) label.append(el('span', { className: 'plan-aka small', text: `also ${o.aliases.slice(0, 6).join(', ')}${o.aliases.length > 6 ? ' …' : ''}` }));
  return el('li', {}, box, label);
}

/** The list for the query's matches (picked entries first among them) and the line saying how many. */
export function renderOptions(v: PlanView, matches: readonly Option[], total: number, picked: ReadonlySet<string>, query: string): void {
  const shown = matches.slice(0, MAX_SHOWN);
  $<HTMLUListElement>(v.root, '#plan-options').replaceChildren(...shown.map((o) => optionItem(o, picked.has(o.id))));
  const q = query.trim();
  const line =
    q === ''
      ? `${plural(total, 'entry', 'entries')}${matches.length > shown.length ? ` (the first ${shown.length} shown, groups first): type to narrow the list` : ''}.`
      : matches.length === 0
        ? `Nothing matches “${q}”.`
        : `${plural(matches.length, 'match', 'matches')} for “${q}”${matches.length > shown.length ? `, the first ${shown.length} shown` : ''}.`;
  $<HTMLElement>(v.root, '#plan-shown').textContent = line;
}

/** What is picked, each with a link (group pages; ATT&CK for the others) and a Remove button. */
export function renderPicked(v: PlanView, picked: readonly Option[], layers: readonly string[], techniques: readonly string[]): void {
  const items: HTMLElement[] = picked.map((o) => {
    const link = el('a', { text: `${o.name} (${o.id})` });
    link.href = o.kind === 'group' ? `${v.groupBase}${o.id}/` : `https://attack.mitre.org/${o.kind === 'campaign' ? 'campaigns' : 'software'}/${o.id}/`;
    const remove = el('button', { className: 'plan-remove', text: 'Remove' });
    remove.type = 'button';
    remove.dataset.id = o.id;
    remove.setAttribute('aria-label', `Remove ${o.name}`);
    return el('li', {}, el('span', { className: 'muted small', text: `${KIND_LABEL[o.kind]} ` }), link, ' ', remove);
  });
  for (const l of layers) items.push(el('li', {}, el('span', { className: 'muted small', text: 'layer ' }), l));
  if (techniques.length > 0) items.push(el('li', {}, el('span', { className: 'muted small', text: 'techniques ' }), techniques.join(', ')));
  $<HTMLUListElement>(v.root, '#plan-picked').replaceChildren(...(items.length > 0 ? items : [el('li', { className: 'muted', text: 'Nothing yet: pick from the list, type technique IDs or add a layer.' })]));
}

const techniqueLink = (v: PlanView, t: Pick<PlanTechnique, 'id' | 'name' | 'before'>): Node => {
  if (t.before === 'not-windows') return document.createTextNode(`${t.id} ${t.name}`);
  const a = el('a', { text: `${t.id} ${t.name}` });
  a.href = `${v.techniqueBase}${t.id}/`;
  return a;
};

function techniqueLinks(v: PlanView, r: PlanReport, ids: readonly string[]): HTMLElement {
  const byId = new Map(r.techniques.map((t) => [t.id, t]));
  const p = el('p', { className: 'cov-tech-list' });
  ids.forEach((id, i) => {
    if (i > 0) p.append(', ');
    const t = byId.get(id);
    p.append(t ? techniqueLink(v, t) : id);
  });
  return p;
}

const gainOf = (s: PlanStep): string => GRADES.filter((g) => s.gained[g].length > 0).map((g) => `+${s.gained[g].length} ${g}`).join(', ') || 'no new technique';

function cell(text: string, label: string, className = ''): HTMLTableCellElement {
  const td = el('td', { text, className });
  td.dataset.label = label;
  return td;
}

function stepRow(s: PlanStep): HTMLTableRowElement {
  const th = el('th', { text: String(s.rank) });
  th.scope = 'row';
  const tr = el(
    'tr',
    {},
    th,
    cell(adviceHeading(s), 'Action'),
    cell(`+${s.gained.confirmed.length}`, 'Confirmed', 'num plan-confirmed'),
    cell(`+${s.gained.named.length}`, 'Named', 'num plan-named'),
    cell(`+${s.gained.related.length}`, 'Related', 'num plan-related'),
    cell(String(s.seenAfter), 'Visible after', 'num plan-visible'),
    cell(pct(s.share), 'Share of target', 'num plan-share'),
  );
  tr.dataset.id = s.id;
  return tr;
}

function stepItem(v: PlanView, r: PlanReport, s: PlanStep): HTMLLIElement {
  const li = el('li', { className: 'cov-advice-item' });
  li.id = `plan-step-${s.rank}`;
  li.dataset.id = s.id;
  const gain = `${gainOf(s)}; ${s.seenAfter} of ${r.before.total} target techniques visible after it (${pct(s.share)}; ${pct(s.shareMapped)} of the ${r.before.mapped} a Windows event can show)`;
  li.append(...adviceBody(s, gain, { className: 'plan-copy', of: `step ${s.rank}` }));
  const gained = GRADES.flatMap((g) => s.gained[g]);
  if (gained.length > 0) {
    const details = el('details', { className: 'cov-advice-techniques' });
    details.append(el('summary', { text: `${plural(gained.length, 'target technique')} it makes visible: ${countsText({ confirmed: s.gained.confirmed.length, named: s.gained.named.length, related: s.gained.related.length })}` }));
    for (const g of GRADES) if (s.gained[g].length > 0) details.append(el('p', { className: 'small muted', text: `Now ${g}:` }), techniqueLinks(v, r, s.gained[g]));
    li.append(details);
  }
  const events = el('p', { className: 'small muted cov-advice-events' }, 'Through ');
  s.events.forEach((e, i) => {
    if (i > 0) events.append(', ');
    const a = el('a', { text: e.key.replace(/:(\d+)$/, ' $1') });
    a.href = `${v.eventBase}${eventSlug(e.key)}/`;
    events.append(a, ` (${e.techniques.length})`);
  });
  li.append(events);
  return li;
}

/** The whole plan; `command` is the npm run plan line that prints it. */
export function renderPlan(v: PlanView, r: PlanReport, command: string): void {
  const root = v.root;
  $<HTMLElement>(root, '#plan-headline').textContent = planHeadline(r).replace(/\*\*/g, '');
  $<HTMLElement>(root, '#plan-cli').textContent = command;
  $<HTMLElement>(root, '#plan-sources').replaceChildren(
    ...r.target.sources.map((s) => {
      const li = el('li');
      if (s.kind === 'group') {
        const a = el('a', { text: `${s.name} (${s.id})` });
        a.href = `${v.groupBase}${s.id}/`;
        li.append(`group `, a);
      } else if ((s.kind === 'campaign' || s.kind === 'software') && isHttpUrl(s.url)) {
        const a = el('a', { text: `${s.name} (${s.id})` });
        a.href = s.url;
        li.append(`${s.kind} `, a);
      } else {
        li.append(s.kind === 'layer' ? `layer ${s.id}: ${s.name}` : s.kind === 'techniques' ? 'listed techniques' : `${s.kind} ${s.name}`);
      }
      li.append(`: ${plural(s.techniques, 'technique')}`);
      if (s.aliases.length > 0) li.append(el('span', { className: 'muted small', text: ` (also ${s.aliases.slice(0, 8).join(', ')}${s.aliases.length > 8 ? ' …' : ''})` }));
      return li;
    }),
  );
  const notes = [...r.warnings.map((w) => `Warning: ${w}`), ...r.notes];
  $<HTMLElement>(root, '#plan-notes').replaceChildren(...notes.map((n) => el('li', { text: n })));
  $<HTMLElement>(root, '#plan-notes').hidden = notes.length === 0;
  const inputs = $<HTMLElement>(root, '#plan-inputs');
  inputs.replaceChildren(...r.inputs.map((i) => el('li', {}, ...(i.source.startsWith(i.input) ? [] : [el('strong', { text: `${i.input} ` })]), `${i.source}: ${i.summary}`)));
  inputs.hidden = r.inputs.length === 0;
  $<HTMLElement>(root, '#plan-inputs-h').hidden = r.inputs.length === 0;

  $<HTMLElement>(root, '#plan-steps-h').textContent = `Steps (${r.steps.length})`;
  $<HTMLTableSectionElement>(root, '#plan-steps tbody').replaceChildren(...r.steps.map(stepRow));
  $<HTMLElement>(root, '#plan-steps-wrap').hidden = r.steps.length === 0;
  $<HTMLElement>(root, '#plan-steps-none').hidden = r.steps.length > 0;
  $<HTMLElement>(root, '#plan-steps-none').textContent = r.before.visible === r.before.mapped ? 'Every target technique a Windows event can show is visible already.' : 'No step.';
  $<HTMLElement>(root, '#plan-detail').replaceChildren(...r.steps.map((s) => stepItem(v, r, s)));

  const beyond = beyondPlan(r);
  $<HTMLElement>(root, '#plan-beyond-h').textContent = `Not visible after these steps (${beyond.length})`;
  $<HTMLElement>(root, '#plan-beyond').replaceChildren(
    ...beyond.map((t) => el('li', {}, techniqueLink(v, t), el('span', { className: 'muted small', text: `${t.after === 'partial' ? ' (partial: filtered Sysmon event types)' : ''}: ${t.events.slice(0, 5).map((k) => k.replace(/:(\d+)$/, ' $1')).join(', ')}${t.events.length > 5 ? ' …' : ''}` }))),
  );
  $<HTMLElement>(root, '#plan-beyond-none').hidden = beyond.length > 0;

  const dark = darkTechniques(r);
  $<HTMLElement>(root, '#plan-dark-h').textContent = `No Windows event can show (${dark.length})`;
  $<HTMLTableSectionElement>(root, '#plan-dark tbody').replaceChildren(
    ...dark.map((t) => {
      const th = el('th', {}, techniqueLink(v, t));
      th.scope = 'row';
      return el('tr', {}, th, cell(t.reason, 'Why'), cell(t.dataComponents.length > 0 ? t.dataComponents.join('; ') : '–', 'Data components'));
    }),
  );
  $<HTMLElement>(root, '#plan-dark-wrap').hidden = dark.length === 0;
  $<HTMLElement>(root, '#plan-dark-none').hidden = dark.length > 0;
  const out = $<HTMLElement>(root, '#plan-out');
  out.dataset.total = String(r.before.total);
  out.dataset.visibleAfter = String(r.after.visible);
  out.hidden = false;
}

/** The line above the plan: what it is for, or why there is none. */
export function renderStatus(v: PlanView, text: string): void {
  $<HTMLElement>(v.root, '#plan-status').textContent = text;
}

export const countsLine = (r: PlanReport): string =>
  `Plan for ${r.target.label}: ${plural(r.before.total, 'target technique')}; after ${plural(r.steps.length, 'step')} ${grouped(r.after.visible)} visible (${r.after.total === 0 ? '–' : pct(r.after.visible / r.after.total)}).`;
