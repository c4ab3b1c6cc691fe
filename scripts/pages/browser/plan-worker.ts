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
import { modelComputer, type ModelWorker, serveModel, type WorkerScope } from './model-worker.ts';

export interface PlanTexts {
  coverage: string;
  plan: string;
}

export function planModelFromTexts(t: PlanTexts): PlanModel {
  return expandPlanData(JSON.parse(t.coverage), JSON.parse(t.plan));
}

const PLAN: ModelWorker<PlanTexts, PlanModel, PlanRequest, PlanResult> = { load: planModelFromTexts, compute: computePlanPage };

/** Runs in the worker. */
export function servePlanWorker(scope: WorkerScope<PlanTexts, PlanRequest, PlanResult>): void {
  serveModel(scope, PLAN);
}

export type PlanCompute = (request: PlanRequest) => Promise<PlanResult>;

/** Planning in a worker started from `scriptUrl` when possible, else in this thread on `local()`. */
export function planComputer(scriptUrl: string, texts: PlanTexts, local: () => PlanModel): PlanCompute {
  return modelComputer(scriptUrl, texts, local, PLAN);
}
