import { describe, expect, it } from 'vitest';
import { cmp } from '../../scripts/lib/cmp.ts';

describe('cmp', () => {
  it('orders by code unit, not by locale', () => {
    expect(['b', 'B', 'a', 'é', 'T1003.001', 'T1003'].sort(cmp)).toEqual(['B', 'T1003', 'T1003.001', 'a', 'b', 'é']);
    expect(cmp('x', 'x')).toBe(0);
  });
});
