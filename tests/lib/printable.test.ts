import { describe, expect, it } from 'vitest';
import { printable } from '../../scripts/lib/printable.ts';

describe('printable', () => {
  it('keeps ordinary text, spaces and non-ASCII letters as they are', () => {
    expect(printable('T1003.001')).toBe('T1003.001');
    expect(printable('../../../../README')).toBe('../../../../README');
    expect(printable('"><script>alert(1)</script>')).toBe('"><script>alert(1)</script>');
    expect(printable('Défense évasion ✓')).toBe('Défense évasion ✓');
  });

  it('escapes control, format and separator characters', () => {
    expect(printable('a\nb\r\tc\u0000')).toBe('a\\u000Ab\\u000D\\u0009c\\u0000');
    expect(printable('x\u202Eevil\u200B')).toBe('x\\u202Eevil\\u200B');
    expect(printable('a\u2028b\u00A0c\u007F')).toBe('a\\u2028b\\u00A0c\\u007F');
    expect(printable('lone \uD800 surrogate')).toBe('lone \\uD800 surrogate');
  });

  it('truncates to max code points and says how long the value was', () => {
    expect(printable('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}… (100 characters)`);
    expect(printable('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(printable('😀'.repeat(6), 5)).toBe(`${'😀'.repeat(5)}… (6 characters)`);
    expect(printable('a'.repeat(80))).toBe('a'.repeat(80));
    expect(printable('a'.repeat(81))).toBe(`${'a'.repeat(80)}… (81 characters)`);
  });
});
