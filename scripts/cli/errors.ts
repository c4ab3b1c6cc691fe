/** Failures a user can act on: printed as one `error:` line, no stack trace, non-zero exit. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BundleError } from '../attack/stix.ts';
import { OssemError } from '../ossem/yaml.ts';
import { IndexError } from '../sources/attack-index.ts';
import { SourceError } from '../sources/errors.ts';
import { ArchiveError } from '../sources/tar.ts';
import { CoverageError } from '../coverage/types.ts';
import { BuildError } from '../build/run.ts';

export class UsageError extends Error {}

type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs`, strict; a malformed command line is a UsageError that shows the usage text. */
export function parseCliArgs<O extends CliOptions, P extends boolean = false>(argv: string[], options: O, usage: string, allowPositionals?: P) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: (allowPositionals ?? false) as P });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

const EXPECTED = [SourceError, ArchiveError, BundleError, OssemError, IndexError, BuildError, UsageError, CoverageError];

export function isExpected(e: unknown): e is Error {
  return EXPECTED.some((cls) => e instanceof cls);
}

/** Runs a CLI entry point; expected failures exit 1 (usage: 2) with their message only. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (isExpected(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
      return;
    }
    throw e;
  }
}
