/**
 * Expected failures of the sources layer. The CLI prints `error: <message>` without a stack
 * trace for these, so every message names the URL (or file), says what went wrong and how to fix it.
 */

import { ExpectedError } from '../lib/expected-error.ts';
import type { BodyLimit } from './types.ts';

export type SourceErrorReason =
  /** The server answered with a status we cannot use (4xx, or 5xx/429 after all retries). */
  | 'http-status'
  /** No headers, or no body data, within the configured timeout (after all retries). */
  | 'timeout'
  /** Fewer body bytes than the declared Content-Length (after all retries). */
  | 'truncated'
  /** A body that could not be decoded (bad gzip, unknown Content-Encoding). */
  | 'decode'
  /** A body (decoded, or inflating from gzip) larger than its pinned size or the default limit. */
  | 'too-large'
  /** A redirect to a place the source may not send us (another host, plain http, too many hops). */
  | 'redirect'
  /** Bytes differ from the lock entry. */
  | 'checksum'
  /** A URL that the lock does not pin. */
  | 'unpinned'
  /** `--offline` and the cache has no (intact) copy. */
  | 'not-in-cache'
  /** A mirror folder without the file. */
  | 'not-in-mirror'
  /** Connection-level failure (refused, reset, DNS) after all retries. */
  | 'network'
  /** A URL the mirror layout cannot represent. */
  | 'invalid-url'
  /** The lock file does not exist. */
  | 'lock-missing'
  /** The lock file exists but is not valid JSON of the expected shape. */
  | 'lock-invalid';

export class SourceError extends ExpectedError {
  override readonly name = 'SourceError';
  /** The upstream URL concerned (for lock errors: the lock file path). */
  readonly url: string;
  readonly reason: SourceErrorReason;

  constructor(reason: SourceErrorReason, url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.url = url;
  }
}

export function isSourceError(value: unknown, reason?: SourceErrorReason): value is SourceError {
  return value instanceof SourceError && (reason === undefined || value.reason === reason);
}

/** `sha256 abcd… (size 123)` — the same wording everywhere a checksum is shown. */
function describeDigest(sha256: string, size: number): string {
  return `sha256 ${sha256} (size ${size})`;
}

export function checksumError(
  url: string,
  expected: { sha256: string; size: number },
  actual: { sha256: string; size: number },
): SourceError {
  return new SourceError(
    'checksum',
    url,
    `${url}: checksum mismatch: expected ${describeDigest(expected.sha256, expected.size)} from the lock, ` +
      `got ${describeDigest(actual.sha256, actual.size)}; if upstream changed on purpose, rerun with --update-lock`,
  );
}

export function unpinnedError(url: string, lockPath?: string): SourceError {
  const where = lockPath === undefined ? 'the lock file' : lockPath;
  return new SourceError(
    'unpinned',
    url,
    `${url}: not pinned in ${where}; rerun with --update-lock to pin it (sha256 and size of the bytes just fetched)`,
  );
}

export function notInCacheError(url: string, cacheDir: string, detail?: string): SourceError {
  const what = detail === undefined ? 'not in the download cache' : detail;
  return new SourceError(
    'not-in-cache',
    url,
    `${url}: ${what} (${cacheDir}); run without --offline to download it, or use --mirror <dir|url> to read a mirror`,
  );
}

export function notInMirrorError(url: string, dir: string, relPath: string): SourceError {
  return new SourceError(
    'not-in-mirror',
    url,
    `${url}: not in the mirror folder ${dir} (looked for ${relPath} and ${relPath}.gz); ` +
      `add the file to the mirror, or run without --mirror to download it`,
  );
}

/** `268435456 bytes (256 MiB)`: exact bytes, and a readable size. */
export function describeBytes(n: number): string {
  const units: Array<[number, string]> = [
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${n} bytes (${Number.isInteger(v) ? v : v.toFixed(1)} ${unit})`;
    }
  }
  return `${n} bytes`;
}

/**
 * A body refused for its size: `subject` is what was too large (`the body`, `the gzip body,
 * inflated,`, `the mirror file …`), `detail` what was seen (`Content-Length: …`, `refused after
 * receiving … bytes`). The message names the URL (in `label`), the limit and where it comes from;
 * `cached` false drops "nothing was cached" (modes that never write the cache).
 */
export function tooLargeError(url: string, label: string, limit: BodyLimit, subject: string, detail: string, cached = true): SourceError {
  const why = limit.pin !== null ? 'the decoded size the lock pins for it' : 'the limit for a file the lock does not pin';
  const hint =
    limit.pin !== null
      ? 'if upstream changed on purpose, rerun with --update-lock'
      : 'check the URL, or raise the limit (FetchTuning.maxBodyBytes) if the file really is this large';
  return new SourceError('too-large', url, `${label}: ${subject} is larger than ${describeBytes(limit.maxBytes)}, ${why} (${detail})${cached ? '; nothing was cached' : ''}; ${hint}`);
}
