/** The configuration readers must bundle for a browser: no node: (or other built-in) imports, even indirectly. */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIR = path.join(REPO, 'scripts', 'coverage', 'config');
const NODE_ONLY = new Set(['load.ts']);
const ALLOWED_PACKAGES = new Set(['ajv', 'papaparse']);

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

describe('configuration readers purity', () => {
  const modules = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !NODE_ONLY.has(f));

  it.each([...modules, '../index.ts'])('%s imports no Node built-ins or unexpected packages, directly or through its imports', (file) => {
    const { files, external } = closure(path.join(DIR, file));
    expect(external.filter((s) => s.startsWith('node:') || builtinModules.includes(s))).toEqual([]);
    expect(external.filter((s) => !ALLOWED_PACKAGES.has(s))).toEqual([]);
    expect(files.some((f) => path.basename(f) === 'load.ts')).toBe(false);
  });

  it('the check sees the Node-only loader', () => {
    expect(closure(path.join(DIR, 'load.ts')).external).toContain('node:fs/promises');
  });
});
