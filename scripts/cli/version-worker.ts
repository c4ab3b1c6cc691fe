/**
 * A worker thread that maps ATT&CK versions: it builds the OSSEM catalogue once from the texts the
 * main thread fetched and verified, then turns each bundle it is sent into artifact files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IndexEntry, SourceRecord } from '../artifacts/build.ts';
import { isExpected } from './errors.ts';
import { buildOneVersion, catalogFromTexts, type CatalogTexts } from './pipeline.ts';

export interface VersionJob {
  version: string;
  label: string;
  bundle: Uint8Array;
  sources: SourceRecord[];
  includeDeprecated: boolean;
}

export type VersionResult =
  | { ok: true; version: string; files: Array<[string, string]>; entry: IndexEntry }
  | { ok: false; version: string; name: string; message: string; expected: boolean; stack: string };

const port = parentPort;
if (port) {
  const catalog = catalogFromTexts(workerData as CatalogTexts);
  port.on('message', (job: VersionJob) => {
    try {
      const text = Buffer.from(job.bundle.buffer, job.bundle.byteOffset, job.bundle.byteLength).toString('utf8');
      const built = buildOneVersion(job.version, text, job.label, catalog, job.sources, job.includeDeprecated);
      const result: VersionResult = { ok: true, version: job.version, files: [...built.files], entry: built.entry };
      port.postMessage(result);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const result: VersionResult = { ok: false, version: job.version, name: error.name, message: error.message, expected: isExpected(error), stack: error.stack ?? '' };
      port.postMessage(result);
    }
  });
}
