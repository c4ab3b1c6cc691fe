/**
 * A mirror folder that is the shared offline mirror with a few files replaced or added: every
 * folder on the way to a replaced file is a real folder, everything else a symlink into the shared
 * mirror (nothing large is copied). The test mirror server reads through the symlinks.
 *
 * Also: a GitHub archive tarball rebuilt at another commit, edited on the way.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create, extract } from 'tar';

/**
 * Lays out `dir` as `base` with `files` (path relative to the mirror root, `/`-separated → bytes)
 * written over it. A replaced file's `.gz` twin is hidden too, so the new bytes are what is served.
 */
export async function overlayMirror(base: string, dir: string, files: Record<string, string | Buffer>): Promise<void> {
  // Folder (relative, '' for the root) → names that must be real entries in it.
  const real = new Map<string, Set<string>>();
  for (const rel of Object.keys(files)) {
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const names = real.get(parent) ?? new Set<string>();
      names.add(parts[i] as string);
      if (i === parts.length - 1) names.add(`${parts[i]}.gz`);
      real.set(parent, names);
    }
  }
  for (const [parent, names] of [...real].sort(([a], [b]) => a.length - b.length)) {
    const from = path.join(base, ...parent.split('/').filter(Boolean));
    const to = path.join(dir, ...parent.split('/').filter(Boolean));
    await mkdir(to, { recursive: true });
    let entries: string[] = [];
    try {
      entries = await readdir(from);
    } catch {
      // A folder the base mirror does not have: only the new files go in it.
    }
    for (const name of entries) if (!names.has(name)) await symlink(path.join(from, name), path.join(to, name));
  }
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
}

/**
 * The GitHub archive `tarball` (top folder `<prefix>-<oldCommit>`) unpacked, edited by `edit` (given
 * the unpacked top folder), and packed again as GitHub would serve it at `newCommit`: top folder
 * `<prefix>-<newCommit>`.
 */
export async function rebuildArchive(tarball: string, prefix: string, oldCommit: string, newCommit: string, edit: (root: string) => Promise<void>): Promise<Buffer> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'archive-'));
  try {
    await extract({ file: tarball, cwd: work });
    const top = `${prefix}-${newCommit}`;
    await rename(path.join(work, `${prefix}-${oldCommit}`), path.join(work, top));
    await edit(path.join(work, top));
    const out = path.join(work, 'out.tar.gz');
    await create({ gzip: true, cwd: work, portable: true, file: out }, [top]);
    return await readFile(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
