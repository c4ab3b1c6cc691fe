import { ExpectedError } from '../lib/expected-error.ts';

/** The build's expected failure: printed as one `error:` line by the CLI. */
export class BuildError extends ExpectedError {}
