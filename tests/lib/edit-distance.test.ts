import { describe, expect, it } from 'vitest';
import { editDistance } from '../../scripts/lib/edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('99', '9')).toBe(1);
    expect(editDistance('4688', '4648')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });
  it('is zero only for equal strings', () => {
    expect(editDistance('ProcessCreate', 'ProcessCreate')).toBe(0);
    expect(editDistance('a', 'A')).toBe(1);
  });
});
