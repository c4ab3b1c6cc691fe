/// <reference lib="dom" />
/**
 * One way for a page to compute off the main thread (the coverage and plan pages): the page's bundle
 * is also the worker's script (`new Worker(import.meta.url)`: one download, cached). Started as a
 * worker, it builds its model once from the page's data (`load`), then answers each request with
 * `compute`. The page keeps only the newest answer; where a module worker cannot start (or fails),
 * the page computes itself, with the same code.
 */

type ToWorker<P, Q> = { kind: 'load'; payload: P } | { kind: 'compute'; id: number; request: Q };
type FromWorker<R> = { kind: 'result'; id: number; result: R } | { kind: 'error'; message: string };

/** What a worker's global scope offers this script (typed here: the DOM and WebWorker libraries clash in one program). */
export interface WorkerScope<P, Q, R> {
  onmessage: ((e: MessageEvent<ToWorker<P, Q>>) => void) | null;
  postMessage(message: FromWorker<R>): void;
}

export interface ModelWorker<P, M, Q, R> {
  /** The model from the data the page sends once. */
  load(payload: P): M;
  compute(model: M, request: Q): R;
}

/** Runs in the worker: holds the model, answers compute requests in order. */
export function serveModel<P, M, Q, R>(scope: WorkerScope<P, Q, R>, w: ModelWorker<P, M, Q, R>): void {
  let model: M | null = null;
  scope.onmessage = (e) => {
    const m = e.data;
    try {
      if (m.kind === 'load') model = w.load(m.payload);
      else if (model === null) throw new Error('no data loaded');
      else scope.postMessage({ kind: 'result', id: m.id, result: w.compute(model, m.request) });
    } catch (err) {
      scope.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
}

/**
 * A compute function for the page: in a worker started from `scriptUrl` when possible, else in this
 * thread on `local()` (built only when needed). Results of requests overtaken by a newer one are
 * dropped (the promise never settles).
 */
export function modelComputer<P, M, Q, R>(scriptUrl: string, payload: P, local: () => M, w: ModelWorker<P, M, Q, R>): (request: Q) => Promise<R> {
  let worker: Worker | null = null;
  let latest = 0;
  const pending = new Map<number, { request: Q; resolve: (r: R) => void }>();
  const runLocally = (): void => {
    worker?.terminate();
    worker = null;
    // Only the newest request matters; the others were overtaken.
    const newest = pending.get(latest);
    pending.clear();
    if (newest) newest.resolve(w.compute(local(), newest.request));
  };
  try {
    worker = new Worker(scriptUrl, { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromWorker<R>>) => {
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
    const load: ToWorker<P, Q> = { kind: 'load', payload };
    worker.postMessage(load);
  } catch {
    worker = null;
  }
  return (request) =>
    new Promise<R>((resolve) => {
      const id = ++latest;
      if (!worker) {
        resolve(w.compute(local(), request));
        return;
      }
      pending.set(id, { request, resolve });
      const message: ToWorker<P, Q> = { kind: 'compute', id, request };
      worker.postMessage(message);
    });
}
