import { describe, expect, it } from 'vitest';
import { plural, pluralGrouped } from '../../scripts/lib/plural.ts';

describe('plural', () => {
  it('uses the singular for exactly one, else the regular or given plural', () => {
    expect(plural(1, 'technique')).toBe('1 technique');
    expect(plural(0, 'technique')).toBe('0 techniques');
    expect(plural(2, 'analysis', 'analyses')).toBe('2 analyses');
    expect(plural(12345, 'row')).toBe('12345 rows');
  });

  it('pluralGrouped groups thousands with commas whatever the locale', () => {
    expect(pluralGrouped(12345, 'row')).toBe('12,345 rows');
    expect(pluralGrouped(1, 'rule')).toBe('1 rule');
    expect(pluralGrouped(-1500, 'event')).toBe('-1,500 events');
  });
});
