import os from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './tests/helpers/sequencer.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests build real ATT&CK bundles (up to 46 MB each); give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files reuse their worker process instead of a fresh fork each (half the suite's 79 files run in
    // under a second, and a fork with vitest's imports cost about one second each here: 216 s
    // against 231 to 245 s). Files must leave no state behind: unstub what they stub
    // (vi.unstubAllEnvs), close what they open; tests/helpers/README.md.
    isolate: false,
    // One worker per core, not vitest's default of one fewer: on the project's 2-core machine that
    // default is a single worker, and much of this suite waits on child processes (tsx, Eleventy,
    // Pagefind, Chromium) and on the disk, so a second file running meanwhile nearly halves the run.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // The slowest files first (tests/helpers/sequencer.ts), so both workers finish together.
    sequence: { sequencer: SlowestFirstSequencer },
    // Shared fixtures (tests/helpers/fixtures.ts): one folder per run, passed to every worker.
    globalSetup: ['tests/helpers/global-setup.ts'],
    // The JSON report lets CI print a plain "N passed, N failed" summary line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
  },
});
