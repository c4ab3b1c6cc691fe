/// <reference lib="dom" />
/**
 * The coverage page's counting, off the main thread (model-worker.ts): the worker reads the data
 * file's text once, then answers each request with computePage.
 */
import { configEventsFromJson, versionDataFromJson } from '../../coverage/index.ts';
import { computePage, type PageModel, type PageRequest, type PageResult } from './coverage-compute.ts';
import { expandCoverageData } from './coverage-data.ts';
import { modelComputer, type ModelWorker, serveModel, type WorkerScope } from './model-worker.ts';

/** The page's model from the data file's text (VersionData and the configuration fields of each event). */
export function modelFromText(text: string): PageModel & { events: unknown } {
  const docs = expandCoverageData(JSON.parse(text));
  return { data: versionDataFromJson(docs), details: configEventsFromJson(docs.events), events: docs.events };
}

const COVERAGE: ModelWorker<string, PageModel, PageRequest, PageResult> = { load: modelFromText, compute: computePage };

/** Runs in the worker. */
export function serveWorker(scope: WorkerScope<string, PageRequest, PageResult>): void {
  serveModel(scope, COVERAGE);
}

export type Compute = (request: PageRequest) => Promise<PageResult>;

/** Counting in a worker started from `scriptUrl` when possible, else in this thread on `local`. */
export function pageComputer(scriptUrl: string, text: string, local: PageModel): Compute {
  return modelComputer(scriptUrl, text, () => local, COVERAGE);
}
