import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../../scripts/lib/json.ts';

describe('stringifyJson', () => {
  it('indents by two spaces, keeps key order and ends with one newline', () => {
    expect(stringifyJson({ b: 1, a: [true, null], c: { d: 'x' } })).toBe('{\n  "b": 1,\n  "a": [\n    true,\n    null\n  ],\n  "c": {\n    "d": "x"\n  }\n}\n');
    expect(stringifyJson([])).toBe('[]\n');
    expect(stringifyJson('é\u2028')).toBe('"é\u2028"\n');
  });
});
