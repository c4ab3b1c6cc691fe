/**
 * The order test files start in (vitest.config.ts `sequence.sequencer`): the longest first, so two
 * workers finish together instead of one running a 70 s file alone at the end. vitest orders by the
 * durations of the last run on this machine when it has them (node_modules/.vite), and by file size
 * on a fresh clone, which put the slowest files late: a clean clone's run took 231 s of wall time
 * for 350 s of files on two workers. The list is the slowest files of a clean-clone run
 * (2026-12-02), longest first, the type-check third (beside the site's tests, which wait on
 * Chromium now and then); it changes the order only, never what runs.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FIRST = [
  'tests/pipeline/build.test.ts',
  'tests/site/site.test.ts',
  'tests/typecheck/typecheck.test.ts',
  'tests/build/install.test.ts',
  'tests/nightly/nightly.test.ts',
  'tests/cli/run.test.ts',
  'tests/artifacts/schemas.test.ts',
  'tests/build/cache.test.ts',
  'tests/hardening/stix-input.test.ts',
  'tests/hardening/schemas.test.ts',
  'tests/site/plan-page.test.ts',
  'tests/site/escaping.test.ts',
  'tests/coverage/cli.test.ts',
  'tests/site/start.test.ts',
];

export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOWEST_FIRST.indexOf(path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
