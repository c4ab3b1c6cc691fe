/**
 * Every command ends the same way (scripts/cli/errors.ts): an expected failure is one `error:` line
 * and a non-zero exit, never a stack trace; a bug keeps its stack.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli, UsageError } from '../../scripts/cli/errors.ts';
import { BuildError } from '../../scripts/build/errors.ts';
import { ExpectedError } from '../../scripts/lib/expected-error.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { inProcess } from '../helpers/cli.ts';

const run = promisify(execFile);
// tsx as node's loader, not its CLI: the CLI starts a second node process (about 0.3 s each here).
const TSX = ['--import', 'tsx'];
const CLI_DIR = path.join(REPO_ROOT, 'scripts', 'cli');
/** The commands with an in-process entry (runCommand underneath), as their tests call them. */
const IN_PROCESS: Record<string, () => Promise<(argv: string[], io: CliIo) => Promise<number>>> = {
  'coverage.ts': async () => (await import('../../scripts/cli/coverage.ts')).coverageCommand,
  'data.ts': async () => (await import('../../scripts/cli/data.ts')).dataCommand,
  'diff.ts': async () => (await import('../../scripts/cli/diff.ts')).diffCommand,
  'nightly.ts': async () => (await import('../../scripts/cli/nightly.ts')).nightlyCommand,
  'plan.ts': async () => (await import('../../scripts/cli/plan.ts')).planCommand,
};
/** Every command: each file of scripts/cli/ but the shared errors.ts. */
const COMMANDS = readdirSync(CLI_DIR).filter((f) => f.endsWith('.ts') && f !== 'errors.ts').sort();

async function ending(main: () => Promise<void>): Promise<{ stderr: string; exitCode: typeof process.exitCode }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await runCli(main);
    return { stderr, exitCode: process.exitCode };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('runCli', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints an expected failure as one error line, without a stack, and exits 1', async () => {
    const r = await ending(async () => {
      throw new BuildError('data/enterprise-attack/18.1 is stale; run npm run data');
    });
    expect(r).toEqual({ stderr: 'error: data/enterprise-attack/18.1 is stale; run npm run data\n', exitCode: 1 });
  });

  it('a usage error exits 2', async () => {
    expect(await ending(async () => Promise.reject(new UsageError('--top: "x" is not a whole number')))).toEqual({ stderr: 'error: --top: "x" is not a whole number\n', exitCode: 2 });
  });

  it('an unexpected error is a bug: its stack is printed and the exit status is 1', async () => {
    const r = await ending(async () => {
      throw new TypeError('boom');
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^TypeError: boom\n\s+at /);
  });

  it('success leaves the exit status alone', async () => {
    expect(await ending(async () => {})).toEqual({ stderr: '', exitCode: process.exitCode });
  });

  it('every expected error class extends ExpectedError (no command keeps its own list)', async () => {
    const { OssemError } = await import('../../scripts/ossem/yaml.ts');
    const { ArchiveError } = await import('../../scripts/sources/tar.ts');
    const { SourceError } = await import('../../scripts/sources/errors.ts');
    const { BundleError } = await import('../../scripts/attack/stix.ts');
    const { IndexError } = await import('../../scripts/sources/attack-index.ts');
    const { DiffError } = await import('../../scripts/diff/diff.ts');
    const { LoadError } = await import('../../scripts/diff/load.ts');
    const { CoverageError } = await import('../../scripts/coverage/types.ts');
    const { UnsafePathError } = await import('../../scripts/pages/urls.ts');
    const { BrowserBundleError } = await import('../../scripts/pages/bundle.ts');
    const { PagesError } = await import('../../scripts/cli/pages.ts');
    const { CoverageDataError } = await import('../../scripts/pages/browser/coverage-data.ts');
    const { NightlyError } = await import('../../scripts/nightly/run.ts');
    for (const cls of [OssemError, ArchiveError, SourceError, BundleError, IndexError, DiffError, LoadError, CoverageError, UnsafePathError, BrowserBundleError, CoverageDataError, PagesError, NightlyError, BuildError, UsageError]) {
      expect(cls.prototype, cls.name).toBeInstanceOf(ExpectedError);
    }
  });
});

describe('every command on a bad flag', () => {
  it('finds the commands', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['bench-site.ts', 'bench.ts', 'coverage.ts', 'data.ts', 'diff.ts', 'nightly.ts', 'pages.ts']));
  });

  it.concurrent.each(COMMANDS)('%s prints one error line and its usage, no stack trace, and exits 2', async (file) => {
    const r = await run(process.execPath, [...TSX, path.join(CLI_DIR, file), '--no-such-flag'], { cwd: REPO_ROOT, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^error: Unknown option '--no-such-flag'/);
    expect(lines.filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(r.stderr).toMatch(/\nUsage: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // The commands tests run in their own process (tests/helpers/cli.ts) end the same way.
    const command = IN_PROCESS[file];
    if (command) expect(await inProcess(await command(), ['--no-such-flag'])).toEqual({ code: 2, stdout: '', stderr: r.stderr });
  });

  it('the commands tests run in this process are these', () => {
    expect(Object.keys(IN_PROCESS).every((f) => COMMANDS.includes(f))).toBe(true);
  });
});
