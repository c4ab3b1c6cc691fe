/**
 * The type-check, as a test: `tsc --noEmit` on scripts/ and tests/ (tsconfig.json) and on the
 * site's JavaScript (site/tsconfig.json). `npm test` ran both before vitest, one after the other,
 * 10 s with both cores but one idle; here they run beside the other test files. Any error fails
 * the test with tsc's own report. `npm run typecheck` runs the same two alone.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';

const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('the type-check', () => {
  it.concurrent.each([
    ['scripts/ and tests/', 'tsconfig.json'],
    ['the site', path.join('site', 'tsconfig.json')],
  ])('passes on %s (tsc --noEmit -p %s)', async (_what, project) => {
    const r = await promisify(execFile)(process.execPath, [TSC, '--noEmit', '--pretty', 'false', '-p', project], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout }) => ({ code: 0, report: stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, report: `${e.stdout}${e.stderr}` }),
    );
    expect(r.report.trim()).toBe('');
    expect(r.code).toBe(0);
  });
});
