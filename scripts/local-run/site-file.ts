/**
 * The file a URL path of a built site is served from, as GitHub Pages does: `/a/` → `a/index.html`,
 * `/a` → `a` or `a/index.html`; null when none is, or when the path would leave the site folder.
 * Synchronous: a link check looks up thousands of paths, and a stat through the thread pool costs
 * more on this machine than the stat.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

export function siteFileFor(siteDir: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.join(siteDir, ...p.split('/').filter(Boolean));
  // Inside the folder: `/site-other` merely starts like `/site`.
  if (file !== siteDir && !file.startsWith(siteDir + path.sep)) return null;
  const candidates = p.endsWith('/') ? [path.join(file, 'index.html')] : [file, path.join(file, 'index.html')];
  return candidates.find(isFile) ?? null;
}

/** Missing, or under a file (`c.css/index.html`: ENOTDIR), is simply not a file. */
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
