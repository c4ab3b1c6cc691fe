/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The coverage page's script (bundled with the coverage core into /assets/coverage.js by the pages
 * CLI; see scripts/pages/bundle.ts). The page is usable before it runs: the picker, the table and
 * the inputs are in the HTML. The script reads the version's data file (/assets/coverage/<v>.json,
 * ./coverage-data.ts: tens of kB, not techniques.json), wires the inputs, and on every change asks
 * a worker thread (./coverage-worker.ts, the same bundle) for the counts `npm run coverage` gives
 * (./coverage-compute.ts), then renders them (./coverage-render.ts). The markup it works on is
 * site/_includes/layouts/coverage.njk.
 *
 * The same file runs as the worker: without a document, it only answers compute requests.
 */
import {
  type AuditPolicy,
  buildAdviceDiffLayer,
  buildConfigLayer,
  type ConfigEvent,
  DEFAULT_TOP,
  eventCatalog,
  formatConfigReport,
  type Grade,
  isGrade,
  type NavigatorLayer,
  type PresetName,
  type SysmonConfig,
  validateLayer,
  type VersionData,
} from '../../coverage/index.ts';
import { stringifyJson } from '../../lib/json.ts';
import { downloadNames, type PageInputs, readAuditpol, readSysmon } from './coverage-config.ts';
import type { PageResult } from './coverage-compute.ts';
import { $, copyText, download } from './coverage-dom.ts';
import { type ConfigField, fieldValue, makeField, readField, setupField } from './coverage-field.ts';
import { filterEvents, renderAdvice, renderCollected, renderCounts, renderNext, renderPresetButtons, renderStatus, renderTable, renderTickedList, type View } from './coverage-render.ts';
import { decodeHash, encodeHash, isAuditPreset, PRESET_IDS, presetEvents, presetKeys, type TickPresetId } from './coverage-state.ts';
import { type Compute, modelFromText, pageComputer, serveWorker } from './coverage-worker.ts';

interface Page extends View {
  boxes: Map<string, HTMLInputElement>;
  data: VersionData;
  details: readonly ConfigEvent[];
  /** The events as `--events` resolves them; built on first use (only an address with #events= needs it). */
  catalog: () => ReturnType<typeof eventCatalog>;
  compute: Compute;
  preset: PresetName | null;
  minGrade: Grade;
  auditpol: ConfigField<AuditPolicy>;
  sysmon: ConfigField<SysmonConfig>;
  /** The last result rendered (its report feeds the downloads); null until the first arrives. */
  result: PageResult | null;
  version: string;
}

/** The ticked events, by log then ID (the order of the page). */
const ticked = (page: Page): string[] => [...page.boxes].filter(([, box]) => box.checked).map(([key]) => key);

function setTicks(page: Page, keys: readonly string[]): void {
  const want = new Set(keys);
  for (const [key, box] of page.boxes) box.checked = want.has(key);
}

const inputs = (page: Page): PageInputs => ({ ticked: ticked(page), preset: page.preset, auditpol: fieldValue(page.auditpol), sysmon: fieldValue(page.sysmon) });

function render(page: Page, result: PageResult, keepFocus: number | null): void {
  page.result = result;
  const r = result.report;
  renderTable(page, result);
  renderStatus(page, result);
  renderAdvice(page, result.advice, result.table.totals.mapped);
  renderNext(page, result.next, keepFocus);
  renderCollected(page, r);
  $<HTMLButtonElement>(page.root, '#cov-layer').disabled = r === null;
  $<HTMLButtonElement>(page.root, '#cov-csv').disabled = r === null;
  $<HTMLButtonElement>(page.root, '#cov-layer-diff').disabled = r === null || r.advice.length === 0;
  $(page.root, '#cov-download-note').textContent = r === null ? 'Tick an event, add your configuration or pick a preset to download.' : '';
  page.root.dataset.ready = 'true';
}

/** Re-reads the inputs, updates what does not need counting at once, and renders the counts when they arrive. */
function update(page: Page, o: { keepFocus?: number | null; writeHash?: boolean } = {}): void {
  const p = inputs(page);
  renderCounts(page);
  renderTickedList(page, p.ticked);
  renderPresetButtons(page, page.preset);
  for (const radio of page.root.querySelectorAll<HTMLInputElement>('input[name="min-grade"]')) radio.checked = radio.value === page.minGrade;
  page.root.setAttribute('aria-busy', 'true');
  void page.compute({ inputs: p, minGrade: page.minGrade }).then((result) => {
    page.root.removeAttribute('aria-busy');
    render(page, result, o.keepFocus ?? null);
  });
  if (o.writeHash !== false) {
    const hash = encodeHash(p.ticked, page.preset, page.minGrade);
    if (hash !== window.location.hash && !(hash === '' && window.location.hash === '')) {
      history.replaceState(null, '', hash === '' ? window.location.pathname + window.location.search : hash);
    }
  }
}

function applyHash(page: Page): void {
  const hash = window.location.hash;
  const decoded = hash.length > 1 ? decodeHash(hash, page.catalog()) : null;
  const note = $<HTMLElement>(page.root, '#cov-problems');
  if (!decoded) {
    note.hidden = true;
    return;
  }
  setTicks(page, decoded.keys);
  page.preset = decoded.preset;
  page.minGrade = decoded.minGrade;
  note.hidden = decoded.problems.length === 0;
  note.textContent = decoded.problems.length === 0 ? '' : `Not taken from the address: ${decoded.problems.join('; ')}.`;
}

function downloadLayer(page: Page, layer: NavigatorLayer, name: string): void {
  const problems = validateLayer(layer);
  if (problems.length > 0) {
    $(page.root, '#cov-download-note').textContent = `The layer is not valid, not downloaded: ${problems.join('; ')}`;
    return;
  }
  download(stringifyJson(layer), name, 'application/json');
}

/** The preset buttons: audit presets toggle the CLI's `--preset`; the others replace the ticks. */
function setupPresets(page: Page, events: unknown): void {
  const raw = presetEvents(events);
  for (const button of page.root.querySelectorAll<HTMLButtonElement>('button[data-preset]')) {
    const id = PRESET_IDS.find((p) => p === button.dataset.preset);
    if (!id) continue;
    if (isAuditPreset(id)) {
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
    // The counts under the buttons are in the page (presetSummaries).
    const keys = presetKeys(raw, id as TickPresetId).filter((k) => page.boxes.has(k));
    button.addEventListener('click', () => {
      setTicks(page, keys);
      page.preset = null;
      update(page);
    });
  }
}

/** Ticks, the min-grade switch, the filter and its skip link, the Add and Copy buttons. */
function setupLists(page: Page): void {
  const root = page.root;
  root.addEventListener('change', (e) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement)) return;
    if (t.classList.contains('cov-event')) update(page);
    else if (t.name === 'min-grade' && isGrade(t.value)) {
      page.minGrade = t.value;
      update(page);
    }
  });
  $<HTMLOListElement>(root, '#cov-next').addEventListener('click', (e) => {
    const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.cov-add') : null;
    const box = button ? page.boxes.get(button.dataset.key ?? '') : undefined;
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
  search.addEventListener('input', () => filterEvents(page, search.value));
  // A browser may restore a typed filter after "back"; an empty one is what the page shows already.
  if (search.value !== '') filterEvents(page, search.value);
  // The skip link moves the focus past the event list without touching the address (#events=… lives there).
  $<HTMLAnchorElement>(root, '#cov-skip').addEventListener('click', (e) => {
    e.preventDefault();
    const target = $<HTMLElement>(root, '#cov-res-h');
    target.focus();
    target.scrollIntoView({ block: 'start' });
  });
}

function setupDownloads(page: Page): void {
  const names = downloadNames(page.version);
  $<HTMLButtonElement>(page.root, '#cov-layer').addEventListener('click', () => {
    const r = page.result?.report;
    if (r) downloadLayer(page, buildConfigLayer(page.data, r), names.layer);
  });
  $<HTMLButtonElement>(page.root, '#cov-layer-diff').addEventListener('click', () => {
    const r = page.result?.report;
    if (r) downloadLayer(page, buildAdviceDiffLayer(page.data, r, { top: DEFAULT_TOP }), names.adviceLayer);
  });
  $<HTMLButtonElement>(page.root, '#cov-csv').addEventListener('click', () => {
    const r = page.result?.report;
    if (r) download(formatConfigReport(r, 'csv'), names.csv, 'text/csv');
  });
}

/** Switching version keeps the ticks and the preset: the other version's page reads the same fragment. */
function setupAddress(page: Page): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.version-switch a')) {
    a.addEventListener('click', () => {
      if (window.location.hash && /\/coverage\/$/.test(a.pathname)) a.hash = window.location.hash;
    });
  }
  window.addEventListener('hashchange', () => {
    applyHash(page);
    update(page, { writeHash: false });
  });
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** The page's state over the markup of `root` and the data file's text. */
function makePage(root: HTMLElement, text: string): { page: Page; events: unknown } {
  const model = modelFromText(text);
  const boxes = new Map([...root.querySelectorAll<HTMLInputElement>('input.cov-event')].map((b) => [b.value, b]));
  const known = new Set(model.data.events.map((e) => e.key));
  for (const [key, box] of boxes) if (!known.has(key)) box.disabled = true;
  let catalog: ReturnType<typeof eventCatalog> | undefined;
  const page: Page = {
    root,
    eventBase: root.dataset.eventBase ?? '',
    techniqueBase: root.dataset.techniqueBase ?? '',
    tagHolders: new Map(),
    boxes,
    data: model.data,
    details: model.details,
    catalog: () => (catalog ??= eventCatalog(model.data)),
    compute: pageComputer(import.meta.url, text, model),
    preset: null,
    minGrade: 'related',
    auditpol: makeField(root, 'auditpol', readAuditpol, 'pasted auditpol output'),
    sysmon: makeField(root, 'sysmon', readSysmon, 'pasted Sysmon configuration'),
    result: null,
    version: model.data.attackVersion,
  };
  return { page, events: model.events };
}

async function start(): Promise<void> {
  const root = document.getElementById('coverage');
  if (!root) return;
  const status = document.getElementById('cov-status');
  try {
    const { page, events } = makePage(root, await fetchText(root.dataset.data ?? ''));
    setupField(page.auditpol, () => update(page));
    setupField(page.sysmon, () => update(page));
    setupPresets(page, events);
    setupLists(page);
    setupDownloads(page);
    setupAddress(page);
    applyHash(page);
    // A browser that restores form fields after "back" keeps the pasted text: read it again.
    if (page.auditpol.text.value.trim() !== '') readField(page.auditpol, () => undefined);
    if (page.sysmon.text.value.trim() !== '') readField(page.sysmon, () => undefined);
    update(page, { writeHash: false });
  } catch (e) {
    const err = document.getElementById('cov-error');
    if (err) {
      err.hidden = false;
      err.textContent = `The coverage data could not be loaded: ${(e as Error).message}. Try reloading the page, or run npm run coverage in a clone of the repository.`;
    }
    if (status) status.textContent = 'The counts are not available: the coverage data could not be loaded.';
  }
}

if (typeof document === 'undefined') serveWorker(self as unknown as Parameters<typeof serveWorker>[0]);
else void start();
