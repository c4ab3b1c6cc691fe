/** The one entry point for getting upstream bytes, whatever the source mode of the run. */

import { notInCacheError } from './errors.ts';
import { sha256Hex } from './digest.ts';
import { readCacheEntry } from './cache.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import { readFromMirror } from './mirror.ts';
import type { FetchTuning, Fetched, SourceMode } from './types.ts';
import { rewriteToBase } from './url.ts';

export const DEFAULT_TUNING: Readonly<FetchTuning> = Object.freeze({
  retries: 3,
  backoffMs: 500,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  concurrency: 16,
});

export interface Fetcher {
  get(url: string): Promise<Fetched>;
  /**
   * All of `urls` (duplicates fetched once), at most `concurrency` at a time. On failure no new
   * request is started, the ones in flight are allowed to settle, then the first error is thrown.
   */
  getMany(urls: string[]): Promise<Map<string, Fetched>>;
  /** Releases pooled connections. The fetcher must not be used afterwards. */
  close(): Promise<void>;
}

function fetchedFrom(url: string, bytes: Buffer, origin: Fetched['origin']): Fetched {
  return { url, bytes, sha256: sha256Hex(bytes), size: bytes.length, origin };
}

export function createFetcher(mode: SourceMode, tuning: Partial<FetchTuning> = {}): Fetcher {
  const settings: FetchTuning = { ...DEFAULT_TUNING, ...tuning };
  const concurrency = Math.max(1, Math.floor(settings.concurrency));
  let http: HttpClient | null = null;

  let fetchOne: (url: string) => Promise<Fetched>;
  switch (mode.kind) {
    case 'network': {
      const client = createHttpClient({ cacheDir: mode.cacheDir, tuning: settings });
      http = client;
      fetchOne = (url) => client.download(url);
      break;
    }
    case 'mirror-url': {
      const client = createHttpClient({ cacheDir: mode.cacheDir, tuning: settings });
      http = client;
      // Cached under the upstream URL, so a later --offline run finds what a mirror run fetched.
      fetchOne = (url) => client.download(url, rewriteToBase(url, mode.baseUrl));
      break;
    }
    case 'mirror':
      fetchOne = async (url) => fetchedFrom(url, await readFromMirror(mode.dir, url), 'mirror');
      break;
    case 'offline':
      fetchOne = async (url) => {
        const entry = await readCacheEntry(mode.cacheDir, url);
        if (entry === null) throw notInCacheError(url, mode.cacheDir, 'no intact copy in the download cache');
        return fetchedFrom(url, entry.bytes, 'cache');
      };
      break;
  }

  // Concurrent requests for one URL share a single download (and a single cache write).
  const inFlight = new Map<string, Promise<Fetched>>();
  function get(url: string): Promise<Fetched> {
    const pending = inFlight.get(url);
    if (pending !== undefined) return pending;
    const promise = fetchOne(url).finally(() => inFlight.delete(url));
    inFlight.set(url, promise);
    return promise;
  }

  async function getMany(urls: string[]): Promise<Map<string, Fetched>> {
    const unique = [...new Set(urls)];
    const results = new Map<string, Fetched>();
    let next = 0;
    let firstError: { error: unknown } | null = null;

    async function worker(): Promise<void> {
      while (firstError === null && next < unique.length) {
        const url = unique[next++] as string;
        try {
          results.set(url, await get(url));
        } catch (error) {
          firstError ??= { error };
        }
      }
    }

    await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, () => worker()));
    if (firstError !== null) throw (firstError as { error: unknown }).error;
    // Callers iterate in request order, so rebuild the map in that order.
    return new Map(unique.map((url) => [url, results.get(url) as Fetched]));
  }

  return {
    get,
    getMany,
    close: async () => {
      await http?.close();
    },
  };
}
