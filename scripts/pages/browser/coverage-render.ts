/// <reference lib="dom" />
/**
 * The coverage page's renderers: each fills one part of the markup of
 * site/_includes/layouts/coverage.njk from a computed PageResult (./coverage-compute.ts) or the
 * page's state. No state of their own, no counting.
 */
import { type Advice, type ConfigCoverageReport, gainText, GRADES, type GradeLists, type NextBestEvent, type PresetName } from '../../coverage/index.ts';
import { pluralGrouped as plural } from '../../lib/plural.ts';
import { eventSlug } from '../urls.ts';
import type { PageResult, RowCounts } from './coverage-compute.ts';
import { ADVICE_KIND_LABELS, adviceCode, adviceGain, adviceHeading, collectedCounts, eventTags, statusText } from './coverage-config.ts';
import { $, el, grouped, pct } from './coverage-dom.ts';

/** Where the renderers write and link to. */
export interface View {
  root: HTMLElement;
  /** Links to events are `eventBase` + the event's slug + `/`; to techniques `techniqueBase` + ID + `/`. */
  eventBase: string;
  techniqueBase: string;
  /** The picker's checkbox of each event. */
  boxes: ReadonlyMap<string, HTMLInputElement>;
  /** The tag holder beside an event of the picker, made the first time the event has a tag (169 empty spans would only slow the first render). */
  tagHolders: Map<string, HTMLElement>;
}

/** Per tactic: the techniques seen at each grade, partial ones, and confirmed + named of mapped (the bar: one segment per grade, then partial). */
export function renderTable(v: View, result: PageResult): void {
  const table = $<HTMLTableElement>(v.root, '#cov-table');
  // Grades below the minimum do not count: their columns go (as the CLI's table drops them).
  table.dataset.minGrade = result.minGrade;
  const width = (n: number, mapped: number): string => (mapped === 0 ? '0' : `${(100 * n) / mapped}%`);
  const fill = (tr: HTMLTableRowElement | null | undefined, c: RowCounts): void => {
    if (!tr) return;
    for (const g of GRADES) {
      $(tr, `.cov-${g}`).textContent = grouped(c[g]);
      $<HTMLElement>(tr, `.bar-${g}`).style.width = width(c[g], c.mapped);
    }
    $(tr, '.cov-partial').textContent = grouped(c.partial);
    $(tr, '.cov-mapped').textContent = grouped(c.mapped);
    $(tr, '.cov-pct').textContent = pct(c.confirmed + c.named, c.mapped);
    $<HTMLElement>(tr, '.bar-partial').style.width = width(c.partial, c.mapped);
    tr.classList.toggle('zero', c.confirmed + c.named + c.related === 0);
    tr.classList.toggle('has-partial', c.partial > 0);
  };
  const rows = new Map(result.table.tactics.map((t) => [t.id, t]));
  for (const tr of table.querySelectorAll<HTMLTableRowElement>('tbody tr')) {
    const c = rows.get(tr.dataset.tactic ?? '');
    if (c) fill(tr, c);
  }
  fill(table.querySelector<HTMLTableRowElement>('tfoot tr'), result.table.totals);
}

export function renderStatus(v: View, result: PageResult): void {
  $(v.root, '#cov-status').textContent = statusText(result.report, result.table.totals.mapped, result.minGrade);
}

/** `+3 confirmed, +1 named (2 new); 384 confirmed or named after, 390 at any grade` */
function nextText(n: NextBestEvent): string {
  return `${gainText(n.gained)} (${n.adds.length} new); ${n.after.confirmed + n.after.named} confirmed or named after, ${n.seenAfter} at any grade`;
}

/** The next-best events, each with an Add button; `keepFocus`: the index of the Add button that had the focus. */
export function renderNext(v: View, next: readonly NextBestEvent[], keepFocus: number | null): void {
  const list = $<HTMLOListElement>(v.root, '#cov-next');
  list.replaceChildren(
    ...next.map((n) => {
      const a = el('a', { text: `${n.log} ${n.eventId}` });
      a.href = `${v.eventBase}${eventSlug(n.key)}/`;
      const button = el('button', { className: 'cov-add', text: 'Add' });
      button.type = 'button';
      button.dataset.key = n.key;
      button.setAttribute('aria-label', `Add ${n.log} ${n.eventId}${n.name ? `, ${n.name}` : ''}`);
      const text = el('span', { className: 'cov-next-text' }, a, el('span', { className: 'cov-next-name', text: n.name ? ` ${n.name}` : '' }), el('br'), el('span', { className: 'cov-next-adds', text: nextText(n) }));
      return el('li', {}, text, button);
    }),
  );
  $<HTMLElement>(v.root, '#cov-next-none').hidden = next.length > 0;
  if (keepFocus !== null) {
    const buttons = list.querySelectorAll<HTMLButtonElement>('button.cov-add');
    (buttons[Math.min(keepFocus, buttons.length - 1)] ?? $<HTMLElement>(v.root, '#cov-next-h')).focus();
  }
}

function techniqueLinks(v: View, ids: readonly string[]): HTMLElement {
  const p = el('p', { className: 'cov-tech-list' });
  ids.forEach((id, i) => {
    if (i > 0) p.append(' ');
    const a = el('a', { text: id });
    a.href = `${v.techniqueBase}${id}/`;
    p.append(a);
  });
  return p;
}

/** Every technique a recommendation gains, confirmed first. */
const gainedIds = (g: GradeLists): string[] => GRADES.flatMap((x) => g[x]);

/**
 * What the coverage and plan pages show of an advice unit alike: its title and kind, the gain line,
 * its command or snippet with a copy button (labelled "Copy … of <of>"), Group Policy path and note.
 */
export function adviceBody(a: Advice, gain: string, copy: { className: string; of: string }): HTMLElement[] {
  const parts: HTMLElement[] = [
    el('p', { className: 'cov-advice-title' }, el('strong', { text: adviceHeading(a) }), ' ', el('span', { className: 'cov-tag cov-tag-kind', text: ADVICE_KIND_LABELS[a.kind] })),
    el('p', { className: 'cov-advice-gain', text: gain }),
  ];
  const code = adviceCode(a);
  if (code !== '') {
    const button = el('button', { className: copy.className, text: 'Copy' });
    button.type = 'button';
    const what = a.kind === 'sysmon-event-type' ? 'the Sysmon snippet' : a.commands.length > 1 ? 'the commands' : 'the command';
    button.setAttribute('aria-label', `Copy ${what} of ${copy.of}`);
    parts.push(el('div', { className: 'cov-cmd' }, el('pre', {}, el('code', { text: code })), button));
  }
  if (a.gpo) parts.push(el('p', { className: 'small muted' }, `Group Policy: ${a.gpo}`));
  if (a.note) parts.push(el('p', { className: 'small' }, `Note: ${a.note}`));
  return parts;
}

function adviceItem(v: View, a: Advice, mapped: number): HTMLLIElement {
  const li = el('li', { className: 'cov-advice-item' });
  li.dataset.id = a.id;
  li.dataset.kind = a.kind;
  li.append(...adviceBody(a, adviceGain(a, mapped), { className: 'cov-copy', of: `recommendation ${a.rank}` }));
  const gained = gainedIds(a.gained);
  if (gained.length > 0) {
    const details = el('details', { className: 'cov-advice-techniques' });
    details.append(el('summary', { text: `${plural(gained.length, 'technique')} it gains: ${gainText(a.gained)}` }));
    // Filled when first opened: with nothing collected the first units gain hundreds of techniques each,
    // thousands of links nobody sees until they open one.
    details.addEventListener('toggle', () => {
      if (!details.open || details.dataset.filled) return;
      details.dataset.filled = 'true';
      for (const g of GRADES) if (a.gained[g].length > 0) details.append(el('p', { className: 'small muted', text: `Now ${g}:` }), techniqueLinks(v, a.gained[g]));
      if (a.upgrades.length > 0) details.append(el('p', { className: 'small muted', text: `Partial → seen: ${a.upgrades.join(', ')}` }));
    });
    li.append(details);
  }
  li.append(el('p', { className: 'small muted cov-advice-events', text: `Through ${a.events.map((e) => `${e.key.replace(/:(\d+)$/, ' $1')} (${e.techniques.length})`).join(', ')}` }));
  return li;
}

/** The ranked advice: what to switch on, its command or snippet with a copy button, and what it adds. */
export function renderAdvice(v: View, advice: readonly Advice[], mapped: number): void {
  $<HTMLOListElement>(v.root, '#cov-advice').replaceChildren(...advice.map((a) => adviceItem(v, a, mapped)));
  $<HTMLElement>(v.root, '#cov-advice-none').hidden = advice.length > 0;
}

function tagNode(t: { kind: string; label: string; partial: boolean; title: string }): HTMLElement {
  const span = el('span', { className: `cov-tag cov-tag-${t.kind}${t.partial ? ' cov-tag-partial' : ''}`, text: t.label });
  span.title = t.title;
  return span;
}

/** The events the inputs collect, with a tag per input; the same tags beside the picker's events. */
export function renderCollected(v: View, r: ConfigCoverageReport | null): void {
  const body = $<HTMLTableSectionElement>(v.root, '#cov-collected-table tbody');
  const events = r?.events ?? [];
  body.replaceChildren(
    ...events.map((e) => {
      const a = el('a', { text: `${e.log} ${e.eventId}` });
      a.href = `${v.eventBase}${eventSlug(e.key)}/`;
      const th = el('th', {}, a);
      th.scope = 'row';
      const name = el('td', { text: e.name || '(no name)' });
      name.dataset.label = 'Name';
      const from = el('td', {}, el('span', { className: 'cov-tags' }, ...eventTags(e).map(tagNode)));
      from.dataset.label = 'From';
      const tr = el('tr', {}, th, name, from);
      tr.dataset.key = e.key;
      if (e.status === 'partial') tr.classList.add('partial');
      return tr;
    }),
  );
  const summary = $(v.root, '#cov-collected-sum');
  if (!r) {
    summary.textContent = 'Events collected: none yet';
  } else {
    const c = collectedCounts(r);
    const parts = (['ticked', 'auditpol', 'preset', 'sysmon'] as const).filter((k) => c.byInput[k] > 0).map((k) => `${c.byInput[k]} ${k}`);
    summary.textContent = `Events collected: ${c.events}${c.partial > 0 ? `, ${c.partial} of them partially` : ''} (${parts.join(', ')})`;
  }
  // Beside each event of the picker: the configuration inputs that collect it (ticks show as the box).
  const byKey = new Map(events.map((e) => [e.key, eventTags(e).filter((t) => t.kind !== 'ticked')]));
  for (const [key, tags] of byKey) {
    const box = v.boxes.get(key);
    if (tags.length === 0 || v.tagHolders.has(key) || !box?.parentElement) continue;
    const holder = el('span', { className: 'cov-tags' });
    box.parentElement.append(holder);
    v.tagHolders.set(key, holder);
  }
  for (const [key, holder] of v.tagHolders) {
    const tags = byKey.get(key) ?? [];
    const sig = tags.map((t) => t.label).join(',');
    if (holder.dataset.sig === sig) continue;
    holder.dataset.sig = sig;
    holder.replaceChildren(...(tags.length > 0 ? [el('span', { className: 'visually-hidden', text: 'collected through ' })] : []), ...tags.map(tagNode));
  }
}

/** "Ticked: Security 4624, Sysmon 1 … and 12 more": the ticks hidden further down the list. */
export function renderTickedList(v: View, keys: readonly string[]): void {
  const MAX = 12;
  const names = keys.slice(0, MAX).map((k) => k.replace(/:(\d+)$/, ' $1'));
  $(v.root, '#cov-ticked-list').textContent = keys.length === 0 ? 'Nothing ticked yet.' : `Ticked: ${names.join(', ')}${keys.length > MAX ? ` … and ${keys.length - MAX} more` : ''}.`;
}

/** "3 of 60 ticked" in each log's legend. */
export function renderCounts(v: View): void {
  for (const fs of v.root.querySelectorAll<HTMLFieldSetElement>('fieldset.cov-log')) {
    const boxes = [...fs.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    $(fs, '.cov-ticked').textContent = `${boxes.filter((b) => b.checked).length} of ${boxes.length} ticked`;
  }
}

export function renderPresetButtons(v: View, preset: PresetName | null): void {
  for (const button of v.root.querySelectorAll<HTMLButtonElement>('button[data-kind="audit"]')) {
    button.setAttribute('aria-pressed', String(button.dataset.preset === preset));
  }
}

/** Shows the events that match every word of `query` (log, ID, name), hides the rest and the logs left empty. */
export function filterEvents(v: View, query: string): void {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  let total = 0;
  for (const fs of v.root.querySelectorAll<HTMLFieldSetElement>('fieldset.cov-log')) {
    let inLog = 0;
    for (const li of fs.querySelectorAll<HTMLLIElement>('li')) {
      const text = (li.dataset.text ?? '').toLowerCase();
      const match = words.every((w) => text.includes(w));
      li.hidden = !match;
      total++;
      if (match) inLog++;
    }
    fs.hidden = inLog === 0;
    shown += inLog;
  }
  $(v.root, '#cov-shown').textContent = words.length === 0 ? `${plural(total, 'event')}.` : `${plural(shown, 'event')} of ${total} match “${query.trim()}”.`;
}
