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

/** Where a command writes and reads: the process's streams, or (in tests) strings. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (`--events-file -`). */
  stdin(): Promise<string>;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * Runs a command and returns its exit status: an ExpectedError writes `error: <message>` (one line;
 * a usage error adds the usage text) without a stack trace and returns its status; anything else is
 * a bug and writes its stack (with cause) and returns 1. The same for a process (runCli) and for a
 * test that runs the command in its own process.
 */
export async function runCommand(main: () => Promise<void>, stderr: (text: string) => void = processIo.stderr): Promise<number> {
  try {
    await main();
    return 0;
  } catch (e) {
    if (e instanceof ExpectedError) {
      stderr(`error: ${e.message}\n`);
      return e.exitCode;
    }
    stderr(`${inspect(e)}\n`);
    return 1;
  }
}

/** Runs a command as the process: runCommand, its status as the exit code (success leaves any status the command set). */
export async function runCli(main: () => Promise<void>): Promise<void> {
  const code = await runCommand(main);
  if (code !== 0) process.exitCode = code;
}
