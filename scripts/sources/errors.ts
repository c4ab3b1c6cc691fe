/**
 * Expected failures of the sources layer. The CLI prints `error: <message>` without a stack
 * trace for these, so every message names the URL (or file), says what went wrong and how to fix it.
 */

export type SourceErrorReason =
  /** The server answered with a status we cannot use (4xx, or 5xx/429 after all retries). */
  | 'http-status'
  /** No headers, or no body data, within the configured timeout (after all retries). */
  | 'timeout'
  /** Fewer body bytes than the declared Content-Length (after all retries). */
  | 'truncated'
  /** A body that could not be decoded (bad gzip, unknown Content-Encoding). */
  | 'decode'
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

export class SourceError extends Error {
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
