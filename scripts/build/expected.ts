/**
 * The build's expected failures (a malformed bundle or OSSEM file, an archive that is not one, a
 * schema mismatch): their message is the whole report. Listed once, so a worker thread can say which
 * one it met and the main thread can throw the same class again.
 */
import { BundleError } from '../attack/stix.ts';
import { CoverageError } from '../coverage/types.ts';
import { OssemError } from '../ossem/yaml.ts';
import { ArchiveError } from '../sources/tar.ts';
import { BuildError } from './errors.ts';

export const EXPECTED_BUILD_ERRORS = [BuildError, BundleError, OssemError, ArchiveError, CoverageError] as const;

/** The index of the expected class `e` is an instance of, or -1. */
export function expectedKind(e: unknown): number {
  return EXPECTED_BUILD_ERRORS.findIndex((cls) => e instanceof cls);
}

/** An error of the expected class `kind` with `message` (and `name`), as thrown in the worker. */
export function rebuildExpected(kind: number, name: string, message: string): Error {
  const cls = EXPECTED_BUILD_ERRORS[kind] ?? BuildError;
  const e = new Error(message);
  Object.setPrototypeOf(e, cls.prototype);
  e.name = name;
  return e;
}
