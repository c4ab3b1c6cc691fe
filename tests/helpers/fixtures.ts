/**
 * Fixtures built once per test run and shared by every file and worker that asks for them.
 *
 *   import { sharedFixture } from '../helpers/fixtures.ts';
 *   const dir = await sharedFixture('my-fixture', async (dir) => { ...write into dir... });
 *
 * The first caller of a name builds it into a temporary folder, renamed to `<run folder>/<name>` once
 * complete; callers in other workers meanwhile wait for that folder (an `mkdir` lock says who builds).
 * A fixture is read-only for its users: copy it before changing anything. The run folder comes from
 * tests/helpers/global-setup.ts (`inject('fixtureRoot')`) and is removed after the run.
 *
 * Ready-made ones: `sharedSite('full')` (the site of the committed data/) and `sharedSite('hostile')`
 * (tests/site/fixture.ts's data with poisoned URLs) in tests/site/shared-sites.ts.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const POLL_MS = 200;

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() === true;
}

/** The run's shared fixture folder. */
export function fixtureRoot(): string {
  const root = inject('fixtureRoot');
  if (!root) throw new Error('no shared fixture folder: run the tests with vitest.config.ts (its globalSetup provides one)');
  return root;
}

/**
 * The folder of fixture `name`, built by `build(dir)` the first time any file of this run asks for it.
 * A build that throws makes every waiting caller throw too (with the builder's message).
 */
export async function sharedFixture(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  if (!NAME.test(name)) throw new Error(`shared fixture name "${name}": use lower-case letters, digits and dashes`);
  const root = fixtureRoot();
  const done = path.join(root, name);
  const lock = path.join(root, `${name}.lock`);
  const failed = path.join(root, `${name}.failed`);
  for (;;) {
    if (await isDir(done)) return done;
    const error = await readFile(failed, 'utf8').catch(() => undefined);
    if (error !== undefined) throw new Error(`shared fixture "${name}" failed to build in another test file:\n${error}`);
    let mine = false;
    try {
      await mkdir(lock);
      mine = true;
    } catch {
      // Another worker is building it.
    }
    if (!mine) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    const temp = path.join(root, `${name}.tmp`);
    try {
      await rm(temp, { recursive: true, force: true });
      await mkdir(temp, { recursive: true });
      await build(temp);
      await rename(temp, done);
      return done;
    } catch (e) {
      await writeFile(failed, e instanceof Error ? (e.stack ?? e.message) : String(e));
      throw e;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
