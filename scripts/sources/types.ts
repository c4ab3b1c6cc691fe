/** Contracts of the sources layer: how upstream files are located, fetched and pinned. */

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
}

export interface Fetched {
  url: string;
  bytes: Buffer;
  sha256: string;
  size: number;
  /** How the bytes were obtained: downloaded, a 304 revalidation of the cache, the cache alone, or a mirror folder. */
  origin: 'download' | 'not-modified' | 'cache' | 'mirror';
}
