/**
 * The lock file pins every upstream file by sha256 and size, so a build is reproducible and an
 * upstream change is noticed instead of silently changing the output.
 */

import { readFile } from 'node:fs/promises';
import { stringifyJson } from '../lib/json.ts';
import { writeFileAtomic } from './atomic.ts';
import { SourceError, checksumError, unpinnedError } from './errors.ts';
import type { Fetched, LockEntry, LockFile } from './types.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const COMMIT_HEX = /^[0-9a-f]{40}$/;

export function emptyLock(attackVersions: string[] = []): LockFile {
  return { lockfileVersion: 1, attackVersions: [...attackVersions], archives: {}, files: {} };
}

function invalid(file: string, problem: string): SourceError {
  return new SourceError(
    'lock-invalid',
    file,
    `${file}: not a valid lock file: ${problem}; fix it by hand, or restore it from git and rerun with --update-lock`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the parsed JSON against the LockFile shape; `file` only names the source in errors. */
export function parseLock(text: string, file: string): LockFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw invalid(file, `invalid JSON (${(cause as Error).message})`);
  }
  if (!isRecord(value)) throw invalid(file, 'the top level must be an object');
  if (value['lockfileVersion'] !== 1) {
    throw invalid(file, `"lockfileVersion" must be 1 (got ${JSON.stringify(value['lockfileVersion'])})`);
  }
  const versions = value['attackVersions'];
  if (!Array.isArray(versions) || !versions.every((v): v is string => typeof v === 'string')) {
    throw invalid(file, '"attackVersions" must be an array of strings');
  }
  const archivesRaw = value['archives'] ?? {};
  if (!isRecord(archivesRaw)) throw invalid(file, '"archives" must be an object of archive name → commit');
  const archives: Record<string, string> = {};
  for (const [name, commit] of Object.entries(archivesRaw)) {
    if (typeof commit !== 'string' || !COMMIT_HEX.test(commit)) throw invalid(file, `archives["${name}"] must be a commit SHA of 40 lower-case hex digits`);
    archives[name] = commit;
  }
  const files = value['files'];
  if (!isRecord(files)) throw invalid(file, '"files" must be an object keyed by URL');

  const entries: Record<string, LockEntry> = {};
  for (const [key, entry] of Object.entries(files)) {
    if (!isRecord(entry)) throw invalid(file, `files["${key}"] must be an object`);
    const { url, sha256, size } = entry;
    if (url !== key) throw invalid(file, `files["${key}"].url must repeat its key (got ${JSON.stringify(url)})`);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      throw invalid(file, `files["${key}"].sha256 must be 64 lower-case hex digits`);
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw invalid(file, `files["${key}"].size must be a non-negative integer`);
    }
    entries[key] = { url: key, sha256, size };
  }
  return { lockfileVersion: 1, attackVersions: [...versions], archives, files: entries };
}

export async function readLock(file: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SourceError('lock-missing', file, `${file}: lock file not found; run with --update-lock to create it`, { cause });
    }
    throw cause;
  }
  return parseLock(text, file);
}

/**
 * Canonical text: files sorted by URL (code-unit order, locale-independent), entry keys in a fixed
 * order, 2-space JSON, LF, trailing newline. `attackVersions` keeps its order, which is meaningful.
 */
export function serializeLock(lock: LockFile): string {
  const files: Record<string, LockEntry> = {};
  for (const key of Object.keys(lock.files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = lock.files[key] as LockEntry;
    files[key] = { url: entry.url, sha256: entry.sha256, size: entry.size };
  }
  const archives: Record<string, string> = {};
  for (const key of Object.keys(lock.archives).sort()) archives[key] = lock.archives[key] as string;
  const canonical: LockFile = { lockfileVersion: 1, attackVersions: [...lock.attackVersions], archives, files };
  return stringifyJson(canonical);
}

export async function writeLock(file: string, lock: LockFile): Promise<void> {
  await writeFileAtomic(file, serializeLock(lock));
}

export interface VerifyOptions {
  /** `--update-lock`: accept the fetched bytes and (re)pin them instead of failing. */
  update: boolean;
  /** Named in the "unpinned" message; defaults to "the lock file". */
  lockPath?: string;
}

/**
 * Checks `fetched` against its lock entry and returns the entry that now applies. Without `update`
 * a mismatch throws 'checksum' and a missing entry throws 'unpinned', and the lock is left as is;
 * with `update` the entry in `lock.files` is set or replaced (the only mutation).
 */
export function verifyAgainstLock(lock: LockFile, fetched: Fetched, options: VerifyOptions): LockEntry {
  const actual: LockEntry = { url: fetched.url, sha256: fetched.sha256, size: fetched.size };
  const pinned = Object.hasOwn(lock.files, fetched.url) ? lock.files[fetched.url] : undefined;

  if (pinned !== undefined && pinned.sha256 === actual.sha256 && pinned.size === actual.size) return pinned;
  if (options.update) {
    lock.files[fetched.url] = actual;
    return actual;
  }
  if (pinned === undefined) throw unpinnedError(fetched.url, options.lockPath);
  throw checksumError(fetched.url, pinned, actual);
}
