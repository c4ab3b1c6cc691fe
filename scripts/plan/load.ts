/**
 * Node-only: reads one version's artifacts for the plan (the coverage core's configuration data,
 * techniques.json, groups.json). Not part of the browser core.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readDataJson as readJson } from '../data-folder/read.ts';
import { PlanError, resolveVersion } from './core.ts';
import { planFromArtifacts } from './data.ts';
import type { PlanVersion } from './plan.ts';
import type { TargetCatalog } from './targets.ts';

/** Loads `attack` (`latest`, `18.1`, `18`) from `dataDir`: the plan's data and the target catalog. */
export async function loadPlanVersion(dataDir: string, attack: string): Promise<{ version: PlanVersion; catalog: TargetCatalog }> {
  const v = resolveVersion(await readJson(path.join(dataDir, 'index.json')), attack);
  const dir = path.join(dataDir, ...v.path.split('/'));
  const [techniques, events, tactics, groups] = await Promise.all(['techniques.json', 'events.json', 'tactics.json', 'groups.json'].map((f) => readJson(path.join(dir, f))));
  const plan = planFromArtifacts({ techniques, events, tactics, groups });
  if (plan.version.data.attackVersion !== v.version) throw new PlanError(`${dir}: artifacts are for ATT&CK ${plan.version.data.attackVersion}, index.json says ${v.version}`);
  return plan;
}

/** Largest Navigator layer read: real ones are well under 1 MiB. */
export const MAX_LAYER_BYTES = 16 * 1024 * 1024;

/** Reads a Navigator layer file given to --layer (parsed JSON; readNavigatorLayer checks it). */
export async function readLayerFile(file: string): Promise<unknown> {
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : -1),
    () => undefined,
  );
  if (size === undefined) throw new PlanError(`--layer: ${file} does not exist`);
  if (size < 0) throw new PlanError(`--layer: ${file} is not a file`);
  if (size > MAX_LAYER_BYTES) throw new PlanError(`--layer: ${file} is ${size} bytes, more than the ${MAX_LAYER_BYTES} read for a Navigator layer; is it the right file?`);
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PlanError(`--layer: ${file} is not valid JSON (${(e as Error).message}); export the layer from the Navigator as JSON`);
  }
}
