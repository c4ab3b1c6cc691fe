/**
 * What every command shares: strict argument parsing (`parseCliArgs`: a bad flag is a UsageError
 * that shows the usage text) and one way to end (`runCli`). Failures a user can act on extend
 * ExpectedError (scripts/lib/expected-error.ts) wherever they are thrown, so no list of error
 * classes is kept here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect, parseArgs, type ParseArgsConfig } from 'node:util';
import { ExpectedError } from '../lib/expected-error.ts';

/** A malformed command line: exit status 2, as is usual for usage errors. */
export class UsageError extends ExpectedError {
  override get exitCode(): number {
    return 2;
  }
}

type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs`, strict; a malformed command line is a UsageError that shows the usage text. */
export function parseCliArgs<O extends CliOptions, P extends boolean = false>(argv: string[], options: O, usage: string, allowPositionals?: P) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: (allowPositionals ?? false) as P });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

/** True when the module at `moduleUrl` (its `import.meta.url`) is the script node was started with, not an import (tests import the CLIs). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/**
 * Runs a command: an ExpectedError prints `error: <message>` (one line; a usage error adds the
 * usage text) without a stack trace and exits with its status; anything else is a bug and prints
 * its stack (with cause) and exits 1.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof ExpectedError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`${inspect(e)}\n`);
    process.exitCode = 1;
  }
}
