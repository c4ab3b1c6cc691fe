/**
 * A worker thread that builds ATT&CK versions: it parses the shared sources once from the bytes the
 * main thread fetched and verified, then turns each bundle it is sent into the version's files in the
 * staging tree, and answers with the index entry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IndexEntry } from '../artifacts/build.ts';
import { expectedKind } from './expected.ts';
import { parseShared, type SharedInputs } from './shared.ts';
import { runVersionJob, type VersionJob } from './version.ts';


export type VersionResult =
  | { ok: true; version: string; entry: IndexEntry }
  /** `expected`: the index of the expected error class in EXPECTED_BUILD_ERRORS, or -1. */
  | { ok: false; version: string; name: string; message: string; stack: string; expected: number };

const port = parentPort;
if (port) {
  const shared = parseShared(workerData as SharedInputs);
  port.on('message', (job: VersionJob) => {
    void (async () => {
      try {
        const result: VersionResult = { ok: true, version: job.version, entry: await runVersionJob(job, shared) };
        port.postMessage(result);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        const expected = expectedKind(error);
        const result: VersionResult = { ok: false, version: job.version, name: error.name, message: error.message, stack: error.stack ?? '', expected };
        port.postMessage(result);
      }
    })();
  });
}
