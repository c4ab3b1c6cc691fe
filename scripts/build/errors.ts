/** The build's expected failure: printed as one `error:` line by the CLI. */
export class BuildError extends Error {}
