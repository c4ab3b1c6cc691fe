/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The coverage page's script (bundled with the coverage core into /assets/coverage.js by the pages
 * CLI; see scripts/pages/bundle.ts). It reads the version's published techniques.json, events.json
 * and tactics.json, and on every tick recomputes the coverage with `computeCoverage`: the per-tactic
 * table, the totals (also announced in a live region), the next-best events, the `#events=…`
 * address, and the layer and CSV downloads (made here, as Blobs). The markup it works on is
 * site/_includes/layouts/coverage.njk.
 */
import {
  buildCoverageLayer,
  computeCoverage,
  type CoverageReport,
  DEFAULT_TOP,
  eventCatalog,
  formatReport,
  nextBestEvents,
  type NextBestEvent,
  validateLayer,
  type VersionData,
  versionDataFromJson,
} from '../../coverage/index.ts';
import { eventSlug } from '../urls.ts';
import { decodeHash, encodeHash, PRESET_IDS, type PresetId, presetEvents, presetKeys } from './coverage-state.ts';

const $ = <T extends Element>(root: ParentNode, selector: string): T => {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`coverage page: no ${selector}`);
  return el;
};

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);
const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

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

interface Page {
  root: HTMLElement;
  boxes: Map<string, HTMLInputElement>;
  data: VersionData;
  catalog: ReturnType<typeof eventCatalog>;
  presets: Map<PresetId, string[]>;
  /** The figures that do not depend on the ticks: mapped and all, per tactic and in total. */
  base: CoverageReport;
  version: string;
  eventBase: string;
}

/** The ticked events, by log then ID (the order of the page). */
function ticked(page: Page): string[] {
  return [...page.boxes].filter(([, box]) => box.checked).map(([key]) => key);
}

function setTicks(page: Page, keys: readonly string[]): void {
  const want = new Set(keys);
  for (const [key, box] of page.boxes) box.checked = want.has(key);
}

function report(page: Page, keys: readonly string[]): { tactics: CoverageReport['tactics']; totals: CoverageReport['totals']; next: NextBestEvent[]; full: CoverageReport | null } {
  if (keys.length > 0) {
    const full = computeCoverage(page.data, keys, { top: DEFAULT_TOP });
    return { tactics: full.tactics, totals: full.totals, next: full.nextBest, full };
  }
  // computeCoverage wants at least one event: with none, nothing is seen.
  return {
    tactics: page.base.tactics.map((t) => ({ ...t, seen: 0 })),
    totals: { ...page.base.totals, seen: 0 },
    next: nextBestEvents(page.data, new Set(), new Set(), DEFAULT_TOP),
    full: null,
  };
}

function renderTable(page: Page, r: ReturnType<typeof report>): void {
  const rows = new Map([...page.root.querySelectorAll<HTMLTableRowElement>('#cov-table tbody tr')].map((tr) => [tr.dataset.tactic ?? '', tr]));
  const fill = (tr: HTMLTableRowElement | null | undefined, c: { seen: number; mapped: number; total: number }): void => {
    if (!tr) return;
    $(tr, '.cov-seen').textContent = c.seen.toLocaleString('en-US');
    $(tr, '.cov-pct').textContent = pct(c.seen, c.mapped);
    $<HTMLElement>(tr, '.bar span').style.width = c.mapped === 0 ? '0' : `${(100 * c.seen) / c.mapped}%`;
    tr.classList.toggle('zero', c.seen === 0);
  };
  for (const t of r.tactics) fill(rows.get(t.id), t);
  fill(page.root.querySelector<HTMLTableRowElement>('#cov-table tfoot tr'), r.totals);
}

function renderNext(page: Page, next: NextBestEvent[], keepFocus: number | null): void {
  const list = $<HTMLOListElement>(page.root, '#cov-next');
  const none = $<HTMLElement>(page.root, '#cov-next-none');
  list.replaceChildren(
    ...next.map((n) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `${page.eventBase}${eventSlug(n.key)}/`;
      a.textContent = `${n.log} ${n.eventId}`;
      const name = document.createElement('span');
      name.className = 'cov-next-name';
      name.textContent = n.name ? ` ${n.name}` : '';
      const adds = document.createElement('span');
      adds.className = 'cov-next-adds';
      adds.textContent = `+${plural(n.adds.length, 'technique')} (${n.seenAfter} seen after)`;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'cov-add';
      button.dataset.key = n.key;
      button.textContent = 'Add';
      button.setAttribute('aria-label', `Add ${n.log} ${n.eventId}${n.name ? `, ${n.name}` : ''}`);
      const text = document.createElement('span');
      text.className = 'cov-next-text';
      text.append(a, name, document.createElement('br'), adds);
      li.append(text, button);
      return li;
    }),
  );
  none.hidden = next.length > 0;
  if (keepFocus !== null) {
    const buttons = list.querySelectorAll<HTMLButtonElement>('button.cov-add');
    (buttons[Math.min(keepFocus, buttons.length - 1)] ?? $<HTMLElement>(page.root, '#cov-next-h')).focus();
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

function update(page: Page, o: { keepFocus?: number | null; writeHash?: boolean } = {}): void {
  const keys = ticked(page);
  const r = report(page, keys);
  renderTable(page, r);
  renderNext(page, r.next, o.keepFocus ?? null);
  renderCounts(page);
  renderTickedList(page, keys);
  const t = r.totals;
  $(page.root, '#cov-status').textContent =
    keys.length === 0
      ? `No event ticked: 0 of ${t.mapped} techniques with a mapped event seen.`
      : `${plural(keys.length, 'event')} ticked: ${t.seen} of ${t.mapped} techniques with a mapped event seen (${pct(t.seen, t.mapped)}); ${t.seen} of all ${t.total} Windows techniques (${pct(t.seen, t.total)}).`;
  for (const id of ['#cov-layer', '#cov-csv']) $<HTMLButtonElement>(page.root, id).disabled = keys.length === 0;
  $(page.root, '#cov-download-note').textContent = keys.length === 0 ? 'Tick at least one event to download.' : '';
  if (o.writeHash !== false) {
    const hash = encodeHash(keys);
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
  note.hidden = decoded.problems.length === 0;
  note.textContent = decoded.problems.length === 0 ? '' : `Not ticked from the address: ${decoded.problems.join('; ')}.`;
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

async function start(): Promise<void> {
  const root = document.getElementById('coverage');
  const loading = document.getElementById('cov-loading');
  if (!root) return;
  if (loading) loading.hidden = false;
  const d = root.dataset;
  try {
    const [techniques, events, tactics] = await Promise.all([fetchJson(d.techniques ?? ''), fetchJson(d.events ?? ''), fetchJson(d.tactics ?? '')]);
    const data = versionDataFromJson({ techniques, events, tactics });
    const first = data.events[0];
    if (!first) throw new Error(`ATT&CK ${data.attackVersion} has no event`);
    const boxes = new Map([...root.querySelectorAll<HTMLInputElement>('input.cov-event')].map((b) => [b.value, b]));
    const known = new Set(data.events.map((e) => e.key));
    for (const [key, box] of boxes) if (!known.has(key)) box.disabled = true;
    const raw = presetEvents(events);
    const page: Page = {
      root,
      boxes,
      data,
      catalog: eventCatalog(data),
      presets: new Map(PRESET_IDS.map((id) => [id, presetKeys(raw, id).filter((k) => boxes.has(k))])),
      base: computeCoverage(data, [first.key], { top: 0 }),
      version: data.attackVersion,
      eventBase: d.eventBase ?? '',
    };

    for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-preset]')) {
      const id = PRESET_IDS.find((p) => p === button.dataset.preset);
      if (!id) continue;
      const keys = page.presets.get(id) ?? [];
      const count = button.querySelector('.cov-n');
      if (id !== 'clear' && count) count.textContent = keys.length === 0 ? 'none in this version' : plural(keys.length, 'event');
      button.disabled = id !== 'clear' && keys.length === 0;
      button.addEventListener('click', () => {
        setTicks(page, keys);
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
    const search = $<HTMLInputElement>(root, '#cov-filter');
    search.addEventListener('input', () => filter(page, search.value));
    filter(page, search.value);

    $<HTMLButtonElement>(root, '#cov-layer').addEventListener('click', () => {
      const keys = ticked(page);
      if (keys.length === 0) return;
      const r = computeCoverage(data, keys, { top: DEFAULT_TOP });
      const layer = buildCoverageLayer(data, r, { name: `Windows event coverage, ATT&CK ${page.version} (${plural(keys.length, 'event')})` });
      const problems = validateLayer(layer);
      if (problems.length > 0) {
        $(root, '#cov-download-note').textContent = `The layer is not valid, not downloaded: ${problems.join('; ')}`;
        return;
      }
      download(`${JSON.stringify(layer, null, 2)}\n`, `coverage-attack-${page.version}-layer.json`, 'application/json');
    });
    $<HTMLButtonElement>(root, '#cov-csv').addEventListener('click', () => {
      const keys = ticked(page);
      if (keys.length === 0) return;
      download(formatReport(computeCoverage(data, keys, { top: DEFAULT_TOP }), 'csv'), `coverage-attack-${page.version}.csv`, 'text/csv');
    });

    // Switching version keeps the ticks: the other version's page reads the same fragment.
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
