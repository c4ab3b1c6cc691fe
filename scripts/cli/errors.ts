/** Failures a user can act on: printed as one `error:` line, no stack trace, non-zero exit. */
import { BundleError } from '../attack/stix.ts';
import { OssemError } from '../ossem/yaml.ts';
import { IndexError } from '../sources/attack-index.ts';
import { SourceError } from '../sources/errors.ts';
import { CoverageError } from '../coverage/types.ts';
import { BuildError } from './pipeline.ts';

export class UsageError extends Error {}

const EXPECTED = [SourceError, BundleError, OssemError, IndexError, BuildError, UsageError, CoverageError];

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
