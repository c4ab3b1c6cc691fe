/**
 * On-disk download cache. Per URL, two files named by the sha256 of the URL (safe on every file
 * system, no layout questions): `<key>.body` (the decoded bytes) and `<key>.json` (the meta below).
 * Both are written atomically, body first: a crash between the two renames leaves a body whose
 * sha256 disagrees with the meta, which readers treat as "no cached copy" and simply download again.
 * Downloads stream into a temp file beside the body (`<key>.body.<pid>.<random>.tmp`) and are moved
 * in only when complete and verified (commitCacheEntry); the temp file never counts as an entry.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringifyJson } from '../lib/json.ts';
import { writeFileAtomic } from './atomic.ts';
import { sha256Hex } from './digest.ts';

export interface CacheMeta {
  url: string;
  /** Validators from the response that produced the body, sent back on revalidation. */
  etag: string | null;
  lastModified: string | null;
  /** Of the decoded body, as stored. */
  sha256: string;
  size: number;
}

export interface CacheEntry {
  meta: CacheMeta;
  bytes: Buffer;
}

export interface CacheValidators {
  etag: string | null;
  lastModified: string | null;
}

export function cacheKey(url: string): string {
  return sha256Hex(url);
}

export function cachePaths(cacheDir: string, url: string): { body: string; meta: string } {
  const key = cacheKey(url);
  return { body: path.join(cacheDir, `${key}.body`), meta: path.join(cacheDir, `${key}.json`) };
}

async function readOptional(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function parseMeta(text: string, url: string): CacheMeta | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (
    v['url'] !== url ||
    !isNullableString(v['etag']) ||
    !isNullableString(v['lastModified']) ||
    typeof v['sha256'] !== 'string' ||
    typeof v['size'] !== 'number'
  ) {
    return null;
  }
  return { url, etag: v['etag'], lastModified: v['lastModified'], sha256: v['sha256'], size: v['size'] };
}

/** The meta for `url`, or null when absent or unreadable (a damaged meta is just a cache miss). */
export async function readCacheMeta(cacheDir: string, url: string): Promise<CacheMeta | null> {
  const raw = await readOptional(cachePaths(cacheDir, url).meta);
  return raw === null ? null : parseMeta(raw.toString('utf8'), url);
}

/** The body described by `meta`, or null when it is missing or does not match the meta's size/sha256. */
export async function readCacheBody(cacheDir: string, meta: CacheMeta): Promise<Buffer | null> {
  const bytes = await readOptional(cachePaths(cacheDir, meta.url).body);
  if (bytes === null || bytes.length !== meta.size || sha256Hex(bytes) !== meta.sha256) return null;
  return bytes;
}

/** Meta and verified body, or null when there is no intact cached copy. */
export async function readCacheEntry(cacheDir: string, url: string): Promise<CacheEntry | null> {
  const meta = await readCacheMeta(cacheDir, url);
  if (meta === null) return null;
  const bytes = await readCacheBody(cacheDir, meta);
  return bytes === null ? null : { meta, bytes };
}

/** Stores a complete, decoded body. Callers must only pass bodies that were received in full. */
export async function writeCacheEntry(
  cacheDir: string,
  url: string,
  bytes: Buffer,
  validators: CacheValidators,
): Promise<CacheMeta> {
  const paths = cachePaths(cacheDir, url);
  const meta: CacheMeta = {
    url,
    etag: validators.etag,
    lastModified: validators.lastModified,
    sha256: sha256Hex(bytes),
    size: bytes.length,
  };
  await writeFileAtomic(paths.body, bytes);
  await writeFileAtomic(paths.meta, stringifyJson(meta));
  return meta;
}

/**
 * A fresh temp file name beside `url`'s body (same folder, so the final rename is atomic); the
 * folder is created. The caller writes it, and removes it (discardCacheTemp) unless committed.
 */
export async function cacheTempPath(cacheDir: string, url: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  return `${cachePaths(cacheDir, url).body}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

export async function discardCacheTemp(temp: string): Promise<void> {
  await rm(temp, { force: true });
}

/**
 * Moves a complete body, already written to `temp` (from cacheTempPath) and hashed by the caller,
 * into the cache, then writes its meta. Callers must only commit bodies received in full and, when
 * pinned, matching the pin. On failure the temp file is removed.
 */
export async function commitCacheEntry(
  cacheDir: string,
  url: string,
  temp: string,
  digest: { sha256: string; size: number },
  validators: CacheValidators,
): Promise<CacheMeta> {
  const paths = cachePaths(cacheDir, url);
  const meta: CacheMeta = { url, etag: validators.etag, lastModified: validators.lastModified, sha256: digest.sha256, size: digest.size };
  try {
    await rename(temp, paths.body);
  } catch (error) {
    await discardCacheTemp(temp);
    throw error;
  }
  await writeFileAtomic(paths.meta, stringifyJson(meta));
  return meta;
}
