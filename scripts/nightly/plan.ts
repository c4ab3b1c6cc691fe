/** What the nightly rebuilds, and what changed in the lock: pure functions. */
import { compareVersions } from '../artifacts/build.ts';
import type { LockFile } from '../sources/types.ts';

export interface BuildPlan {
  /** Every version to rebuild, oldest first. */
  versions: string[];
  /** Versions in the ATT&CK index newer than any we have: new releases. */
  newReleases: string[];
}

/**
 * The versions the lock configures, plus every released version newer than the newest one we have
 * (in the lock or in data/). With nothing at all yet, every released version is new.
 */
export function planVersions(lockVersions: string[], dataVersions: string[], released: string[]): BuildPlan {
  const have = [...lockVersions, ...dataVersions].sort(compareVersions);
  const newest = have.at(-1);
  const newReleases = [...new Set(released)].filter((v) => newest === undefined || compareVersions(v, newest) > 0).sort(compareVersions);
  const versions = [...new Set([...lockVersions, ...newReleases])].sort(compareVersions);
  return { versions, newReleases };
}

/** An archive source whose pinned commit changed (null: not pinned on that side). */
export interface ArchiveChange {
  name: string;
  old: string | null;
  new: string | null;
}

export interface LockChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** attackVersions differ. */
  versionsChanged: boolean;
  /** Archive sources (`archives`) pinned to another commit, sorted by name. */
  archives: ArchiveChange[];
}

function archiveChanges(before: Record<string, string>, after: Record<string, string>): ArchiveChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((name) => before[name] !== after[name]).map((name) => ({ name, old: before[name] ?? null, new: after[name] ?? null }));
}

export function diffLocks(before: LockFile, after: LockFile): LockChanges {
  const urls = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort();
  const out: LockChanges = {
    added: [],
    changed: [],
    removed: [],
    versionsChanged: before.attackVersions.join(',') !== after.attackVersions.join(','),
    archives: archiveChanges(before.archives, after.archives),
  };
  for (const url of urls) {
    const a = before.files[url];
    const b = after.files[url];
    if (!a && b) out.added.push(url);
    else if (a && !b) out.removed.push(url);
    else if (a && b && (a.sha256 !== b.sha256 || a.size !== b.size)) out.changed.push(url);
  }
  return out;
}

export function lockChanged(c: LockChanges): boolean {
  return c.versionsChanged || c.archives.length > 0 || c.added.length + c.changed.length + c.removed.length > 0;
}

/** `b13b314a`: the first 8 hex digits of a commit, or `(none)`. */
export function shortCommit(commit: string | null): string {
  return commit === null ? '(none)' : commit.slice(0, 8);
}

/** `splunk-escu: b13b314a → 0f3c9e21` */
export function archiveChangeText(c: ArchiveChange): string {
  return `${c.name}: ${shortCommit(c.old)} → ${shortCommit(c.new)}`;
}
