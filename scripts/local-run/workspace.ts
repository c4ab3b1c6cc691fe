/**
 * A folder Eleventy can build in apart from the repository (the site tests, `npm run bench`):
 * `work/` (made if missing) gets a copy of site/ without its _generated/, node_modules linked and a
 * package.json, so the repository's site/_generated/ and _site/ are left alone. Returns `work/site`.
 */
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../lib/repo-root.ts';

export async function siteWorkspace(work: string): Promise<string> {
  await mkdir(work, { recursive: true });
  await writeFile(path.join(work, 'package.json'), '{ "private": true, "type": "module" }\n');
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  await cp(path.join(REPO_ROOT, 'site'), path.join(work, 'site'), { recursive: true, filter: (src) => path.basename(src) !== '_generated' });
  return path.join(work, 'site');
}
