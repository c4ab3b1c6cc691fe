import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';

describe('REPO_ROOT', () => {
  it('is the absolute folder of this repository, without a trailing separator', () => {
    expect(path.isAbsolute(REPO_ROOT)).toBe(true);
    expect(REPO_ROOT.endsWith(path.sep)).toBe(false);
    expect((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name).toBe('winevents-attack-map');
    expect(existsSync(path.join(REPO_ROOT, 'scripts', 'lib', 'repo-root.ts'))).toBe(true);
  });
});
