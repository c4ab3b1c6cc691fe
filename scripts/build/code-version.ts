/**
 * The build code's own version, for the build cache key: the sha256 of every scripts/ module that a
 * version build runs (found by following relative imports from the version builder and the shared
 * sources' parser) and of package-lock.json (the parsers and validators they import). Editing any
 * of them, or upgrading a dependency, makes every cached version stale; editing the site or the CLI
 * does not.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The modules whose imports make up a version build (scripts/build/version.ts and shared.ts). */
export const BUILD_ENTRY_POINTS = [path.join(HERE, 'version.ts'), path.join(HERE, 'shared.ts')];
const LOCKFILE = path.resolve(HERE, '../../package-lock.json');

/** `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`: relative specifiers only (packages are covered by the lockfile). */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every module reachable from `entries` through relative imports, as absolute paths, sorted. */
export async function reachableModules(entries: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) queue.push(path.resolve(path.dirname(file), m[1] ?? ''));
  }
  return [...seen].sort();
}

/** sha256 over the modules' paths (relative to `root`) and bytes, then the extra files' bytes. */
export async function hashCode(modules: readonly string[], root: string, extra: readonly string[] = []): Promise<string> {
  const h = createHash('sha256');
  for (const file of [...modules, ...extra]) {
    const bytes = await readFile(file);
    h.update(`${path.relative(root, file).split(path.sep).join('/')}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

let memo: Promise<string> | undefined;

/** The build code's version (computed once per process). */
export function buildCodeVersion(): Promise<string> {
  memo ??= reachableModules(BUILD_ENTRY_POINTS).then((modules) => hashCode(modules, path.resolve(HERE, '../..'), [LOCKFILE]));
  return memo;
}
