/** Throw-away folders for tests, removed by `cleanup()` (call it in afterEach/afterAll). */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDirs {
  make(prefix?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix = 'sources-test-') {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** Writes `files` (relative `/`-separated path → content) under `dir`, creating folders. */
export async function writeTree(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
