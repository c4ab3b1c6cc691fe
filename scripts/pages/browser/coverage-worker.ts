/// <reference lib="dom" />
/**
 * The coverage page's counting, off the main thread. The page's bundle is also the worker's script
 * (`new Worker(import.meta.url)`: one download, cached): started as a worker, it reads the data
 * file's text once, then answers each request with computePage. The page keeps only the newest
 * answer. Where a module worker cannot start (or fails), the page counts itself, with the same code.
 */
import { configEventsFromJson, versionDataFromJson } from '../../coverage/index.ts';
import { computePage, type PageModel, type PageRequest, type PageResult } from './coverage-compute.ts';
import { expandCoverageData } from './coverage-data.ts';

type ToWorker = { kind: 'load'; text: string } | { kind: 'compute'; id: number; request: PageRequest };
type FromWorker = { kind: 'result'; id: number; result: PageResult } | { kind: 'error'; message: string };

/** The page's model from the data file's text (VersionData and the configuration fields of each event). */
export function modelFromText(text: string): PageModel & { events: unknown } {
  const docs = expandCoverageData(JSON.parse(text));
  return { data: versionDataFromJson(docs), details: configEventsFromJson(docs.events), events: docs.events };
}

/** What a worker's global scope offers this script (typed here: the DOM and WebWorker libraries clash in one program). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

/** Runs in the worker: holds the model, answers compute requests in order. */
export function serveWorker(scope: WorkerScope): void {
  let model: PageModel | null = null;
  scope.onmessage = (e) => {
    const m = e.data;
    try {
      if (m.kind === 'load') model = modelFromText(m.text);
      else if (!model) throw new Error('no data loaded');
      else scope.postMessage({ kind: 'result', id: m.id, result: computePage(model, m.request) });
    } catch (err) {
      scope.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
}

export type Compute = (request: PageRequest) => Promise<PageResult>;

/**
 * A compute function for the page: in a worker started from `scriptUrl` when possible, else in
 * this thread. Results of requests overtaken by a newer one are dropped (the promise never settles).
 */
export function pageComputer(scriptUrl: string, text: string, local: PageModel): Compute {
  let worker: Worker | null = null;
  let latest = 0;
  const pending = new Map<number, { request: PageRequest; resolve: (r: PageResult) => void }>();
  const runLocally = (): void => {
    worker?.terminate();
    worker = null;
    // Only the newest request matters; the others were overtaken.
    const newest = pending.get(latest);
    pending.clear();
    if (newest) newest.resolve(computePage(local, newest.request));
  };
  try {
    worker = new Worker(scriptUrl, { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.kind === 'error') return runLocally();
      const p = pending.get(m.id);
      for (const id of pending.keys()) if (id <= m.id) pending.delete(id);
      if (p && m.id === latest) p.resolve(m.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      runLocally();
    };
    const load: ToWorker = { kind: 'load', text };
    worker.postMessage(load);
  } catch {
    worker = null;
  }
  return (request) =>
    new Promise<PageResult>((resolve) => {
      const id = ++latest;
      if (!worker) {
        resolve(computePage(local, request));
        return;
      }
      pending.set(id, { request, resolve });
      const message: ToWorker = { kind: 'compute', id, request };
      worker.postMessage(message);
    });
}
