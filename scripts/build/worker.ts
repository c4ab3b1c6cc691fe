/**
 * A worker thread that builds ATT&CK versions: it parses the shared sources once from the bytes the
 * main thread fetched and verified, then turns each bundle it is sent into the version's files in the
 * staging tree, and answers with the index entry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IndexEntry, SourceRecord } from '../artifacts/build.ts';
import { expectedKind } from './expected.ts';
import { parseShared, type SharedInputs } from './shared.ts';
import { buildOneVersion, writeVersionFiles } from './version.ts';

export interface VersionJob {
  version: string;
  label: string;
  bundle: Uint8Array;
  sources: SourceRecord[];
  includeDeprecated: boolean;
  dir: string;
}

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
        const text = Buffer.from(job.bundle.buffer, job.bundle.byteOffset, job.bundle.byteLength).toString('utf8');
        const built = buildOneVersion(job.version, text, job.label, shared, job.sources, job.includeDeprecated);
        await writeVersionFiles(job.dir, built.bytes);
        const result: VersionResult = { ok: true, version: job.version, entry: built.entry };
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
