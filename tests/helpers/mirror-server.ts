/**
 * A real HTTP server (node:http on 127.0.0.1, random port) serving a folder laid out by URL path,
 * like /shared/sources: `GET /HOST/PATH` serves `<dir>/HOST/<percent-decoded PATH>`, or, when only
 * `<file>.gz` exists, its bytes with `Content-Encoding: gzip`. Sends ETag (quoted sha256 of the bytes
 * sent) and Content-Length, answers a matching If-None-Match with 304, and can inject faults per path.
 *
 *   const server = await startMirrorServer(sharedSourcesDir());
 *   const fetcher = createFetcher({ kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir });
 *   server.faults.fail500('index.json', 1);
 *   ...
 *   await server.close();
 */

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The repository root, from this file's location (tests/helpers/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared offline mirror, a sibling of the repository (never an absolute path: CI lays it out the same way). */
export function sharedSourcesDir(): string {
  return path.resolve(repoRoot, '../shared/sources');
}

export interface LoggedRequest {
  method: string;
  /** The raw request path, still percent-encoded, e.g. `/raw.githubusercontent.com/mitre/cti/ATT%26CK-v6.3/...`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Status sent (0 while a stalled response is still open). */
  status: number;
  /** Which fault, if any, answered this request (`delay` only slows it down). */
  fault: 'fail' | 'stall' | 'truncate' | 'override' | 'delay' | 'huge' | 'redirect' | null;
  /** The body was sent as `Content-Encoding: gzip`. */
  gzip: boolean;
  /** `huge` responses: body bytes handed to the socket so far (the client may have read fewer). */
  bytesSent?: number;
}

export interface MirrorServerOptions {
  /** Send ETag and honour If-None-Match (default true). */
  etag?: boolean;
  /** Send Last-Modified (file mtime) and honour If-Modified-Since (default false). */
  lastModified?: boolean;
}

export interface FaultControls {
  /** The next `times` requests whose path contains `pathSubstring` get HTTP `status` (with Retry-After: 0 for 429/503). */
  fail(pathSubstring: string, status: number, times?: number): void;
  /** Shorthand for `fail(pathSubstring, 500, times)`. */
  fail500(pathSubstring: string, times?: number): void;
  /** Send headers and part of the body, then nothing, until the client gives up or the server closes. */
  stall(pathSubstring: string, times?: number): void;
  /** Declare the full Content-Length, send half of the body, then destroy the socket. */
  truncate(pathSubstring: string, times?: number): void;
  /** Serve `bytes` instead of the file (plain, no gzip) until cleared: an upstream change. */
  override(pathSubstring: string, bytes: Buffer | string): void;
  /** Hold the next `times` matching responses for `ms` before answering (to observe concurrency). */
  delay(pathSubstring: string, ms: number, times?: number): void;
  /**
   * Answer with a generated body of `size` bytes (the byte `fill`, plain), streamed with
   * backpressure and counted in `bytesSent`; with Content-Length unless `contentLength` is false
   * (then chunked, so only counting tells the client how much is coming). Until cleared.
   */
  huge(pathSubstring: string, size: number, options?: { contentLength?: boolean; fill?: number }): void;
  /**
   * Answer the next `times` matching requests with `status` (default 302) and `Location: location`
   * (absolute, or relative to the request). Until cleared by default.
   */
  redirect(pathSubstring: string, location: string, options?: { status?: number; times?: number }): void;
  /** Remove every fault. */
  clear(): void;
}

export interface MirrorServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: LoggedRequest[];
  faults: FaultControls;
  /** Responses being produced right now, and the most there ever were at once. */
  stats: { active: number; maxActive: number };
  /** Requests whose raw path contains `pathSubstring`. */
  requestsFor(pathSubstring: string): LoggedRequest[];
  /** Stops listening and destroys every open socket (stalled ones included). */
  close(): Promise<void>;
}

interface CountedFault {
  pathSubstring: string;
  remaining: number;
}

interface Body {
  bytes: Buffer;
  gzip: boolean;
  mtime: Date | null;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Takes one use of the first matching fault, or returns undefined. */
function take<T extends CountedFault>(list: T[], requestPath: string): T | undefined {
  const fault = list.find((f) => f.remaining > 0 && requestPath.includes(f.pathSubstring));
  if (fault !== undefined) fault.remaining -= 1;
  return fault;
}

async function isFile(file: string): Promise<{ mtime: Date } | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? { mtime: info.mtime } : null;
  } catch {
    return null;
  }
}

export async function startMirrorServer(dir: string, options: MirrorServerOptions = {}): Promise<MirrorServer> {
  const sendEtag = options.etag ?? true;
  const sendLastModified = options.lastModified ?? false;
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();

  const failures: Array<CountedFault & { status: number }> = [];
  const stalls: CountedFault[] = [];
  const truncations: CountedFault[] = [];
  const overrides = new Map<string, Buffer>();
  const delays: Array<CountedFault & { ms: number }> = [];
  const huges: Array<CountedFault & { size: number; contentLength: boolean; fill: number }> = [];
  const redirects: Array<CountedFault & { location: string; status: number }> = [];
  const stats = { active: 0, maxActive: 0 };

  /** The file for a request path, or null (404) / 'bad' (400) when the path cannot name one. */
  async function resolveBody(requestPath: string, acceptsGzip: boolean): Promise<Body | null | 'bad'> {
    const segments = requestPath.split('/').filter((s) => s !== '');
    let decoded: string[];
    try {
      decoded = segments.map((s) => decodeURIComponent(s));
    } catch {
      return 'bad';
    }
    if (decoded.length === 0 || decoded.some((s) => s === '.' || s === '..' || s.includes('/') || s.includes('\\'))) return 'bad';
    const file = path.join(dir, ...decoded);
    const plain = await isFile(file);
    if (plain !== null) return { bytes: await readFile(file), gzip: false, mtime: plain.mtime };
    const gz = await isFile(`${file}.gz`);
    if (gz === null) return null;
    const compressed = await readFile(`${file}.gz`);
    // Like a real server: only clients that accept gzip get it; others get the decoded bytes.
    return acceptsGzip
      ? { bytes: compressed, gzip: true, mtime: gz.mtime }
      : { bytes: gunzipSync(compressed), gzip: false, mtime: gz.mtime };
  }

  function finish(res: ServerResponse, entry: LoggedRequest, status: number, headers: Record<string, string | number>, body?: Buffer): void {
    entry.status = status;
    res.writeHead(status, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: rawPath, headers: req.headers, status: 0, fault: null, gzip: false };
    requests.push(entry);
    stats.active += 1;
    stats.maxActive = Math.max(stats.maxActive, stats.active);
    res.on('close', () => (stats.active -= 1));

    void (async () => {
      if (entry.method !== 'GET' && entry.method !== 'HEAD') {
        finish(res, entry, 405, { allow: 'GET, HEAD', 'content-length': 0 });
        return;
      }
      const delay = take(delays, rawPath);
      if (delay !== undefined) {
        entry.fault = 'delay';
        await new Promise((resolve) => setTimeout(resolve, delay.ms));
      }
      const failure = take(failures, rawPath);
      if (failure !== undefined) {
        entry.fault = 'fail';
        const body = Buffer.from(`injected failure ${failure.status}\n`);
        const headers: Record<string, string | number> = { 'content-type': 'text/plain', 'content-length': body.length };
        if (failure.status === 429 || failure.status === 503) headers['retry-after'] = '0';
        finish(res, entry, failure.status, headers, body);
        return;
      }

      const redirect = take(redirects, rawPath);
      if (redirect !== undefined) {
        entry.fault = 'redirect';
        finish(res, entry, redirect.status, { location: redirect.location, 'content-length': 0 });
        return;
      }
      const huge = take(huges, rawPath);
      if (huge !== undefined) {
        entry.fault = 'huge';
        entry.status = 200;
        entry.bytesSent = 0;
        const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
        if (huge.contentLength) headers['content-length'] = huge.size;
        res.writeHead(200, headers);
        const chunk = Buffer.alloc(64 * 1024, huge.fill);
        let closed = false;
        res.on('close', () => (closed = true));
        while (!closed && entry.bytesSent < huge.size) {
          const part = chunk.subarray(0, Math.min(chunk.length, huge.size - entry.bytesSent));
          entry.bytesSent += part.length;
          if (!res.write(part)) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                res.off('drain', done);
                res.off('close', done);
                resolve();
              };
              res.on('drain', done);
              res.on('close', done);
            });
          }
        }
        if (!closed) res.end();
        return;
      }

      let body: Body;
      const overridden = [...overrides].find(([sub]) => rawPath.includes(sub));
      if (overridden !== undefined) {
        entry.fault = 'override';
        body = { bytes: overridden[1], gzip: false, mtime: null };
      } else {
        const acceptsGzip = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
        const resolved = await resolveBody(rawPath, acceptsGzip);
        if (resolved === 'bad' || resolved === null) {
          const status = resolved === 'bad' ? 400 : 404;
          const text = Buffer.from(status === 404 ? `not in mirror: ${rawPath}\n` : `bad path: ${rawPath}\n`);
          finish(res, entry, status, { 'content-type': 'text/plain', 'content-length': text.length }, text);
          return;
        }
        body = resolved;
      }

      const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'content-length': body.bytes.length };
      if (body.gzip) headers['content-encoding'] = 'gzip';
      entry.gzip = body.gzip;
      const etag = `"${sha256(body.bytes)}"`;
      if (sendEtag) headers['etag'] = etag;
      const lastModified = body.mtime === null ? null : body.mtime.toUTCString();
      if (sendLastModified && lastModified !== null) headers['last-modified'] = lastModified;

      // Faults that break the transfer come before revalidation: a broken server breaks 304s too.
      const stall = take(stalls, rawPath);
      const truncation = stall === undefined ? take(truncations, rawPath) : undefined;
      if (stall !== undefined || truncation !== undefined) {
        entry.fault = stall !== undefined ? 'stall' : 'truncate';
        entry.status = 200;
        res.writeHead(200, headers);
        const half = body.bytes.subarray(0, Math.max(1, Math.floor(body.bytes.length / 2)));
        if (truncation !== undefined) res.write(half, () => res.socket?.destroy());
        else res.write(half); // …and never end: the client's body timeout must fire.
        return;
      }

      const ifNoneMatch = req.headers['if-none-match'];
      const notModifiedByEtag =
        sendEtag && ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*');
      const ifModifiedSince = req.headers['if-modified-since'];
      const notModifiedByDate =
        ifNoneMatch === undefined &&
        sendLastModified &&
        lastModified !== null &&
        ifModifiedSince !== undefined &&
        Date.parse(ifModifiedSince) >= Date.parse(lastModified);
      if (notModifiedByEtag || notModifiedByDate) {
        const h: Record<string, string> = {};
        if (sendEtag) h['etag'] = etag;
        entry.gzip = false;
        finish(res, entry, 304, h);
        return;
      }
      if (entry.method === 'HEAD') finish(res, entry, 200, headers);
      else finish(res, entry, 200, headers, body.bytes);
    })().catch((error: unknown) => {
      // A helper bug must show up as a failing request, not as a hung test.
      if (!res.headersSent) finish(res, entry, 500, { 'content-type': 'text/plain' }, Buffer.from(String(error)));
      else res.destroy();
    });
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const faults: FaultControls = {
    fail: (pathSubstring, status, times = 1) => void failures.push({ pathSubstring, status, remaining: times }),
    fail500: (pathSubstring, times = 1) => void failures.push({ pathSubstring, status: 500, remaining: times }),
    stall: (pathSubstring, times = Number.POSITIVE_INFINITY) => void stalls.push({ pathSubstring, remaining: times }),
    truncate: (pathSubstring, times = Number.POSITIVE_INFINITY) => void truncations.push({ pathSubstring, remaining: times }),
    override: (pathSubstring, bytes) => void overrides.set(pathSubstring, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)),
    delay: (pathSubstring, ms, times = Number.POSITIVE_INFINITY) => void delays.push({ pathSubstring, ms, remaining: times }),
    huge: (pathSubstring, size, options = {}) =>
      void huges.push({ pathSubstring, size, contentLength: options.contentLength ?? true, fill: options.fill ?? 0x78, remaining: Number.POSITIVE_INFINITY }),
    redirect: (pathSubstring, location, options = {}) =>
      void redirects.push({ pathSubstring, location, status: options.status ?? 302, remaining: options.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      huges.length = 0;
      redirects.length = 0;
      delays.length = 0;
      failures.length = 0;
      stalls.length = 0;
      truncations.length = 0;
      overrides.clear();
    },
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    faults,
    stats,
    requestsFor: (pathSubstring) => requests.filter((r) => r.path.includes(pathSubstring)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
