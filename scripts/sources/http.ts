/**
 * HTTP downloads with undici: gzip transfer decoding, conditional revalidation against the cache,
 * retries with exponential backoff for transient failures, and strict completeness checks so that
 * only a whole body ever reaches the cache.
 */

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { readCacheBody, readCacheMeta, writeCacheEntry, type CacheMeta } from './cache.ts';
import { sha256Hex } from './digest.ts';
import { SourceError, type SourceErrorReason } from './errors.ts';
import type { FetchTuning, Fetched } from './types.ts';

const gunzipAsync = promisify(gunzip);

/** A server asking for more than this in Retry-After is not waited for longer than this. */
const MAX_RETRY_AFTER_MS = 30_000;
const MAX_REDIRECTIONS = 5;
const USER_AGENT = 'winevents-attack-map';

export interface HttpClientOptions {
  cacheDir: string;
  tuning: FetchTuning;
  /** Injected in tests that want to observe backoff; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpClient {
  /**
   * Downloads `url` (the upstream URL: cache key and `Fetched.url`) from `requestUrl` (defaults to
   * `url`; a mirror-url rewrite otherwise), revalidating a cached copy when there is one.
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

type Attempt =
  | { kind: 'ok'; bytes: Buffer; etag: string | null; lastModified: string | null }
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

/** Undoes the Content-Encoding list (we only ever ask for gzip). */
async function decodeBody(body: Buffer, contentEncoding: string | null, url: string, label: string): Promise<Buffer | Transient> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let bytes = body;
  for (const coding of codings.reverse()) {
    if (coding !== 'gzip' && coding !== 'x-gzip') {
      throw new SourceError('decode', url, `${label}: the server used Content-Encoding "${coding}", which this tool does not decode (it asks for gzip only)`);
    }
    try {
      bytes = await gunzipAsync(bytes);
    } catch (cause) {
      // A gzip stream that just ends early is a cut transfer (no Content-Length to tell us): retry.
      if (errorCode(cause) === 'Z_BUF_ERROR') {
        return { reason: 'truncated', detail: `the gzip body ends early (${body.length} bytes received)` };
      }
      return { reason: 'decode', detail: `the gzip body is corrupt (${(cause as Error).message})` };
    }
  }
  return bytes;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { cacheDir, tuning } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const agent = new Agent({
    headersTimeout: tuning.headersTimeoutMs,
    bodyTimeout: tuning.bodyTimeoutMs,
    connectTimeout: tuning.headersTimeoutMs,
  });
  // undici 7's `request` no longer follows redirects by itself.
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));

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

  async function attempt(url: string, requestUrl: string, label: string, cached: CacheMeta | null): Promise<Attempt> {
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', 'user-agent': USER_AGENT };
    // GitHub's REST API answers a branch-head request with the bare commit SHA when asked for it.
    if (new URL(url).hostname === 'api.github.com') headers['accept'] = 'application/vnd.github.sha';
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;

    let response: Dispatcher.ResponseData;
    try {
      response = await request(requestUrl, { method: 'GET', headers, dispatcher });
    } catch (error) {
      return { kind: 'transient', failure: transportFailure(error, url, label, 'headers', 0, null) };
    }

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

    const lengthHeader = headerValue(response.headers, 'content-length');
    const expected = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        received += chunk.length;
      }
    } catch (error) {
      return { kind: 'transient', failure: transportFailure(error, url, label, 'body', received, expected) };
    }
    if (expected !== null && received !== expected) {
      return {
        kind: 'transient',
        failure: { reason: 'truncated', detail: `received ${received} bytes but Content-Length declared ${expected}` },
      };
    }

    const decoded = await decodeBody(Buffer.concat(chunks, received), headerValue(response.headers, 'content-encoding'), url, label);
    if (!Buffer.isBuffer(decoded)) return { kind: 'transient', failure: decoded };
    return {
      kind: 'ok',
      bytes: decoded,
      etag: headerValue(response.headers, 'etag'),
      lastModified: headerValue(response.headers, 'last-modified'),
    };
  }

  async function download(url: string, requestUrl: string = url): Promise<Fetched> {
    const label = requestUrl === url ? url : `${url} (requested as ${requestUrl})`;
    let cached = await readCacheMeta(cacheDir, url);
    const attempts = tuning.retries + 1;
    let last: Transient | undefined;

    for (let n = 1; n <= attempts; n++) {
      if (n > 1 && last !== undefined) {
        const backoff = tuning.backoffMs * 2 ** (n - 2);
        await sleep(Math.max(backoff, Math.min(last.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
      }
      let result = await attempt(url, requestUrl, label, cached);
      if (result.kind === 'cache-damaged') {
        // The validators pointed at a body we no longer have intact: one unconditional request, same attempt.
        cached = null;
        result = await attempt(url, requestUrl, label, null);
      }
      switch (result.kind) {
        case 'ok': {
          await writeCacheEntry(cacheDir, url, result.bytes, { etag: result.etag, lastModified: result.lastModified });
          return { url, bytes: result.bytes, sha256: sha256Hex(result.bytes), size: result.bytes.length, origin: 'download' };
        }
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
    const plural = attempts === 1 ? 'attempt' : 'attempts';
    const hint = HINTS[failure.reason] ?? 'retry later';
    throw new SourceError(failure.reason, url, `${label}: ${failure.detail}; gave up after ${attempts} ${plural}; ${hint}`);
  }

  return {
    download,
    close: () => agent.close(),
  };
}
