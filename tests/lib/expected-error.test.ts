import { describe, expect, it } from 'vitest';
import { ExpectedError } from '../../scripts/lib/expected-error.ts';

class Refused extends ExpectedError {}
class Usage extends ExpectedError {
  override get exitCode(): number {
    return 2;
  }
}

describe('ExpectedError', () => {
  it('is an Error whose subclasses are expected, with exit status 1 unless they say otherwise', () => {
    const e = new Refused('data/x.json: not JSON', { cause: new SyntaxError('x') });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ExpectedError);
    expect(e.message).toBe('data/x.json: not JSON');
    expect(e.exitCode).toBe(1);
    expect(new Usage('bad flag').exitCode).toBe(2);
    expect(new Error('bug')).not.toBeInstanceOf(ExpectedError);
  });

  it('keeps its exit status when rebuilt by prototype, as a worker thread error is', () => {
    const e = Object.setPrototypeOf(new Error('from a worker'), Usage.prototype) as Usage;
    expect(e).toBeInstanceOf(ExpectedError);
    expect(e.exitCode).toBe(2);
  });
});
