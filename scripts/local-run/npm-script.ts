/**
 * The node arguments of a package.json script that runs one node command (`node --max-semi-space-size=64
 * --import tsx scripts/cli/pages.ts`), with its script path made absolute: so that the tests and the
 * bench start a command exactly as `npm run` does, its node flags read from package.json, not copied.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/repo-root.ts';

export function npmScriptNodeArgs(name: string, packageJson = path.join(REPO_ROOT, 'package.json')): string[] {
  const scripts = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const words = (scripts[name] ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.some((w) => w === '&&' || w === '|' || w === ';')) {
    throw new Error(`package.json's "${name}" script is not one node command: ${JSON.stringify(scripts[name] ?? null)}`);
  }
  return words.slice(1).map((w) => (w.startsWith('scripts/') ? path.join(path.dirname(packageJson), w) : w));
}
