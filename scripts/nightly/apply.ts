/**
 * Installs versions built in a staging folder into the data folder: each version folder is swapped
 * in by renames (readers see the old folder or the new one, never a mix), then index.json and the
 * schemas are rewritten, each atomically. The staging folder must be on the same file system as
 * the data folder (the nightly stages inside it).
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildIndex, compareVersions, type IndexEntry } from '../artifacts/build.ts';
import { validateArtifact } from '../artifacts/schemas.ts';
import { BuildError } from '../cli/pipeline.ts';
import { exists, writeFileAtomic } from '../sources/atomic.ts';

export const DOMAIN = 'enterprise-attack';


/** Replaces `dataDir/enterprise-attack/<v>` by `builtDir/enterprise-attack/<v>` for each version. */
export async function installVersions(builtDir: string, dataDir: string, versions: string[]): Promise<void> {
  for (const version of versions) {
    const from = path.join(builtDir, DOMAIN, version);
    if (!(await exists(path.join(from, 'manifest.json')))) throw new BuildError(`nightly: ${from} holds no built version to install`);
  }
  await mkdir(path.join(dataDir, DOMAIN), { recursive: true });
  for (const version of versions) {
    const target = path.join(dataDir, DOMAIN, version);
    const old = path.join(dataDir, DOMAIN, `.old-${version}-${process.pid}`);
    await rm(old, { recursive: true, force: true });
    if (await exists(target)) await rename(target, old);
    await rename(path.join(builtDir, DOMAIN, version), target);
    await rm(old, { recursive: true, force: true });
  }
}

/** index.json from the manifests of every version folder in `dataDir`, as the pipeline writes it. */
export async function dataIndex(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, DOMAIN);
  const entries: IndexEntry[] = [];
  for (const name of (await readdir(dir)).sort(compareVersions)) {
    if (name.startsWith('.')) continue;
    const manifestPath = path.join(dir, name, 'manifest.json');
    if (!(await exists(manifestPath))) continue;
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { attackVersion: string; era: IndexEntry['era']; counts: IndexEntry['counts'] };
    entries.push({ version: m.attackVersion, era: m.era, path: `${DOMAIN}/${m.attackVersion}`, counts: m.counts });
  }
  const index = buildIndex(entries);
  const problems = validateArtifact('index.json', JSON.parse(index));
  if (problems.length > 0) throw new BuildError(`nightly: ${path.join(dataDir, 'index.json')} would not match its schema: ${problems.join('; ')}`);
  return index;
}

/** Writes `text` to `file` atomically, unless it already holds exactly that (keeps mtimes of unchanged files). */
async function writeIfChanged(file: string, text: string): Promise<void> {
  try {
    if ((await readFile(file, 'utf8')) === text) return;
  } catch {
    // absent: write it
  }
  await writeFileAtomic(file, text);
}

/** Rewrites index.json, and copies the schemas the build wrote (they come from code, not upstream). */
export async function installRootFiles(builtDir: string, dataDir: string): Promise<void> {
  const schemas = path.join(builtDir, 'schemas');
  if (await exists(schemas)) {
    for (const name of (await readdir(schemas)).sort()) {
      if (!name.endsWith('.json')) continue;
      await writeIfChanged(path.join(dataDir, 'schemas', name), await readFile(path.join(schemas, name), 'utf8'));
    }
  }
  await writeIfChanged(path.join(dataDir, 'index.json'), await dataIndex(dataDir));
}
