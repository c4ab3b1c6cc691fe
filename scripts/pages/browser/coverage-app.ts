/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The coverage page's script (bundled with the coverage core into /assets/coverage.js by the pages
 * CLI; see scripts/pages/bundle.ts). It reads the version's published techniques.json, events.json
 * and tactics.json; reads a pasted or chosen auditpol CSV and Sysmon XML with the CLI's parsers
 * (./coverage-config.ts); and on every change recomputes the coverage as `npm run coverage` does
 * (`computeConfigCoverage` over the ticks, the audit preset and the two files): the per-tactic
 * table with the techniques seen per grade (confirmed, named, related) and its partial column, the
 * totals (confirmed + named first; also announced in a live region), the events
 * collected and the inputs behind each, the ranked advice, the next-best events, the
 * `#events=…&preset=…` address, and the layer and CSV downloads (made here, as Blobs). The markup it
 * works on is site/_includes/layouts/coverage.njk.
 */
import {
  type Advice,
  type AuditPolicy,
  buildAdviceDiffLayer,
  buildConfigLayer,
  configAdvice,
  type ConfigCoverageReport,
  type ConfigEvent,
  configEventsFromJson,
  DEFAULT_TOP,
  eventCatalog,
  formatConfigReport,
  gainText,
  GRADES,
  type Grade,
  type GradeLists,
  type NavigatorLayer,
  nextBestEvents,
  type NextBestEvent,
  type PresetName,
  presetSettings,
  type SysmonConfig,
  validateLayer,
  type VersionData,
  versionDataFromJson,
} from '../../coverage/index.ts';
import { eventSlug } from '../urls.ts';
import {
  ADVICE_KIND_LABELS,
  adviceCode,
  adviceGain,
  adviceHeading,
  type ConfigKind,
  collectedCounts,
  decodeFileBytes,
  downloadNames,
  eventTags,
  fileTooBig,
  type PageInputs,
  pageReport,
  readAuditpol,
  type ReadResult,
  readSysmon,
  statusText,
} from './coverage-config.ts';
import { decodeHash, encodeHash, isAuditPreset, PRESET_IDS, presetEvents, presetKeys, type TickPresetId } from './coverage-state.ts';

const $ = <T extends Element>(root: ParentNode, selector: string): T => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`coverage page: no ${selector}`);
  return el;
};

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);
const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json() as Promise<unknown>;
}

/** Saves `text` as a file through a temporary link to a Blob URL. */
function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One configuration input: a textarea, a file picker for the same text, a Clear button and a message region. */
interface ConfigField<T> {
  kind: ConfigKind;
  text: HTMLTextAreaElement;
  file: HTMLInputElement;
  clear: HTMLButtonElement;
  msg: HTMLElement;
  /**
   * The file last chosen: while the textarea still shows it unchanged (`shown`: the textarea turns
   * CRLF into LF), its exact text is read, under its name, as the CLI reads the file.
   */
  fromFile: { name: string; text: string; shown: string } | null;
  read: ReadResult<T> | null;
  reader: (text: string, source: string) => ReadResult<T> | null;
  pasted: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Page {
  root: HTMLElement;
  boxes: Map<string, HTMLInputElement>;
  /** The tag holder of each event row of the picker. */
  tagHolders: Map<string, HTMLElement>;
  data: VersionData;
  details: ConfigEvent[];
  catalog: ReturnType<typeof eventCatalog>;
  presets: Map<TickPresetId, string[]>;
  preset: PresetName | null;
  auditpol: ConfigField<AuditPolicy>;
  sysmon: ConfigField<SysmonConfig>;
  /** The report of the current inputs (null when there is none), for the downloads. */
  report: ConfigCoverageReport | null;
  mapped: number;
  version: string;
  eventBase: string;
  techniqueBase: string;
}

/** The ticked events, by log then ID (the order of the page). */
function ticked(page: Page): string[] {
  return [...page.boxes].filter(([, box]) => box.checked).map(([key]) => key);
}

function setTicks(page: Page, keys: readonly string[]): void {
  const want = new Set(keys);
  for (const [key, box] of page.boxes) box.checked = want.has(key);
}

function inputs(page: Page): PageInputs {
  const value = <T>(f: ConfigField<T>): T | null => (f.read?.ok ? f.read.value : null);
  return { ticked: ticked(page), preset: page.preset, auditpol: value(page.auditpol), sysmon: value(page.sysmon) };
}

interface RowCounts {
  confirmed: number;
  named: number;
  related: number;
  partial: number;
  mapped: number;
}

/** Per tactic: the techniques seen at each grade, partial ones, and confirmed + named of mapped (the bar: one segment per grade, then partial). */
function renderTable(page: Page, r: ConfigCoverageReport | null): void {
  const rows = new Map([...page.root.querySelectorAll<HTMLTableRowElement>('#cov-table tbody tr')].map((tr) => [tr.dataset.tactic ?? '', tr]));
  const width = (n: number, mapped: number): string => (mapped === 0 ? '0' : `${(100 * n) / mapped}%`);
  const fill = (tr: HTMLTableRowElement | null | undefined, c: RowCounts): void => {
    if (!tr) return;
    for (const g of GRADES) {
      $(tr, `.cov-${g}`).textContent = c[g].toLocaleString('en-US');
      $<HTMLElement>(tr, `.bar-${g}`).style.width = width(c[g], c.mapped);
    }
    $(tr, '.cov-partial').textContent = c.partial.toLocaleString('en-US');
    $(tr, '.cov-pct').textContent = pct(c.confirmed + c.named, c.mapped);
    $<HTMLElement>(tr, '.bar-partial').style.width = width(c.partial, c.mapped);
    tr.classList.toggle('zero', c.confirmed + c.named + c.related === 0);
    tr.classList.toggle('has-partial', c.partial > 0);
  };
  const zero = { confirmed: 0, named: 0, related: 0, partial: 0 };
  for (const [id, tr] of rows) {
    const t = r?.tactics.find((x) => x.id === id);
    fill(tr, t ?? { ...zero, mapped: Number($(tr, '.cov-mapped').textContent) });
  }
  const foot = page.root.querySelector<HTMLTableRowElement>('#cov-table tfoot tr');
  fill(foot, r?.totals ?? { ...zero, mapped: page.mapped });
}

/** `+3 confirmed, +1 named (2 new); 384 confirmed or named after, 390 at any grade` */
function nextText(n: NextBestEvent): string {
  return `${gainText(n.gained)} (${n.adds.length} new); ${n.after.confirmed + n.after.named} confirmed or named after, ${n.seenAfter} at any grade`;
}

function renderNext(page: Page, next: NextBestEvent[], keepFocus: number | null): void {
  const list = $<HTMLOListElement>(page.root, '#cov-next');
  const none = $<HTMLElement>(page.root, '#cov-next-none');
  list.replaceChildren(
    ...next.map((n) => {
      const a = el('a', { text: `${n.log} ${n.eventId}` });
      a.href = `${page.eventBase}${eventSlug(n.key)}/`;
      const button = el('button', { className: 'cov-add', text: 'Add' });
      button.type = 'button';
      button.dataset.key = n.key;
      button.setAttribute('aria-label', `Add ${n.log} ${n.eventId}${n.name ? `, ${n.name}` : ''}`);
      const text = el(
        'span',
        { className: 'cov-next-text' },
        a,
        el('span', { className: 'cov-next-name', text: n.name ? ` ${n.name}` : '' }),
        el('br'),
        el('span', { className: 'cov-next-adds', text: nextText(n) }),
      );
      return el('li', {}, text, button);
    }),
  );
  none.hidden = next.length > 0;
  if (keepFocus !== null) {
    const buttons = list.querySelectorAll<HTMLButtonElement>('button.cov-add');
    (buttons[Math.min(keepFocus, buttons.length - 1)] ?? $<HTMLElement>(page.root, '#cov-next-h')).focus();
  }
}

function techniqueLinks(page: Page, ids: readonly string[]): HTMLElement {
  const p = el('p', { className: 'cov-tech-list' });
  ids.forEach((id, i) => {
    if (i > 0) p.append(' ');
    const a = el('a', { text: id });
    a.href = `${page.techniqueBase}${id}/`;
    p.append(a);
  });
  return p;
}

/** The ranked advice: what to switch on, its command or snippet with a copy button, and what it adds. */
function renderAdvice(page: Page, advice: readonly Advice[]): void {
  const list = $<HTMLOListElement>(page.root, '#cov-advice');
  list.replaceChildren(
    ...advice.map((a) => {
      const li = el('li', { className: 'cov-advice-item' });
      li.dataset.id = a.id;
      li.dataset.kind = a.kind;
      li.append(
        el('p', { className: 'cov-advice-title' }, el('strong', { text: adviceHeading(a) }), ' ', el('span', { className: 'cov-tag cov-tag-kind', text: ADVICE_KIND_LABELS[a.kind] })),
        el('p', { className: 'cov-advice-gain', text: adviceGain(a, page.mapped) }),
      );
      const code = adviceCode(a);
      if (code !== '') {
        const button = el('button', { className: 'cov-copy', text: 'Copy' });
        button.type = 'button';
        const what = a.kind === 'sysmon-event-type' ? 'the Sysmon snippet' : a.commands.length > 1 ? 'the commands' : 'the command';
        button.setAttribute('aria-label', `Copy ${what} of recommendation ${a.rank}`);
        li.append(el('div', { className: 'cov-cmd' }, el('pre', {}, el('code', { text: code })), button));
      }
      if (a.gpo) li.append(el('p', { className: 'small muted' }, `Group Policy: ${a.gpo}`));
      if (a.note) li.append(el('p', { className: 'small' }, `Note: ${a.note}`));
      const gained = gainedIds(a.gained);
      if (gained.length > 0) {
        const details = el('details', { className: 'cov-advice-techniques' });
        details.append(el('summary', { text: `${plural(gained.length, 'technique')} it gains: ${gainText(a.gained)}` }));
        for (const g of GRADES) if (a.gained[g].length > 0) details.append(el('p', { className: 'small muted', text: `Now ${g}:` }), techniqueLinks(page, a.gained[g]));
        if (a.upgrades.length > 0) details.append(el('p', { className: 'small muted', text: `Partial → seen: ${a.upgrades.join(', ')}` }));
        li.append(details);
      }
      li.append(el('p', { className: 'small muted cov-advice-events', text: `Through ${a.events.map((e) => `${e.key.replace(/:(\d+)$/, ' $1')} (${e.techniques.length})`).join(', ')}` }));
      return li;
    }),
  );
  $<HTMLElement>(page.root, '#cov-advice-none').hidden = advice.length > 0;
}

/** Every technique a recommendation gains, confirmed first. */
const gainedIds = (g: GradeLists): string[] => GRADES.flatMap((x) => g[x]);

function tagNode(t: { kind: string; label: string; partial: boolean; title: string }): HTMLElement {
  const span = el('span', { className: `cov-tag cov-tag-${t.kind}${t.partial ? ' cov-tag-partial' : ''}`, text: t.label });
  span.title = t.title;
  return span;
}

/** The events the inputs collect, with a tag per input; the same tags beside the picker's events. */
function renderCollected(page: Page, r: ConfigCoverageReport | null): void {
  const body = $<HTMLTableSectionElement>(page.root, '#cov-collected-table tbody');
  const events = r?.events ?? [];
  body.replaceChildren(
    ...events.map((e) => {
      const a = el('a', { text: `${e.log} ${e.eventId}` });
      a.href = `${page.eventBase}${eventSlug(e.key)}/`;
      const name = el('td', { text: e.name || '(no name)' });
      name.dataset.label = 'Name';
      const from = el('td', {}, el('span', { className: 'cov-tags' }, ...eventTags(e).map(tagNode)));
      from.dataset.label = 'From';
      const tr = el('tr', {}, el('th', {}, a), name, from);
      tr.dataset.key = e.key;
      if (e.status === 'partial') tr.classList.add('partial');
      return tr;
    }),
  );
  for (const th of body.querySelectorAll('th')) th.setAttribute('scope', 'row');
  const summary = $(page.root, '#cov-collected-sum');
  if (!r) {
    summary.textContent = 'Events collected: none yet';
  } else {
    const c = collectedCounts(r);
    const parts = (['ticked', 'auditpol', 'preset', 'sysmon'] as const).filter((k) => c.byInput[k] > 0).map((k) => `${c.byInput[k]} ${k}`);
    summary.textContent = `Events collected: ${c.events}${c.partial > 0 ? `, ${c.partial} of them partially` : ''} (${parts.join(', ')})`;
  }
  // Beside each event of the picker: the configuration inputs that collect it (ticks show as the box).
  const byKey = new Map(events.map((e) => [e.key, eventTags(e).filter((t) => t.kind !== 'ticked')]));
  for (const [key, holder] of page.tagHolders) {
    const tags = byKey.get(key) ?? [];
    const sig = tags.map((t) => t.label).join(',');
    if (holder.dataset.sig === sig) continue;
    holder.dataset.sig = sig;
    holder.replaceChildren(...(tags.length > 0 ? [el('span', { className: 'visually-hidden', text: 'collected through ' })] : []), ...tags.map(tagNode));
  }
}

/** "Ticked: Security 4624, Sysmon 1 … and 12 more": the ticks hidden further down the list. */
function renderTickedList(page: Page, keys: readonly string[]): void {
  const MAX = 12;
  const names = keys.slice(0, MAX).map((k) => k.replace(/:(\d+)$/, ' $1'));
  $(page.root, '#cov-ticked-list').textContent =
    keys.length === 0 ? 'Nothing ticked yet.' : `Ticked: ${names.join(', ')}${keys.length > MAX ? ` … and ${keys.length - MAX} more` : ''}.`;
}

function renderCounts(page: Page): void {
  for (const fs of page.root.querySelectorAll<HTMLFieldSetElement>('fieldset.cov-log')) {
    const boxes = [...fs.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    $(fs, '.cov-ticked').textContent = `${boxes.filter((b) => b.checked).length} of ${boxes.length} ticked`;
  }
}

function renderPresetButtons(page: Page): void {
  for (const button of page.root.querySelectorAll<HTMLButtonElement>('button[data-kind="audit"]')) {
    button.setAttribute('aria-pressed', String(button.dataset.preset === page.preset));
  }
}

function update(page: Page, o: { keepFocus?: number | null; writeHash?: boolean } = {}): void {
  const p = inputs(page);
  const r = pageReport(page.data, page.details, p, DEFAULT_TOP);
  page.report = r;
  renderTable(page, r);
  renderAdvice(page, r ? r.advice : configAdvice(page.data, page.details, [], DEFAULT_TOP));
  const full = new Set((r?.events ?? []).filter((e) => e.status === 'full').map((e) => e.key));
  const seen = new Map<string, Grade>((r?.seen ?? []).map((t) => [t.id, t.grade]));
  renderNext(page, nextBestEvents(page.data, full, seen, DEFAULT_TOP), o.keepFocus ?? null);
  renderCollected(page, r);
  renderCounts(page);
  renderTickedList(page, p.ticked);
  renderPresetButtons(page);
  $(page.root, '#cov-status').textContent = statusText(r, page.mapped);
  $<HTMLButtonElement>(page.root, '#cov-layer').disabled = r === null;
  $<HTMLButtonElement>(page.root, '#cov-csv').disabled = r === null;
  $<HTMLButtonElement>(page.root, '#cov-layer-diff').disabled = r === null || r.advice.length === 0;
  $(page.root, '#cov-download-note').textContent = r === null ? 'Tick an event, add your configuration or pick a preset to download.' : '';
  if (o.writeHash !== false) {
    const hash = encodeHash(p.ticked, page.preset);
    if (hash !== window.location.hash && !(hash === '' && window.location.hash === '')) {
      history.replaceState(null, '', hash === '' ? window.location.pathname + window.location.search : hash);
    }
  }
}

function applyHash(page: Page): void {
  const decoded = decodeHash(window.location.hash, page.catalog);
  const note = $<HTMLElement>(page.root, '#cov-problems');
  if (!decoded) {
    note.hidden = true;
    return;
  }
  setTicks(page, decoded.keys);
  page.preset = decoded.preset;
  note.hidden = decoded.problems.length === 0;
  note.textContent = decoded.problems.length === 0 ? '' : `Not taken from the address: ${decoded.problems.join('; ')}.`;
}

function filter(page: Page, query: string): void {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const fs of page.root.querySelectorAll<HTMLFieldSetElement>('fieldset.cov-log')) {
    let inLog = 0;
    for (const li of fs.querySelectorAll<HTMLLIElement>('li')) {
      const text = (li.dataset.text ?? '').toLowerCase();
      const match = words.every((w) => text.includes(w));
      li.hidden = !match;
      if (match) inLog++;
    }
    fs.hidden = inLog === 0;
    shown += inLog;
  }
  const total = page.boxes.size;
  $(page.root, '#cov-shown').textContent = words.length === 0 ? `${plural(total, 'event')}.` : `${plural(shown, 'event')} of ${total} match “${query.trim()}”.`;
}

/** What was read from an input (or why not), next to it, in its live region. */
function renderFieldMessage<T>(field: ConfigField<T>, source: string): void {
  const r = field.read;
  field.text.toggleAttribute('aria-invalid', r !== null && !r.ok);
  if (r === null) {
    field.msg.replaceChildren();
    field.msg.className = 'cov-msg';
    return;
  }
  if (!r.ok) {
    field.msg.className = 'cov-msg cov-msg-error';
    field.msg.replaceChildren(el('p', {}, el('strong', { text: 'Not read. ' }), r.headline), ...(r.detail ? [el('p', { className: 'small cov-detail', text: r.detail })] : []));
    return;
  }
  field.msg.className = `cov-msg cov-msg-ok${r.warnings.length > 0 ? ' cov-msg-warn' : ''}`;
  const parts: HTMLElement[] = [el('p', {}, el('strong', { text: `${source}: ` }), r.summary)];
  const MAX = 8;
  const list = (items: readonly string[], className: string): HTMLElement =>
    el('ul', { className }, ...items.slice(0, MAX).map((w) => el('li', { text: w })), ...(items.length > MAX ? [el('li', { text: `… and ${items.length - MAX} more` })] : []));
  if (r.warnings.length > 0) parts.push(el('p', { className: 'cov-warn-h', text: `${plural(r.warnings.length, 'warning')}:` }), list(r.warnings, 'cov-warnings small'));
  if (r.notes.length > 0) parts.push(list(r.notes, 'cov-notes small muted'));
  field.msg.replaceChildren(...parts);
}

function readField<T>(page: Page, field: ConfigField<T>): void {
  clearTimeout(field.timer);
  field.timer = undefined;
  const file = field.fromFile && field.fromFile.shown === field.text.value ? field.fromFile : null;
  const source = file ? file.name : field.pasted;
  field.read = field.reader(file ? file.text : field.text.value, source);
  renderFieldMessage(field, source);
  update(page);
}

function setupField<T>(page: Page, field: ConfigField<T>): void {
  field.text.addEventListener('input', () => {
    clearTimeout(field.timer);
    field.timer = setTimeout(() => readField(page, field), 250);
  });
  field.file.addEventListener('change', () => {
    const f = field.file.files?.[0];
    if (!f) return;
    const big = fileTooBig(f.name, f.size);
    if (big) {
      field.read = { ok: false, headline: big, detail: '' };
      renderFieldMessage(field, f.name);
      update(page);
      return;
    }
    void f.arrayBuffer().then(
      (buf) => {
        const text = decodeFileBytes(new Uint8Array(buf));
        field.text.value = text;
        field.fromFile = { name: f.name, text, shown: field.text.value };
        readField(page, field);
      },
      (e: unknown) => {
        field.read = { ok: false, headline: `${f.name} could not be read by the browser.`, detail: e instanceof Error ? e.message : String(e) };
        renderFieldMessage(field, f.name);
        update(page);
      },
    );
  });
  field.clear.addEventListener('click', () => {
    field.text.value = '';
    field.file.value = '';
    field.fromFile = null;
    readField(page, field);
    field.text.focus();
  });
}

function makeField<T>(root: HTMLElement, kind: ConfigKind, reader: ConfigField<T>['reader'], pasted: string): ConfigField<T> {
  return {
    kind,
    text: $<HTMLTextAreaElement>(root, `#cov-${kind}-text`),
    file: $<HTMLInputElement>(root, `#cov-${kind}-file`),
    clear: $<HTMLButtonElement>(root, `#cov-${kind}-clear`),
    msg: $<HTMLElement>(root, `#cov-${kind}-msg`),
    fromFile: null,
    read: null,
    reader,
    pasted,
    timer: undefined,
  };
}

async function copyText(text: string, code: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or an old browser): select the text so Ctrl+C copies it.
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    return false;
  }
}

function downloadLayer(page: Page, layer: NavigatorLayer, name: string): void {
  const problems = validateLayer(layer);
  if (problems.length > 0) {
    $(page.root, '#cov-download-note').textContent = `The layer is not valid, not downloaded: ${problems.join('; ')}`;
    return;
  }
  download(`${JSON.stringify(layer, null, 2)}\n`, name, 'application/json');
}

async function start(): Promise<void> {
  const root = document.getElementById('coverage');
  const loading = document.getElementById('cov-loading');
  if (!root) return;
  if (loading) loading.hidden = false;
  const d = root.dataset;
  try {
    const [techniques, events, tactics] = await Promise.all([fetchJson(d.techniques ?? ''), fetchJson(d.events ?? ''), fetchJson(d.tactics ?? '')]);
    const data = versionDataFromJson({ techniques, events, tactics });
    const details = configEventsFromJson(events);
    const boxes = new Map([...root.querySelectorAll<HTMLInputElement>('input.cov-event')].map((b) => [b.value, b]));
    const known = new Set(data.events.map((e) => e.key));
    for (const [key, box] of boxes) if (!known.has(key)) box.disabled = true;
    const tagHolders = new Map<string, HTMLElement>();
    for (const [key, box] of boxes) {
      const holder = el('span', { className: 'cov-tags' });
      box.parentElement?.append(holder);
      tagHolders.set(key, holder);
    }
    const raw = presetEvents(events);
    const eventKeys = new Set(data.events.map((e) => e.key));
    const page: Page = {
      root,
      boxes,
      tagHolders,
      data,
      details,
      catalog: eventCatalog(data),
      presets: new Map(
        PRESET_IDS.filter((id): id is TickPresetId => !isAuditPreset(id)).map((id) => [id, presetKeys(raw, id).filter((k) => boxes.has(k))]),
      ),
      preset: null,
      auditpol: makeField(root, 'auditpol', readAuditpol, 'pasted auditpol output'),
      sysmon: makeField(root, 'sysmon', readSysmon, 'pasted Sysmon configuration'),
      report: null,
      mapped: data.techniques.filter((t) => t.events.some((e) => eventKeys.has(e.key))).length,
      version: data.attackVersion,
      eventBase: d.eventBase ?? '',
      techniqueBase: d.techniqueBase ?? '',
    };
    setupField(page, page.auditpol);
    setupField(page, page.sysmon);

    for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-preset]')) {
      const id = PRESET_IDS.find((p) => p === button.dataset.preset);
      if (!id) continue;
      const count = button.querySelector('.cov-n');
      if (isAuditPreset(id)) {
        const on = presetSettings(details, id).filter((s) => s.success || s.failure).length;
        if (count) count.textContent = plural(on, 'subcategory', 'subcategories') + ' audited';
        button.addEventListener('click', () => {
          // A toggle: pressed again, it removes the preset and leaves the ticks.
          if (page.preset === id) {
            page.preset = null;
          } else {
            page.preset = id;
            setTicks(page, []);
          }
          update(page);
        });
        continue;
      }
      const keys = page.presets.get(id) ?? [];
      if (id !== 'clear' && count) count.textContent = keys.length === 0 ? 'none in this version' : plural(keys.length, 'event');
      button.disabled = id !== 'clear' && keys.length === 0;
      button.addEventListener('click', () => {
        setTicks(page, keys);
        page.preset = null;
        update(page);
      });
    }
    root.addEventListener('change', (e) => {
      if (e.target instanceof HTMLInputElement && e.target.classList.contains('cov-event')) update(page);
    });
    $<HTMLOListElement>(root, '#cov-next').addEventListener('click', (e) => {
      const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.cov-add') : null;
      const box = button ? boxes.get(button.dataset.key ?? '') : undefined;
      if (!button || !box) return;
      const index = [...root.querySelectorAll('#cov-next button.cov-add')].indexOf(button);
      box.checked = true;
      update(page, { keepFocus: index });
    });
    $<HTMLOListElement>(root, '#cov-advice').addEventListener('click', (e) => {
      const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.cov-copy') : null;
      const code = button?.parentElement?.querySelector('code');
      if (!button || !code) return;
      void copyText(code.textContent ?? '', code).then((ok) => {
        const label = button.getAttribute('aria-label')?.replace(/^Copy /, '') ?? 'the text';
        $(root, '#cov-copy-status').textContent = ok ? `Copied ${label}.` : `Selected ${label}: press Ctrl+C (⌘C) to copy.`;
        button.textContent = ok ? 'Copied' : 'Selected';
        setTimeout(() => {
          button.textContent = 'Copy';
        }, 2000);
      });
    });
    const search = $<HTMLInputElement>(root, '#cov-filter');
    search.addEventListener('input', () => filter(page, search.value));
    filter(page, search.value);

    const names = downloadNames(page.version);
    $<HTMLButtonElement>(root, '#cov-layer').addEventListener('click', () => {
      if (page.report) downloadLayer(page, buildConfigLayer(data, page.report), names.layer);
    });
    $<HTMLButtonElement>(root, '#cov-layer-diff').addEventListener('click', () => {
      if (page.report) downloadLayer(page, buildAdviceDiffLayer(data, page.report, { top: DEFAULT_TOP }), names.adviceLayer);
    });
    $<HTMLButtonElement>(root, '#cov-csv').addEventListener('click', () => {
      if (page.report) download(formatConfigReport(page.report, 'csv'), names.csv, 'text/csv');
    });

    // Switching version keeps the ticks and the preset: the other version's page reads the same fragment.
    for (const a of document.querySelectorAll<HTMLAnchorElement>('.version-switch a')) {
      a.addEventListener('click', () => {
        if (window.location.hash && /\/coverage\/$/.test(a.pathname)) a.hash = window.location.hash;
      });
    }
    window.addEventListener('hashchange', () => {
      applyHash(page);
      update(page, { writeHash: false });
    });

    applyHash(page);
    // A browser that restores form fields after "back" keeps the pasted text: read it again.
    if (page.auditpol.text.value.trim() !== '') readField(page, page.auditpol);
    if (page.sysmon.text.value.trim() !== '') readField(page, page.sysmon);
    update(page, { writeHash: false });
    root.hidden = false;
    root.dataset.ready = 'true';
  } catch (e) {
    const err = document.getElementById('cov-error');
    if (err) {
      err.hidden = false;
      err.textContent = `The coverage data could not be loaded: ${(e as Error).message}. Try reloading the page, or run npm run coverage in a clone of the repository.`;
    }
  } finally {
    if (loading) loading.hidden = true;
  }
}

void start();
