/**
 * `inProcess(command, argv)`: runs a command's exported function (coverageCommand, planCommand, …)
 * in the test's own process and returns what a process would give: exit status, stdout, stderr.
 * The exit status and the `error:` line come from the same runCommand as the real process, so a
 * test of the output needs no `tsx` start-up (1–2 s per case on a busy machine); keep a real process
 * only for what only a process shows (tests/cli/run.test.ts: exit code, no stack trace, piping).
 */
import type { CliIo } from '../../scripts/cli/errors.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function inProcess(command: (argv: string[], io: CliIo) => Promise<number>, argv: string[], input = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: () => Promise.resolve(input),
  };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}
