/**
 * Where versions are built: in this thread (the default), or in `--jobs N` worker threads. Each
 * worker parses the shared sources from their verified bytes once (sending the parsed catalogue
 * would cost more than parsing it), which is why two workers did not pay on the project's 2-core
 * machine: nine versions took 12.6 s against 9.7 s in one thread (npm run bench, 2026-12-02). They
 * may on more cores; the output is the same bytes either way (tested).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IndexEntry } from '../artifacts/build.ts';
import { rebuildExpected } from './expected.ts';
import { parseSharedOnce, type SharedInputs, type SharedSources } from './shared.ts';
import { runVersionJob, type VersionJob } from './version.ts';
import type { VersionResult } from './worker.ts';

export interface VersionBuilder {
  /**
   * Builds one version into `job.dir`; resolves with its index entry. `onParsed` is called once the
   * bundle is parsed (in a worker: when the job is handed over), to start fetching the next one.
   */
  build(job: VersionJob, onParsed?: () => void): Promise<IndexEntry>;
  /** How many versions it builds at once. */
  readonly lanes: number;
  close(): Promise<void>;
}

export class InlineBuilder implements VersionBuilder {
  readonly lanes = 1;
  private shared: SharedSources | undefined;
  constructor(private readonly inputs: SharedInputs) {}
  /** Parsed on first use, so a build that fails before its first version does not pay for it. */
  sharedSources(): SharedSources {
    this.shared ??= parseSharedOnce(this.inputs);
    return this.shared;
  }
  build(job: VersionJob, onParsed?: () => void): Promise<IndexEntry> {
    return runVersionJob(job, this.sharedSources(), onParsed);
  }
  async close(): Promise<void> {}
}

/** Builds on `count` worker threads; each takes one job at a time. */
export class WorkerBuilder implements VersionBuilder {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private readonly all: Worker[] = [];
  private failure: Error | undefined;
  constructor(
    readonly lanes: number,
    inputs: SharedInputs,
  ) {
    for (let i = 0; i < lanes; i++) {
      const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: inputs });
      // A crashed worker fails every build still waiting for it.
      w.on('error', (e) => {
        this.failure ??= e;
      });
      this.all.push(w);
      this.release(w);
    }
  }
  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }
  private acquire(): Promise<Worker> {
    const w = this.idle.shift();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }
  async build(job: VersionJob, onParsed?: () => void): Promise<IndexEntry> {
    const w = await this.acquire();
    onParsed?.();
    try {
      const result = await new Promise<VersionResult>((resolve, reject) => {
        const onError = (e: Error): void => reject(e);
        const onExit = (code: number): void => reject(this.failure ?? new Error(`the worker building ATT&CK ${job.version} exited (code ${code})`));
        w.once('error', onError);
        w.once('exit', onExit);
        w.once('message', (m: VersionResult) => {
          w.off('error', onError);
          w.off('exit', onExit);
          resolve(m);
        });
        w.postMessage(job);
      });
      if (result.ok) return result.entry;
      // Expected failures (a malformed bundle, a schema mismatch) keep their one-line message.
      if (result.expected >= 0) throw rebuildExpected(result.expected, result.name, result.message);
      const e = new Error(result.message);
      e.name = result.name;
      e.stack = result.stack;
      throw e;
    } finally {
      this.release(w);
    }
  }
  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

/** `jobs` worker threads (at most one per core and per version); this thread when that is 1 (the default). */
export function versionBuilder(inputs: SharedInputs, versions: number, jobs?: number): VersionBuilder {
  const lanes = Math.max(1, Math.min(jobs ?? 1, os.availableParallelism(), versions));
  return lanes > 1 ? new WorkerBuilder(lanes, inputs) : new InlineBuilder(inputs);
}

