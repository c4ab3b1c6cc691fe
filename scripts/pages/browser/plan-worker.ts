/// <reference lib="dom" />
/**
 * The plan page's planning, off the main thread (planning APT29 takes a few hundred ms on a fast
 * machine). As on the coverage page, the page's bundle is also the worker's script: started as a
 * worker it reads both data files' texts once, then answers each request with computePlanPage. The
 * page keeps only the newest answer; where a module worker cannot start (or fails), the page plans
 * itself, with the same code.
 */
import { computePlanPage, type PlanModel, type PlanRequest, type PlanResult } from './plan-compute.ts';
import { expandPlanData } from './plan-data.ts';

export interface PlanTexts {
  coverage: string;
  plan: string;
}

type ToWorker = { kind: 'load'; texts: PlanTexts } | { kind: 'compute'; id: number; request: PlanRequest };
type FromWorker = { kind: 'result'; id: number; result: PlanResult } | { kind: 'error'; message: string };

export function planModelFromTexts(t: PlanTexts): PlanModel {
  return expandPlanData(JSON.parse(t.coverage), JSON.parse(t.plan));
}

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

/** Runs in the worker: holds the model, answers compute requests in order. */
export function servePlanWorker(scope: WorkerScope): void {
  let model: PlanModel | null = null;
  scope.onmessage = (e) => {
    const m = e.data;
    try {
      if (m.kind === 'load') model = planModelFromTexts(m.texts);
      else if (!model) throw new Error('no data loaded');
      else scope.postMessage({ kind: 'result', id: m.id, result: computePlanPage(model, m.request) });
    } catch (err) {
      scope.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };
}

export type PlanCompute = (request: PlanRequest) => Promise<PlanResult>;

/** A compute function: in a worker started from `scriptUrl` when possible, else in this thread. Overtaken requests never settle. */
export function planComputer(scriptUrl: string, texts: PlanTexts, local: () => PlanModel): PlanCompute {
  let worker: Worker | null = null;
  let latest = 0;
  const pending = new Map<number, { request: PlanRequest; resolve: (r: PlanResult) => void }>();
  const runLocally = (): void => {
    worker?.terminate();
    worker = null;
    const newest = pending.get(latest);
    pending.clear();
    if (newest) newest.resolve(computePlanPage(local(), newest.request));
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
    const load: ToWorker = { kind: 'load', texts };
    worker.postMessage(load);
  } catch {
    worker = null;
  }
  return (request) =>
    new Promise<PlanResult>((resolve) => {
      const id = ++latest;
      if (!worker) {
        resolve(computePlanPage(local(), request));
        return;
      }
      pending.set(id, { request, resolve });
      const message: ToWorker = { kind: 'compute', id, request };
      worker.postMessage(message);
    });
}
