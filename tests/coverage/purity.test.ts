/**
 * The coverage core and its configuration readers must bundle for a browser: no node: (or other
 * built-in) imports, even indirectly. Only load.ts is Node-only. And no layer above it is reached.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORE_DIR = path.join(REPO, 'scripts', 'coverage');
/** Node-only by design. */
const NODE_ONLY = new Set(['load.ts']);
const ALLOWED_PACKAGES = new Set(['ajv', 'papaparse']);

/** Value imports and re-exports of a module (`import type` / `export type` are erased and skipped). */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) if (!m[2]) specs.push(m[3] ?? '');
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1] ?? '');
  for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1] ?? '');
  return specs;
}

function closure(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const f = stack.pop() ?? '';
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of imports(f)) {
      if (spec.startsWith('.')) stack.push(path.resolve(path.dirname(f), spec));
      else external.add(spec);
    }
  }
  return { files: [...files], external: [...external] };
}

describe('coverage core purity', () => {
  const browserSafe = (dir: string): string[] => readdirSync(path.join(CORE_DIR, dir)).filter((f) => f.endsWith('.ts') && !NODE_ONLY.has(f)).map((f) => path.join(dir, f));
  const core = [...browserSafe('.'), ...browserSafe('readers')];

  it('has the expected modules', () => {
    expect(core).toEqual(expect.arrayContaining(['index.ts', 'events.ts', 'compute.ts', 'format.ts', 'layers.ts', 'data.ts', 'types.ts', 'inputs.ts', 'presets.ts', 'advice.ts', 'readers/auditpol.ts', 'readers/sysmon.ts', 'readers/xml.ts', 'readers/decode.ts']));
  });

  it.each(core)('%s imports no Node built-ins, directly or through its imports', (file) => {
    const { files, external } = closure(path.join(CORE_DIR, file));
    const builtins = external.filter((s) => s.startsWith('node:') || builtinModules.includes(s));
    expect(builtins).toEqual([]);
    expect(external.filter((s) => !ALLOWED_PACKAGES.has(s))).toEqual([]);
    expect(files.some((f) => path.basename(f) === 'load.ts')).toBe(false);
  });

  it('imports nothing from a higher layer (artifacts, pages, cli, build), load.ts included', () => {
    const all = [...core, 'load.ts'];
    const above = all.flatMap((f) => closure(path.join(CORE_DIR, f)).files.filter((x) => /[/\\]scripts[/\\](?:artifacts|pages|cli|build|plan)[/\\]/.test(x)).map((x) => `${f} → ${path.relative(REPO, x)}`));
    expect([...new Set(above)]).toEqual([]);
  });

  it.each(['load.ts'])('the check itself sees node: imports (%s is Node-only)', (file) => {
    expect(closure(path.join(CORE_DIR, file)).external).toContain('node:fs/promises');
  });
});
