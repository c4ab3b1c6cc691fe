/**
 * What the nightly installs: the changed versions built in its staging folder, the index of the data
 * folder as it will be, the schemas, the lock. The moves go through the build's one install step
 * (scripts/build/install.ts), with its commit point.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { buildIndex } from '../artifacts/build.ts';
import { validateArtifact } from '../artifacts/schemas.ts';
import { BuildError } from '../build/errors.ts';
import { stageFile, type Move } from '../build/install.ts';
import { installedEntries, readIndexEntry } from '../build/installed.ts';
import { DOMAIN } from '../lib/domain.ts';
import { exists } from '../sources/atomic.ts';

/** index.json of `dataDir` once `versions` are replaced by (or added from) `builtDir`. */
export async function dataIndex(dataDir: string, builtDir?: string, versions: string[] = []): Promise<string> {
  const entries = await installedEntries(dataDir, new Set(versions));
  for (const v of versions) {
    const e = builtDir ? await readIndexEntry(path.join(builtDir, DOMAIN, v)) : undefined;
    if (!e) throw new BuildError(`nightly: ${path.join(builtDir ?? '', DOMAIN, v)} holds no built version to install`);
    entries.push(e);
  }
  const index = buildIndex(entries);
  const problems = validateArtifact('index.json', JSON.parse(index));
  if (problems.length > 0) throw new BuildError(`nightly: ${path.join(dataDir, 'index.json')} would not match its schema: ${problems.join('; ')}`);
  return index;
}

/**
 * The moves that install `versions` from `builtDir` into `dataDir`, with index.json and the schemas
 * staged in `staging`; version folders replaced go to `trash`.
 */
export async function nightlyMoves(builtDir: string, dataDir: string, versions: string[], staging: string, trash: string): Promise<Move[]> {
  const moves: Move[] = versions.map((v) => ({ from: path.join(builtDir, DOMAIN, v), to: path.join(dataDir, DOMAIN, v), trash: path.join(trash, v) }));
  const index = await dataIndex(dataDir, builtDir, versions);
  await stageFile(path.join(staging, 'index.json'), index);
  moves.push({ from: path.join(staging, 'index.json'), to: path.join(dataDir, 'index.json'), trash: '' });
  const schemas = path.join(builtDir, 'schemas');
  if (await exists(schemas)) {
    for (const name of (await readdir(schemas)).sort()) {
      if (name.endsWith('.json')) moves.push({ from: path.join(schemas, name), to: path.join(dataDir, 'schemas', name), trash: '' });
    }
  }
  return moves;
}
