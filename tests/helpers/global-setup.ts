/**
 * vitest globalSetup (vitest.config.ts): one folder per run for the fixtures that test files share
 * (tests/helpers/fixtures.ts), handed to every worker as `inject('fixtureRoot')`, removed at the end.
 * Nothing is built here: a fixture is built by the first file that asks for it, while the other
 * workers go on with their own files, so no worker waits for a fixture it does not need.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared fixture folder (tests/helpers/fixtures.ts). */
    fixtureRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'test-fixtures-'));
  project.provide('fixtureRoot', root);
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
