/**
 * HTTP downloads with undici: gzip transfer decoding, conditional revalidation against the cache,
 * retries with exponential backoff for transient failures, and strict completeness checks so that
 * only a whole body ever reaches the cache.
 *
 * Bodies are never buffered whole while they arrive: they stream (inflating a gzip transfer on the
 * way) into a temp file in the cache folder while being counted and hashed, and are refused as soon
 * as they pass their limit — the lock's pinned size, or `maxBodyBytes` for a file without a pin —
 * so neither a huge body nor a gzip bomb can fill memory or disk. A body is moved into the cache only
 * when complete and, when pinned, matching the pin; anything else is deleted.
 *
 * Redirects are followed by hand (at most MAX_REDIRECTIONS): within the origin asked, to https on
 * the same host, or to GitHub's hosts (GITHUB_HOSTS); in mirror-url mode only within the mirror's
 * origin. Anything else fails with reason 'redirect'.
 */

import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { plural } from '../lib/plural.ts';
import { cacheTempPath, commitCacheEntry, discardCacheTemp, readCacheBody, readCacheMeta, type CacheMeta } from './cache.ts';
import { sha256Hex } from './digest.ts';
import { SourceError, checksumError, tooLargeError, type SourceErrorReason } from './errors.ts';
import { bodyLimitFor, gzipRawLimit, type BodyLimit, type FetchTuning, type Fetched } from './types.ts';

/**
 * Inflated output per chunk: zlib's 16 KiB default made a 46 MB bundle some 2,800 chunks, each a turn
 * of the main thread and a file write. Not more, because a gzip bomb is counted chunk by chunk: it
 * is refused at most one chunk past the limit.
 */
const INFLATE_CHUNK = 256 * 1024;

/** A server asking for more than this in Retry-After is not waited for longer than this. */
const MAX_RETRY_AFTER_MS = 30_000;
export const MAX_REDIRECTIONS = 5;
const USER_AGENT = 'winevents-attack-map';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Hosts an upstream source may redirect to (over https), besides its own. */
export const GITHUB_HOSTS: ReadonlySet<string> = new Set([
  'raw.githubusercontent.com',
  'codeload.github.com',
  'api.github.com',
  'github.com',
  'objects.githubusercontent.com',
]);

/**
 * Why a redirect from a request to `from` (the URL first asked for) on to `to` is not followed, or
 * null when it is. `mirrorOrigin` (mirror-url mode): only that origin is allowed.
 */
export function redirectRefusal(to: URL, from: URL, mirrorOrigin?: string): string | null {
  if (mirrorOrigin !== undefined) {
    return to.origin === mirrorOrigin ? null : `a mirror may only redirect within its own origin ${mirrorOrigin}`;
  }
  if (to.origin === from.origin) return null;
  const allowed = `only https URLs on ${from.host} or on GitHub's hosts (${[...GITHUB_HOSTS].join(', ')}) are followed`;
  if (to.protocol !== 'https:') return `not https; ${allowed}`;
  if (to.host === from.host) return null;
  if (GITHUB_HOSTS.has(to.hostname) && to.port === '') return null;
  return `another host; ${allowed}`;
}

export interface HttpClientOptions {
  cacheDir: string;
  tuning: FetchTuning;
  /** Injected in tests that want to observe backoff; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** mirror-url mode: the mirror's origin, the only one redirects may lead to. */
  redirectOrigin?: string;
}

export interface HttpClient {
  /**
   * Downloads `url` (the upstream URL: cache key and `Fetched.url`) from `requestUrl` (defaults to
   * `url`; a mirror-url rewrite otherwise), revalidating a cached copy when there is one. The body
   * is limited (and, when pinned, verified) by `bodyLimitFor(tuning, url)`.
   */
  download(url: string, requestUrl?: string): Promise<Fetched>;
  /** Closes pooled connections; waits for requests in flight. */
  close(): Promise<void>;
}

/** A failure worth another attempt; becomes the final error if the attempts run out. */
interface Transient {
  reason: SourceErrorReason;
  detail: string;
  /** Server-requested delay (Retry-After), if any. */
  retryAfterMs?: number;
}

/** A complete body in a temp file of the cache folder, not yet verified against the pin nor committed. */
interface Received {
  temp: string;
  sha256: string;
  size: number;
}

type Attempt =
  | ({ kind: 'ok'; etag: string | null; lastModified: string | null } & Received)
  | { kind: 'not-modified'; bytes: Buffer }
  /** 304, but the cached body turned out damaged: ask again without validators. */
  | { kind: 'cache-damaged' }
  | { kind: 'transient'; failure: Transient };

const HINTS: Partial<Record<SourceErrorReason, string>> = {
  timeout: 'check the network, or retry later if the server is slow',
  truncated: 'the connection dropped mid-transfer; retry later',
  network: 'check the network connection, or use --offline (cache) or --mirror <dir|url>',
  'http-status': 'the server is failing or rate-limiting; retry later',
  decode: 'the server sent a damaged compressed body; retry later',
};

/** Error codes of connection-level failures that may well succeed on a second try. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: unknown }).cause;
  return cause === error ? undefined : errorCode(cause);
}

function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/** Retry-After as milliseconds (delta-seconds or HTTP-date), or undefined when absent/unparsable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    301: 'Moved Permanently',
    302: 'Found',
    303: 'See Other',
    307: 'Temporary Redirect',
    308: 'Permanent Redirect',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    410: 'Gone',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  const text = texts[status];
  return text === undefined ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}

/** The Content-Encoding list, outermost last (we only ever ask for gzip); throws for anything else. */
function contentCodings(contentEncoding: string | null, url: string, label: string): string[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings) {
    if (coding !== 'gzip' && coding !== 'x-gzip') {
      throw new SourceError('decode', url, `${label}: the server used Content-Encoding "${coding}", which this tool does not decode (it asks for gzip only)`);
    }
  }
  return codings;
}

/** Thrown inside the body pipeline when a counter passes its limit; becomes a 'too-large' SourceError. */
class BodyTooLarge extends Error {
  readonly subject: string;
  constructor(subject: string, detail: string) {
    super(detail);
    this.subject = subject;
  }
}

/** A pass-through stream that calls `count` per chunk; `count` throws to stop the transfer. */
function counter(count: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        count(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { cacheDir, tuning, redirectOrigin } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // undici 7's `request` does not follow redirects by itself; attempt() follows them by the rules above.
  const agent = new Agent({
    headersTimeout: tuning.headersTimeoutMs,
    bodyTimeout: tuning.bodyTimeoutMs,
    connectTimeout: tuning.headersTimeoutMs,
  });

  /** Classifies a thrown transport error: transient ones are returned, anything else rethrown. */
  function transportFailure(error: unknown, url: string, label: string, phase: 'headers' | 'body', received: number, expected: number | null): Transient {
    const code = errorCode(error);
    const message = (error as Error | null)?.message ?? String(error);
    if (code !== undefined && TIMEOUT_CODES.has(code)) {
      const detail =
        code === 'UND_ERR_BODY_TIMEOUT'
          ? `timed out: the body stalled, no data for ${tuning.bodyTimeoutMs} ms (${received}${expected === null ? '' : ` of ${expected}`} bytes received)`
          : code === 'UND_ERR_HEADERS_TIMEOUT'
            ? `timed out: no response headers within ${tuning.headersTimeoutMs} ms`
            : `timed out while connecting (${message})`;
      return { reason: 'timeout', detail };
    }
    if (phase === 'body') {
      // The response had started: whatever broke the connection, the body we hold is incomplete.
      const of = expected === null ? '' : ` of ${expected} declared by Content-Length`;
      return { reason: 'truncated', detail: `the body was cut short: ${received} bytes received${of} (${message})` };
    }
    if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) {
      return { reason: 'network', detail: `connection failed (${code}: ${message})` };
    }
    if (code === 'ENOTFOUND') {
      throw new SourceError('network', url, `${label}: host not found (${message}); ${HINTS.network}`, { cause: error });
    }
    throw new SourceError('network', url, `${label}: request failed (${code ?? 'no code'}: ${message}); ${HINTS.network}`, {
      cause: error,
    });
  }

  /**
   * Streams a 200 body into `temp`: counted (raw and decoded), inflated when gzip, hashed. Throws
   * 'too-large' past the limit; returns a Transient for a cut, stalled or corrupt transfer.
   */
  async function receiveBody(response: Dispatcher.ResponseData, url: string, label: string, limit: BodyLimit, temp: string): Promise<Received | Transient> {
    let codings: string[];
    try {
      codings = contentCodings(headerValue(response.headers, 'content-encoding'), url, label);
    } catch (error) {
      await response.body.dump().catch(() => undefined);
      throw error;
    }
    const gzip = codings.length > 0;
    const rawLimit = gzip ? gzipRawLimit(limit.maxBytes) : limit.maxBytes;
    const lengthHeader = headerValue(response.headers, 'content-length');
    const expected = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    if (expected !== null && expected > rawLimit) {
      // Not even started: close the connection rather than read (or drain) what is refused.
      response.body.destroy();
      throw tooLargeError(url, label, limit, gzip ? 'the gzip body' : 'the body', `Content-Length: ${expected}; nothing was read`);
    }

    let received = 0;
    let decoded = 0;
    const hash = createHash('sha256');
    const countRaw = counter((chunk) => {
      received += chunk.length;
      if (received > rawLimit) throw new BodyTooLarge(gzip ? 'the gzip body' : 'the body', `refused after receiving ${received} bytes`);
    });
    const countDecoded = counter((chunk) => {
      decoded += chunk.length;
      if (decoded > limit.maxBytes) throw new BodyTooLarge('the gzip body, inflated,', `refused after inflating ${decoded} bytes from ${received} bytes received`);
      hash.update(chunk);
    });
    // Opened before the transfer starts, so a transfer that fails at once cannot create the file after
    // the caller removed it (createWriteStream opens asynchronously).
    const file = (await open(temp, 'wx')).createWriteStream();
    let fileError: unknown = null;
    file.on('error', (error) => (fileError ??= error));
    try {
      await pipeline([response.body, countRaw, ...codings.map(() => createGunzip({ chunkSize: INFLATE_CHUNK })), countDecoded, file]);
    } catch (error) {
      if (error instanceof BodyTooLarge) throw tooLargeError(url, label, limit, error.subject, error.message);
      if (fileError !== null && error === fileError) throw error;
      const code = errorCode(error);
      if (code !== undefined && code.startsWith('Z_')) {
        // A gzip stream that just ends early is a cut transfer (no Content-Length to tell us): retry.
        if (code === 'Z_BUF_ERROR') return { reason: 'truncated', detail: `the gzip body ends early (${received} bytes received)` };
        return { reason: 'decode', detail: `the gzip body is corrupt (${(error as Error).message})` };
      }
      return transportFailure(error, url, label, 'body', received, expected);
    }
    if (expected !== null && received !== expected) {
      return { reason: 'truncated', detail: `received ${received} bytes but Content-Length declared ${expected}` };
    }
    return { temp, sha256: hash.digest('hex'), size: decoded };
  }

  /** Sends the request, following allowed redirects; a Transient for a connection-level failure. */
  async function send(url: string, requestUrl: string, label: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData | Transient> {
    const first = new URL(requestUrl);
    let target = first;
    for (let hops = 0; ; hops++) {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(target, { method: 'GET', headers, dispatcher: agent });
      } catch (error) {
        return transportFailure(error, url, label, 'headers', 0, null);
      }
      if (!REDIRECT_STATUSES.has(response.statusCode)) return response;
      await response.body.dump().catch(() => undefined);
      const location = headerValue(response.headers, 'location');
      const at = target.href === requestUrl ? '' : ` (at ${target.href})`;
      if (location === null || location.trim() === '') {
        throw new SourceError('http-status', url, `${label}: the server answered ${statusText(response.statusCode)}${at} without a Location header`);
      }
      let next: URL;
      try {
        next = new URL(location, target);
      } catch (cause) {
        throw new SourceError('redirect', url, `${label}: the server redirected${at} to ${JSON.stringify(location)}, which is not a URL`, { cause });
      }
      if (hops >= MAX_REDIRECTIONS) {
        throw new SourceError('redirect', url, `${label}: more than ${MAX_REDIRECTIONS} redirects (the last${at} to ${next.href}); refused, check the URL`);
      }
      const refusal = redirectRefusal(next, first, redirectOrigin);
      if (refusal !== null) {
        throw new SourceError('redirect', url, `${label}: the server redirected${at} to ${next.href}, which is refused: ${refusal}; check the URL${redirectOrigin === undefined ? '' : ' and the mirror'}`);
      }
      target = next;
    }
  }

  async function attempt(url: string, requestUrl: string, label: string, cached: CacheMeta | null, limit: BodyLimit): Promise<Attempt> {
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', 'user-agent': USER_AGENT };
    // GitHub's REST API answers a branch-head request with the bare commit SHA when asked for it.
    if (new URL(url).hostname === 'api.github.com') headers['accept'] = 'application/vnd.github.sha';
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;

    const response = await send(url, requestUrl, label, headers);
    if (!('statusCode' in response)) return { kind: 'transient', failure: response };

    const { statusCode } = response;
    if (statusCode !== 200) {
      // Always drain (bounded) so the connection can be reused; a failure here does not matter.
      await response.body.dump().catch(() => undefined);
      if (statusCode === 304) {
        if (cached === null) {
          throw new SourceError('http-status', url, `${label}: the server answered 304 Not Modified to an unconditional request`);
        }
        const bytes = await readCacheBody(cacheDir, cached);
        return bytes === null ? { kind: 'cache-damaged' } : { kind: 'not-modified', bytes };
      }
      if (statusCode >= 500 || statusCode === 429) {
        const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
        const failure: Transient = { reason: 'http-status', detail: `the server answered ${statusText(statusCode)}` };
        if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
        return { kind: 'transient', failure };
      }
      // 4xx (other than 429) and anything unexpected will not change by retrying.
      const hint =
        statusCode === 404 || statusCode === 410
          ? 'check the URL (the file may have moved upstream), or the mirror contents'
          : 'check the URL and access rights';
      throw new SourceError('http-status', url, `${label}: the server answered ${statusText(statusCode)}; ${hint}`);
    }

    const temp = await cacheTempPath(cacheDir, url);
    let received: Received | Transient;
    try {
      received = await receiveBody(response, url, label, limit, temp);
    } catch (error) {
      await discardCacheTemp(temp);
      throw error;
    }
    if (!('temp' in received)) {
      await discardCacheTemp(temp);
      return { kind: 'transient', failure: received };
    }
    return {
      kind: 'ok',
      ...received,
      etag: headerValue(response.headers, 'etag'),
      lastModified: headerValue(response.headers, 'last-modified'),
    };
  }

  /** A cached copy worth revalidating: within the limit and, when pinned, the pinned body. */
  function usable(cached: CacheMeta | null, limit: BodyLimit): CacheMeta | null {
    if (cached === null || cached.size > limit.maxBytes) return null;
    if (limit.pin !== null && (cached.sha256 !== limit.pin.sha256 || cached.size !== limit.pin.size)) return null;
    return cached;
  }

  /** Verifies a received body against the pin, then moves it into the cache and returns it. */
  async function commit(url: string, result: Extract<Attempt, { kind: 'ok' }>, limit: BodyLimit): Promise<Fetched> {
    try {
      if (limit.pin !== null && (result.sha256 !== limit.pin.sha256 || result.size !== limit.pin.size)) {
        throw checksumError(url, limit.pin, { sha256: result.sha256, size: result.size });
      }
      const bytes = await readFile(result.temp);
      if (bytes.length !== result.size) throw new Error(`${result.temp}: ${bytes.length} bytes on disk, ${result.size} received`);
      await commitCacheEntry(cacheDir, url, result.temp, result, { etag: result.etag, lastModified: result.lastModified });
      return { url, bytes, sha256: result.sha256, size: result.size, origin: 'download' };
    } finally {
      await discardCacheTemp(result.temp);
    }
  }

  async function download(url: string, requestUrl: string = url): Promise<Fetched> {
    const label = requestUrl === url ? url : `${url} (requested as ${requestUrl})`;
    const limit = bodyLimitFor(tuning, url);
    let cached = usable(await readCacheMeta(cacheDir, url), limit);
    const attempts = tuning.retries + 1;
    let last: Transient | undefined;

    for (let n = 1; n <= attempts; n++) {
      if (n > 1 && last !== undefined) {
        const backoff = tuning.backoffMs * 2 ** (n - 2);
        await sleep(Math.max(backoff, Math.min(last.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
      }
      let result = await attempt(url, requestUrl, label, cached, limit);
      if (result.kind === 'cache-damaged') {
        // The validators pointed at a body we no longer have intact: one unconditional request, same attempt.
        cached = null;
        result = await attempt(url, requestUrl, label, null, limit);
      }
      switch (result.kind) {
        case 'ok':
          return commit(url, result, limit);
        case 'not-modified':
          return { url, bytes: result.bytes, sha256: sha256Hex(result.bytes), size: result.bytes.length, origin: 'not-modified' };
        case 'cache-damaged':
          throw new SourceError('http-status', url, `${label}: the server answered 304 Not Modified to an unconditional request`);
        case 'transient':
          last = result.failure;
          break;
      }
    }

    const failure = last ?? { reason: 'network' as const, detail: 'no attempt was made (retries < 0?)' };
    const hint = HINTS[failure.reason] ?? 'retry later';
    throw new SourceError(failure.reason, url, `${label}: ${failure.detail}; gave up after ${plural(attempts, 'attempt')}; ${hint}`);
  }

  return {
    download,
    close: () => agent.close(),
  };
}
