/** Awaits a promise that must reject with a SourceError, and returns that error for assertions. */

import { SourceError } from '../../scripts/sources/errors.ts';

export async function sourceErrorOf(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected a SourceError, but the promise resolved');
}

export function sourceErrorOfSync(fn: () => unknown): SourceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected a SourceError, but the call returned');
}
