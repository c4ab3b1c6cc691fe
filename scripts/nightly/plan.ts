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

export interface LockChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** attackVersions differ. */
  versionsChanged: boolean;
}

export function diffLocks(before: LockFile, after: LockFile): LockChanges {
  const urls = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort();
  const out: LockChanges = { added: [], changed: [], removed: [], versionsChanged: before.attackVersions.join(',') !== after.attackVersions.join(',') };
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
  return c.versionsChanged || c.added.length + c.changed.length + c.removed.length > 0;
}
