import { describe, expect, it } from 'vitest';
import { FORMULA_START } from '../../scripts/lib/csv-formula.ts';

describe('FORMULA_START', () => {
  it('matches every leading character a spreadsheet runs, line break after it or not', () => {
    for (const v of ['=1+2', '+1', '-2', '@x', '\tx', '\rx', '=a\nb']) expect(FORMULA_START.test(v), JSON.stringify(v)).toBe(true);
  });
  it('leaves IDs, names and text alone', () => {
    for (const v of ['T1003.001', '4688', 'Security', 'a=b', ' -x', '', 'EventCode=4624 (LogonType=3)']) expect(FORMULA_START.test(v), JSON.stringify(v)).toBe(false);
  });
});
