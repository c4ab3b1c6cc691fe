/** The one entry point for getting upstream bytes, whatever the source mode of the run. */

import { SourceError, checksumError, notInCacheError, tooLargeError } from './errors.ts';
import { sha256Hex } from './digest.ts';
import { readCacheBody, readCacheMeta } from './cache.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import { readFromMirror } from './mirror.ts';
import { bodyLimitFor, DEFAULT_MAX_BODY_BYTES, type FetchTuning, type Fetched, type SourceMode } from './types.ts';
import { rewriteToBase } from './url.ts';

export const DEFAULT_TUNING: Readonly<FetchTuning> = Object.freeze({
  retries: 3,
  backoffMs: 500,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  concurrency: 16,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
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

function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch (cause) {
    throw new SourceError('invalid-url', baseUrl, `${baseUrl}: the mirror URL is not a valid URL`, { cause });
  }
}

/**
 * `tuning.pins` (a lock's `files`) bounds and verifies every pinned URL in every mode: a body larger
 * than the pin fails with 'too-large' as soon as that is known, one that differs with 'checksum';
 * neither is cached. Unpinned URLs are bounded by `maxBodyBytes`.
 */
export function createFetcher(mode: SourceMode, tuning: Partial<FetchTuning> = {}): Fetcher {
  const settings: FetchTuning = { ...DEFAULT_TUNING, ...tuning };
  if (!(settings.maxBodyBytes >= 0)) settings.maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
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
      const client = createHttpClient({ cacheDir: mode.cacheDir, tuning: settings, redirectOrigin: originOf(mode.baseUrl) });
      http = client;
      // Cached under the upstream URL, so a later --offline run finds what a mirror run fetched.
      fetchOne = (url) => client.download(url, rewriteToBase(url, mode.baseUrl));
      break;
    }
    case 'mirror':
      fetchOne = async (url) => fetchedFrom(url, await readFromMirror(mode.dir, url, bodyLimitFor(settings, url)), 'mirror');
      break;
    case 'offline':
      fetchOne = async (url) => {
        const meta = await readCacheMeta(mode.cacheDir, url);
        const limit = bodyLimitFor(settings, url);
        if (meta !== null && meta.size > limit.maxBytes) {
          throw tooLargeError(url, url, limit, 'the cached copy', `${meta.size} bytes in ${mode.cacheDir}; nothing was read`, false);
        }
        const bytes = meta === null ? null : await readCacheBody(mode.cacheDir, meta);
        if (bytes === null) throw notInCacheError(url, mode.cacheDir, 'no intact copy in the download cache');
        return fetchedFrom(url, bytes, 'cache');
      };
      break;
  }

  /** The HTTP client verifies before caching; the other modes are verified here, the same way. */
  async function fetchVerified(url: string): Promise<Fetched> {
    const fetched = await fetchOne(url);
    const { pin } = bodyLimitFor(settings, url);
    if (pin !== null && (fetched.sha256 !== pin.sha256 || fetched.size !== pin.size)) throw checksumError(url, pin, fetched);
    return fetched;
  }

  // Concurrent requests for one URL share a single download (and a single cache write).
  const inFlight = new Map<string, Promise<Fetched>>();
  function get(url: string): Promise<Fetched> {
    const pending = inFlight.get(url);
    if (pending !== undefined) return pending;
    const promise = fetchVerified(url).finally(() => inFlight.delete(url));
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
