/** Contracts of the sources layer: how upstream files are located, fetched, limited and pinned. */

/** One pinned upstream file. `sha256` and `size` are of the decoded resource (never of a gzip transfer). */
export interface LockEntry {
  url: string;
  sha256: string;
  size: number;
}

/** The committed lock file (`scripts/sources.lock.json`). Keys of `files` are upstream URLs. */
export interface LockFile {
  lockfileVersion: 1;
  /** ATT&CK versions built by `npm run data` with no `--attack` flag. */
  attackVersions: string[];
  /** The pinned commit of each GitHub archive source (`ossem-dd`, `splunk-escu`, `mitre-car`): 40 hex digits. */
  archives: Record<string, string>;
  files: Record<string, LockEntry>;
}

/** Where bytes come from. Exactly one mode is active for a run. */
export type SourceMode =
  | { kind: 'network'; cacheDir: string }
  /** A local folder laid out by URL path (`<host>/<decoded path>`, or the same with `.gz`). */
  | { kind: 'mirror'; dir: string }
  /** An HTTP server laid out by URL path: `https://HOST/PATH` is fetched as `${baseUrl}/HOST/PATH`. */
  | { kind: 'mirror-url'; baseUrl: string; cacheDir: string }
  /** Only what the cache already holds; never touches the network. */
  | { kind: 'offline'; cacheDir: string };

export interface FetchTuning {
  /** Attempts for transient failures (5xx, 429, resets, timeouts, truncated bodies). */
  retries: number;
  /** First backoff delay; doubles on each retry. */
  backoffMs: number;
  /** Time allowed for response headers. */
  headersTimeoutMs: number;
  /** Time allowed between two chunks of the body (a stalled transfer fails after this). */
  bodyTimeoutMs: number;
  /** Parallel requests at most. */
  concurrency: number;
  /**
   * Largest decoded body (bytes, after gunzip) accepted for a URL without a pin; counted while the
   * body streams in (and while a gzip body inflates), so a larger body or a gzip bomb fails fast.
   */
  maxBodyBytes: number;
  /**
   * Expected decoded bytes per upstream URL (a lock's `files`). A pinned URL may not exceed its
   * `size` (instead of `maxBodyBytes`), and its body is cached only when size and sha256 match;
   * a mismatch fails with reason 'checksum'. Leave unset to accept whatever comes (--update-lock).
   */
  pins?: Readonly<Record<string, Readonly<{ sha256: string; size: number }>>>;
}

/** What a body may be: at most `maxBytes` decoded bytes, and exactly `pin` when there is one. */
export interface BodyLimit {
  maxBytes: number;
  pin: Readonly<{ sha256: string; size: number }> | null;
}

/** `maxBodyBytes` unless configured: 256 MiB decoded (the largest pinned file is an ATT&CK bundle of about 45 MB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

/** The limit for `url`: its pin's size when `pins` has it, else `maxBodyBytes`. */
export function bodyLimitFor(tuning: Pick<FetchTuning, 'maxBodyBytes' | 'pins'>, url: string): BodyLimit {
  const pins = tuning.pins;
  const pin = pins !== undefined && pins !== null && Object.hasOwn(pins, url) ? pins[url] : undefined;
  if (pin !== undefined && typeof pin.size === 'number' && typeof pin.sha256 === 'string') {
    return { maxBytes: pin.size, pin: { sha256: pin.sha256, size: pin.size } };
  }
  return { maxBytes: tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, pin: null };
}

/**
 * Compressed bytes accepted for a gzip body of at most `maxBytes` decoded bytes: deflate adds a
 * little to incompressible data and the gzip header may carry a name; anything beyond is refused.
 */
export function gzipRawLimit(maxBytes: number): number {
  return maxBytes + Math.ceil(maxBytes / 64) + 64 * 1024;
}

export interface Fetched {
  url: string;
  bytes: Buffer;
  sha256: string;
  size: number;
  /** How the bytes were obtained: downloaded, a 304 revalidation of the cache, the cache alone, or a mirror folder. */
  origin: 'download' | 'not-modified' | 'cache' | 'mirror';
}
