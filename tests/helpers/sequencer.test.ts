import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { SLOWEST_FIRST } from './sequencer.ts';

describe('the slowest-first order of test files', () => {
  it('names test files that exist, each once (a renamed file would silently fall back to vitest’s order)', () => {
    for (const f of SLOWEST_FIRST) expect(existsSync(path.join(REPO_ROOT, f)), f).toBe(true);
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length);
  });
});
