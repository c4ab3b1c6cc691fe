/**
 * scripts/lib/ is imported by browser bundles: no module there may import a Node built-in (or any
 * package), except repo-root.ts, which is Node-only by nature and must stay out of browser code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';

const LIB = path.join(REPO_ROOT, 'scripts', 'lib');
const NODE_ONLY = new Set(['repo-root.ts']);

/** Every import and re-export specifier of a module, type-only ones included. */
function specifiers(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('scripts/lib is browser-safe', () => {
  const files = readdirSync(LIB).filter((f) => f.endsWith('.ts'));

  it.each(files.filter((f) => !NODE_ONLY.has(f)))('%s imports only other browser-safe lib modules', (file) => {
    for (const spec of specifiers(path.join(LIB, file))) {
      expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[\w-]+\.ts$/);
      expect(NODE_ONLY.has(spec.slice(2)), `${file} imports ${spec}`).toBe(false);
    }
  });

  it('the check sees a Node import (repo-root.ts)', () => {
    expect(specifiers(path.join(LIB, 'repo-root.ts'))).toContain('node:url');
  });

  it('every helper has its own test', () => {
    const tests = new Set(readdirSync(path.join(REPO_ROOT, 'tests', 'lib')));
    for (const f of files) expect(tests.has(f.replace(/\.ts$/, '.test.ts')), f).toBe(true);
  });
});
