/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The plan page's script (bundled with the plan and coverage cores into /assets/plan.js by the pages
 * CLI; see scripts/pages/bundle.ts). The page's inputs are in the HTML and its list box has a fixed
 * height, so nothing moves when the script starts. The script reads the version's plan data file
 * (./plan-data.ts) for the list, and with the coverage page's data file of the version asks a
 * worker thread (./plan-worker.ts, the same bundle) for the plan `npm run plan` prints
 * (./plan-compute.ts), then renders it (./plan-render.ts). The picks, the preset, the minimum grade
 * and the number of steps live in the address (./plan-state.ts); layer files and pasted
 * configurations never leave the browser. The markup is site/_includes/layouts/plan.njk.
 *
 * The same file runs as the worker: without a document, it only answers plan requests.
 */
import { type AuditPolicy, isGrade, isPreset, type SysmonConfig } from '../../coverage/index.ts';
import { stringifyJson } from '../../lib/json.ts';
import { formatPlan, type PlanFormat } from '../../plan/format.ts';
import { buildDarkLayer, buildPlanLayer } from '../../plan/layers.ts';
import type { PlanReport } from '../../plan/plan.ts';
import { parseTechniqueList } from '../../plan/targets.ts';
import { readAuditpol, readSysmon } from './coverage-config.ts';
import { $, copyText, download } from './coverage-dom.ts';
import { type ConfigField, fieldValue, makeField, readField, setupField } from './coverage-field.ts';
import { validateLayer } from '../../coverage/index.ts';
import { hasTarget, type PlanRequest } from './plan-compute.ts';
import { planDataActors } from './plan-data.ts';
import { countsLine, renderOptions, renderPicked, renderPlan, renderStatus, type PlanView } from './plan-render.ts';
import { decodePlanHash, EMPTY_STATE, encodePlanHash, type Option, pickOptions, planCommand, type PlanState, searchOptions } from './plan-state.ts';
import { type PlanCompute, planComputer, planModelFromTexts, servePlanWorker, type PlanTexts } from './plan-worker.ts';

/** Larger layer files are not read (real ones are well under 1 MB; the CLI's limit). */
const MAX_LAYER_BYTES = 16 * 1024 * 1024;

interface Page extends PlanView {
  version: string;
  options: Option[];
  byId: Map<string, Option>;
  state: PlanState;
  layers: Array<{ source: string; layer: unknown }>;
  auditpol: ConfigField<AuditPolicy>;
  sysmon: ConfigField<SysmonConfig>;
  compute: PlanCompute;
  model: () => ReturnType<typeof planModelFromTexts>;
  report: PlanReport | null;
}

const picked = (p: Page): Set<string> => new Set([...p.state.groups, ...p.state.campaigns, ...p.state.software]);
const FIELD = { group: 'groups', campaign: 'campaigns', software: 'software' } as const;

function showOptions(p: Page): void {
  const q = $<HTMLInputElement>(p.root, '#plan-filter').value;
  renderOptions(p, searchOptions(p.options, q), p.options.length, picked(p), q);
}

function showPicked(p: Page): void {
  const chosen = [...picked(p)].map((id) => p.byId.get(id)).filter((o): o is Option => o !== undefined);
  renderPicked(p, chosen, p.layers.map((l) => l.source), p.state.techniques);
}

/** Puts the state into the controls (after reading the address). */
function applyState(p: Page): void {
  $<HTMLSelectElement>(p.root, '#plan-preset').value = p.state.preset ?? '';
  $<HTMLSelectElement>(p.root, '#plan-top').value = String(p.state.top);
  $<HTMLInputElement>(p.root, '#plan-techniques').value = p.state.techniques.join(', ');
  for (const r of p.root.querySelectorAll<HTMLInputElement>('input[name="plan-min-grade"]')) r.checked = r.value === p.state.minGrade;
  showOptions(p);
  showPicked(p);
}

function readHash(p: Page): void {
  const { state, problems } = decodePlanHash(window.location.hash);
  p.state = state;
  const note = $<HTMLElement>(p.root, '#plan-problems');
  note.hidden = problems.length === 0;
  note.textContent = problems.length === 0 ? '' : `Not taken from the address: ${problems.join('; ')}.`;
}

function update(p: Page, o: { writeHash?: boolean } = {}): void {
  showPicked(p);
  if (o.writeHash !== false) {
    const hash = encodePlanHash(p.state);
    if (hash !== window.location.hash && !(hash === '' && window.location.hash === '')) history.replaceState(null, '', hash === '' ? window.location.pathname + window.location.search : hash);
  }
  const request: PlanRequest = { state: p.state, layers: p.layers, auditpol: fieldValue(p.auditpol), sysmon: fieldValue(p.sysmon) };
  const error = $<HTMLElement>(p.root, '#plan-error');
  if (!hasTarget(request)) {
    p.report = null;
    error.hidden = true;
    $<HTMLElement>(p.root, '#plan-out').hidden = true;
    renderStatus(p, 'Pick a group, a campaign or software above, type technique IDs or add a Navigator layer: the plan appears here.');
    p.root.dataset.ready = 'true';
    return;
  }
  p.root.setAttribute('aria-busy', 'true');
  void p.compute(request).then((result) => {
    p.root.removeAttribute('aria-busy');
    if (result === null || !result.ok) {
      p.report = null;
      error.hidden = result === null;
      error.textContent = result && !result.ok ? result.error : '';
      $<HTMLElement>(p.root, '#plan-out').hidden = true;
      renderStatus(p, 'No plan: see the message above.');
    } else {
      p.report = result.report;
      error.hidden = true;
      const command = planCommand(p.version, p.state, { layers: p.layers.length, auditpol: fieldValue(p.auditpol) !== null, sysmon: fieldValue(p.sysmon) !== null });
      renderPlan(p, result.report, command);
      renderStatus(p, countsLine(result.report));
    }
    p.root.dataset.ready = 'true';
  });
}

function toggle(p: Page, id: string, on: boolean): void {
  const o = p.byId.get(id);
  if (!o) return;
  const list = p.state[FIELD[o.kind]];
  const next = on ? (list.includes(id) ? list : [...list, id]) : list.filter((x) => x !== id);
  p.state = { ...p.state, [FIELD[o.kind]]: next };
  update(p);
}

function setupPicker(p: Page): void {
  const filter = $<HTMLInputElement>(p.root, '#plan-filter');
  filter.addEventListener('input', () => showOptions(p));
  // Enter in the filter picks the first match (the list is one Tab away for the others).
  filter.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = p.root.querySelector<HTMLInputElement>('#plan-options input.plan-opt:not(:checked)');
    if (first) {
      first.checked = true;
      toggle(p, first.value, true);
    }
  });
  $<HTMLElement>(p.root, '#plan-options').addEventListener('change', (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.classList.contains('plan-opt')) toggle(p, t.value, t.checked);
  });
  $<HTMLElement>(p.root, '#plan-picked').addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.plan-remove') : null;
    if (!b?.dataset.id) return;
    toggle(p, b.dataset.id, false);
    showOptions(p);
    filter.focus();
  });
  const techniques = $<HTMLInputElement>(p.root, '#plan-techniques');
  let timer: ReturnType<typeof setTimeout> | undefined;
  techniques.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      p.state = { ...p.state, techniques: parseTechniqueList([techniques.value]) };
      update(p);
    }, 400);
  });
}

function setupSettings(p: Page): void {
  $<HTMLSelectElement>(p.root, '#plan-preset').addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    p.state = { ...p.state, preset: isPreset(v) ? v : null };
    update(p);
  });
  $<HTMLSelectElement>(p.root, '#plan-top').addEventListener('change', (e) => {
    const n = Number((e.target as HTMLSelectElement).value);
    if (Number.isInteger(n) && n > 0) p.state = { ...p.state, top: n };
    update(p);
  });
  p.root.addEventListener('change', (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.name === 'plan-min-grade' && isGrade(t.value)) {
      p.state = { ...p.state, minGrade: t.value };
      update(p);
    }
  });
}

/** Layer files: chosen or dropped on their box; read in the browser, never sent. */
function setupLayers(p: Page): void {
  const input = $<HTMLInputElement>(p.root, '#plan-layer-file');
  const box = $<HTMLElement>(p.root, '#plan-layer-box');
  const msg = $<HTMLElement>(p.root, '#plan-layer-msg');
  const read = async (files: readonly File[]): Promise<void> => {
    const problems: string[] = [];
    for (const f of files) {
      if (f.size > MAX_LAYER_BYTES) {
        problems.push(`${f.name} is larger than the 16 MB read for a Navigator layer; is it the right file?`);
        continue;
      }
      try {
        const layer: unknown = JSON.parse((await f.text()).replace(/^\uFEFF/, ''));
        p.layers = [...p.layers.filter((l) => l.source !== f.name), { source: f.name, layer }];
      } catch (e) {
        problems.push(`${f.name} is not valid JSON (${e instanceof Error ? e.message : String(e)}): export the layer from the Navigator as JSON`);
      }
    }
    msg.className = problems.length > 0 ? 'cov-msg cov-msg-error' : 'cov-msg cov-msg-ok';
    msg.textContent = problems.length > 0 ? problems.join(' ') : p.layers.length > 0 ? `Read ${p.layers.map((l) => l.source).join(', ')}: the plan below says which of its techniques count.` : '';
    $<HTMLButtonElement>(p.root, '#plan-layer-clear').disabled = p.layers.length === 0;
    update(p);
  };
  input.addEventListener('change', () => void read([...(input.files ?? [])]));
  box.addEventListener('dragover', (e) => {
    e.preventDefault();
    box.classList.add('plan-drop');
  });
  box.addEventListener('dragleave', () => box.classList.remove('plan-drop'));
  box.addEventListener('drop', (e) => {
    e.preventDefault();
    box.classList.remove('plan-drop');
    void read([...(e.dataTransfer?.files ?? [])]);
  });
  $<HTMLButtonElement>(p.root, '#plan-layer-clear').addEventListener('click', () => {
    p.layers = [];
    input.value = '';
    msg.textContent = '';
    msg.className = 'cov-msg';
    $<HTMLButtonElement>(p.root, '#plan-layer-clear').disabled = true;
    update(p);
  });
}

function setupOutput(p: Page): void {
  const status = $<HTMLElement>(p.root, '#plan-copy-status');
  p.root.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.plan-copy') : null;
    const code = b?.parentElement?.querySelector('code');
    if (!b || !code) return;
    void copyText(code.textContent ?? '', code).then((ok) => {
      const label = b.getAttribute('aria-label')?.replace(/^Copy /, '') ?? 'the text';
      status.textContent = ok ? `Copied ${label}.` : `Selected ${label}: press Ctrl+C (⌘C) to copy.`;
      b.textContent = ok ? 'Copied' : 'Selected';
      setTimeout(() => {
        b.textContent = 'Copy';
      }, 2000);
    });
  });
  const base = `plan-attack-${p.version}`;
  const types: Record<PlanFormat, string> = { md: 'text/markdown', csv: 'text/csv', json: 'application/json' };
  for (const format of ['md', 'csv', 'json'] as const) {
    $<HTMLButtonElement>(p.root, `#plan-dl-${format}`).addEventListener('click', () => {
      if (p.report) download(formatPlan(p.report, format), `${base}.${format}`, types[format]);
    });
  }
  const layerNote = $<HTMLElement>(p.root, '#plan-dl-note');
  for (const [id, build, name] of [
    ['#plan-dl-layer', buildPlanLayer, `${base}-layer.json`],
    ['#plan-dl-dark', buildDarkLayer, `${base}-dark-layer.json`],
  ] as const) {
    $<HTMLButtonElement>(p.root, id).addEventListener('click', () => {
      if (!p.report) return;
      const layer = build(p.model().version.data, p.report);
      const problems = validateLayer(layer);
      layerNote.textContent = problems.length > 0 ? `The layer is not valid, not downloaded: ${problems.join('; ')}` : '';
      if (problems.length === 0) download(stringifyJson(layer), name, 'application/json');
    });
  }
}

/** Switching version keeps the picks: the other version's plan page reads the same address. */
function setupAddress(p: Page): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.version-switch a')) {
    a.addEventListener('click', () => {
      if (window.location.hash && /\/plan\/$/.test(a.pathname)) a.hash = window.location.hash;
    });
  }
  window.addEventListener('hashchange', () => {
    readHash(p);
    applyState(p);
    update(p, { writeHash: false });
  });
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

async function start(): Promise<void> {
  const root = document.getElementById('plan');
  if (!root) return;
  try {
    const [planText, coverageText] = await Promise.all([fetchText(root.dataset.planData ?? ''), fetchText(root.dataset.coverageData ?? '')]);
    const options = pickOptions(planDataActors(JSON.parse(planText)));
    const texts: PlanTexts = { coverage: coverageText, plan: planText };
    let model: ReturnType<typeof planModelFromTexts> | undefined;
    const local = (): ReturnType<typeof planModelFromTexts> => (model ??= planModelFromTexts(texts));
    const p: Page = {
      root,
      groupBase: root.dataset.groupBase ?? '',
      techniqueBase: root.dataset.techniqueBase ?? '',
      eventBase: root.dataset.eventBase ?? '',
      version: root.dataset.version ?? '',
      options,
      byId: new Map(options.map((o) => [o.id, o])),
      state: { ...EMPTY_STATE },
      layers: [],
      auditpol: makeField(root, 'auditpol', readAuditpol, 'pasted auditpol output'),
      sysmon: makeField(root, 'sysmon', readSysmon, 'pasted Sysmon configuration'),
      compute: planComputer(import.meta.url, texts, local),
      model: local,
      report: null,
    };
    setupField(p.auditpol, () => update(p));
    setupField(p.sysmon, () => update(p));
    setupPicker(p);
    setupSettings(p);
    setupLayers(p);
    setupOutput(p);
    setupAddress(p);
    readHash(p);
    applyState(p);
    // A browser that restores form fields after "back" keeps the pasted text: read it again.
    if (p.auditpol.text.value.trim() !== '') readField(p.auditpol, () => undefined);
    if (p.sysmon.text.value.trim() !== '') readField(p.sysmon, () => undefined);
    update(p, { writeHash: false });
  } catch (e) {
    const text = `The plan data could not be loaded: ${(e as Error).message}. Try reloading the page, or run npm run plan in a clone of the repository.`;
    const err = document.getElementById('plan-error');
    if (err) {
      err.hidden = false;
      err.textContent = text;
    }
    const shown = document.getElementById('plan-shown');
    if (shown) shown.textContent = text;
  }
}

if (typeof document === 'undefined') servePlanWorker(self as unknown as Parameters<typeof servePlanWorker>[0]);
else void start();
