/**
 * The plan core bundles for a browser (the plan page runs it): esbuild, set for the browser, fails on
 * any node: import reached from these modules. load.ts and inputs.ts are Node-only by design.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/mirror-server.ts';

const PURE = ['core.ts', 'targets.ts', 'plan.ts', 'data.ts', 'format.ts', 'layers.ts', 'schema.ts'];

describe('scripts/plan is browser-safe', () => {
  it.each(PURE)('%s bundles for the browser', async (file) => {
    const r = await build({ entryPoints: [path.join(repoRoot, 'scripts', 'plan', file)], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    expect(r.errors).toEqual([]);
  });

  it('the check fails on a Node-only module', async () => {
    await expect(build({ entryPoints: [path.join(repoRoot, 'scripts', 'plan', 'load.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' })).rejects.toThrow(/node:/);
  });
});
