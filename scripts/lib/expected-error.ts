/**
 * The base of every failure a user can act on (a malformed bundle, a bad flag, an unknown version):
 * its message is the whole report, so a command prints it as one `error:` line, without a stack
 * trace, and exits with `exitCode`. Anything else is a bug and keeps its stack. Browser-safe.
 */
export class ExpectedError extends Error {
  /** The process exit status when a command stops on this error. A getter, so it survives an error rebuilt by prototype (a worker thread's). */
  get exitCode(): number {
    return 1;
  }
}
