/** What a data folder already holds: each version folder's index entry, read from its manifest.json. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compareVersions, type IndexEntry } from '../artifacts/build.ts';
import { exists } from '../sources/atomic.ts';
import { DOMAIN } from '../lib/domain.ts';

/** The index entry of one version folder; undefined when it has no manifest.json. */
export async function readIndexEntry(versionDir: string): Promise<IndexEntry | undefined> {
  const manifestPath = path.join(versionDir, 'manifest.json');
  if (!(await exists(manifestPath))) return undefined;
  const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { attackVersion: string; era: IndexEntry['era']; counts: IndexEntry['counts'] };
  return { version: m.attackVersion, era: m.era, path: `${DOMAIN}/${m.attackVersion}`, counts: m.counts };
}

/** Index entries of the versions installed in `dataDir`, oldest first, leaving out `replaced` and dot-folders (staging). */
export async function installedEntries(dataDir: string, replaced: ReadonlySet<string> = new Set()): Promise<IndexEntry[]> {
  const dir = path.join(dataDir, DOMAIN);
  if (!(await exists(dir))) return [];
  const entries: IndexEntry[] = [];
  for (const name of (await readdir(dir)).sort(compareVersions)) {
    if (name.startsWith('.') || replaced.has(name)) continue;
    const e = await readIndexEntry(path.join(dir, name));
    if (e) entries.push(e);
  }
  return entries;
}
