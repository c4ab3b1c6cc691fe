import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvText, parseCsv } from '../../scripts/artifacts/csv.ts';

describe('csvText, the artifacts’ CSV writer', () => {
  const row = ['plain', 'a b', ' lead', 'trail ', 'x"y', 'c,d', 'l\nm', 'r\rs', '\ufeffbom', '', '\ttab', 'T1003.001', 'é ü “quotes”'];
  const header = row.map((_, i) => `c${i}`);

  it('quotes exactly where papaparse’s unparse does, byte for byte', () => {
    const papa = `${Papa.unparse({ fields: header, data: [row, row] }, { newline: '\n', quotes: false, escapeFormulae: false })}\n`;
    expect(csvText(header, [row, row])).toBe(papa);
  });

  it('reads back through papaparse to the same fields', () => {
    const back = parseCsv(csvText(header, [row]));
    expect(back).toEqual([Object.fromEntries(header.map((h, i) => [h, row[i]]))]);
  });

  it('ends every line with LF, the last one too', () => {
    expect(csvText(['a', 'b'], [['1', '2']])).toBe('a,b\n1,2\n');
    expect(csvText(['a'], [])).toBe('a\n');
  });
});
