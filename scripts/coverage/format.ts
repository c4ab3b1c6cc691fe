/**
 * Renders a CoverageReport as Markdown (for people), CSV (for spreadsheets) or JSON (for tools).
 * Every count is per grade (confirmed / named / related); the headline counts confirmed + named.
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../lib/csv-formula.ts';
import { stringifyJson } from '../lib/json.ts';
import { plural } from '../lib/plural.ts';
import { COUNTS_MEAN, type Counts, type CoverageReport, type GradeLists } from './compute.ts';
import { countedGrades, type GradeCounts, minGradeWords } from './grades.ts';
import type { Grade } from './types.ts';

export const FORMATS = ['md', 'csv', 'json'] as const;
export type CoverageFormat = (typeof FORMATS)[number];

export function isFormat(s: string): s is CoverageFormat {
  return (FORMATS as readonly string[]).includes(s);
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

/** Escapes text for a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function list(keys: readonly string[], max: number): string {
  return keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')} … (+${keys.length - max})`;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Techniques seen through a confirmed or named link: the headline number. */
export const strongCount = (c: GradeCounts): number => c.confirmed + c.named;

/** `Confirmed + named`, or `Confirmed` at `--min-grade confirmed`. */
export function strongLabel(min: Grade): string {
  return min === 'confirmed' ? 'Confirmed' : 'Confirmed + named';
}

/** `confirmed or named`, or `confirmed` at `--min-grade confirmed`. */
function strongWords(min: Grade): string {
  return min === 'confirmed' ? 'confirmed' : 'confirmed or named';
}

/**
 * The headline, shared by the events-only and the configuration reports:
 * `**380** of 470 techniques with a mapped Windows event have a collected event mapped to them by a
 * confirmed or named link (80.9%): 191 confirmed, 189 named. 6 more only related; 386 at any grade
 * (82.1%), of all 472 Windows techniques.` `extra` goes before the last sentence (partial techniques).
 */
export function headline(min: Grade, t: Counts, extra = ''): string {
  const strong = strongCount(t);
  const parts = countedGrades(min).filter((g) => g !== 'related').map((g) => `${t[g]} ${g}`);
  const mappedWhat = min === 'related' ? 'techniques with a mapped Windows event' : `techniques with a Windows event mapped at ${minGradeWords(min)}`;
  const out = [`**${strong}** of ${t.mapped} ${mappedWhat} have a collected event mapped to them by a ${strongWords(min)} link (${percent(strong, t.mapped)})${parts.length > 1 ? `: ${parts.join(', ')}` : ''}.`];
  if (min === 'related') out.push(`${t.related} more only related (through a data component): ${t.seen} at any grade (${percent(t.seen, t.mapped)}).`);
  if (extra) out.push(extra);
  out.push(`${plural(t.total, 'Windows technique')} in all (${percent(strong, t.total)} ${strongWords(min)}).`);
  return out.join(' ');
}

/**
 * The per-tactic table's header cells after "Tactic" and its row cells: the counted grades, then
 * (configuration reports) partial, mapped, all and the shares of mapped.
 */
export function gradeColumns<C extends Counts & { partial?: number }>(min: Grade, withPartial = false): { head: string[]; row: (c: C) => string[] } {
  const grades = countedGrades(min);
  const anyGrade = min === 'related';
  return {
    head: [...grades.map(cap), ...(withPartial ? ['Partial'] : []), 'Mapped', 'All', `${strongLabel(min)} / mapped`, ...(anyGrade ? ['Any grade / mapped'] : [])],
    row: (c) => [
      ...grades.map((g) => String(c[g])),
      ...(withPartial ? [String(c.partial ?? 0)] : []),
      String(c.mapped),
      String(c.total),
      percent(strongCount(c), c.mapped),
      ...(anyGrade ? [percent(c.seen, c.mapped)] : []),
    ],
  };
}

/** `+3 confirmed, +1 named` (non-zero grades only; `nothing` when all are zero). */
export function gainText(g: GradeLists): string {
  const parts = (['confirmed', 'named', 'related'] as const).filter((x) => g[x].length > 0).map((x) => `+${g[x].length} ${x}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/** `confirmed (7 rules)`, `named`. */
export function gradeText(grade: Grade, rules?: number): string {
  return grade === 'confirmed' && rules !== undefined && rules > 0 ? `confirmed (${plural(rules, 'rule')})` : grade;
}

export function toMarkdown(r: CoverageReport): string {
  const tacticName = new Map(r.tactics.map((t) => [t.shortname, t.name]));
  const tactics = (ts: readonly string[]): string => ts.map((t) => tacticName.get(t) ?? t).join(', ');
  const cols = gradeColumns(r.minGrade);
  const out: string[] = [];
  out.push(`# Windows event coverage — ATT&CK ${r.attackVersion}`, '');
  out.push(headline(r.minGrade, r.totals), '');
  out.push(`_${COUNTS_MEAN}${r.minGrade === 'related' ? '' : ` Only links of ${minGradeWords(r.minGrade)} count here (--min-grade ${r.minGrade}).`}_`, '');
  out.push(`Collected events (${r.events.length}): ${r.events.map((e) => `\`${e.key}\``).join(', ')}`, '');
  out.push(`_Counting: ${r.convention}_`, '');

  out.push('## Coverage by tactic', '');
  out.push(`| Tactic | ${cols.head.join(' | ')} |`, `|---|${cols.head.map(() => '---:').join('|')}|`);
  for (const t of r.tactics) out.push(`| ${cell(t.name)} (${t.id}) | ${cols.row(t).join(' | ')} |`);
  out.push(`| **All tactics** (distinct techniques) | ${cols.row(r.totals).join(' | ')} |`, '');

  out.push(`## Next best events (top ${r.nextBest.length})`, '');
  if (r.nextBest.length === 0) {
    out.push(r.unseen.length === 0 ? 'Every technique with a mapped event is already seen.' : 'None requested.', '');
  } else {
    out.push('Each pick gains the most techniques at grade confirmed, then named, then related — newly seen, or seen at a stronger grade than before (ties: log name, then event ID).', '');
    out.push(`| # | Event | Name | Gains | New | ${strongLabel(r.minGrade)} after | Seen after | Techniques gained |`, '|---:|---|---|---|---:|---:|---:|---|');
    for (const n of r.nextBest) {
      const gained = [...n.gained.confirmed, ...n.gained.named, ...n.gained.related];
      out.push(
        `| ${n.rank} | \`${n.key}\` | ${cell(n.name)} | ${gainText(n.gained)} | ${n.adds.length} | ${strongCount(n.after)} (${percent(strongCount(n.after), r.totals.mapped)}) | ${n.seenAfter} (${percent(n.seenAfter, r.totals.mapped)}) | ${list(gained, 12)} |`,
      );
    }
    out.push('');
  }

  out.push('## Collected events', '');
  out.push('| Event | Name | Techniques | Confirmed | Named | Related |', '|---|---|---:|---:|---:|---:|');
  for (const e of r.events) out.push(`| \`${e.key}\` | ${cell(e.name)} | ${e.techniques.length} | ${e.grades.confirmed} | ${e.grades.named} | ${e.grades.related} |`);
  out.push('');

  out.push(`## Techniques seen (${r.seen.length})`, '');
  if (r.seen.length > 0) {
    out.push('| Technique | Name | Tactics | Grade | Through (strongest first) |', '|---|---|---|---|---|');
    for (const t of r.seen) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} | ${gradeText(t.grade, t.rules)} | ${list(t.via, 8)} |`);
    out.push('');
  }

  out.push(`## Techniques not seen (${r.unseen.length})`, '');
  if (r.unseen.length > 0) {
    out.push('| Technique | Name | Tactics | Best grade mapped | Mapped events (none collected, strongest first) |', '|---|---|---|---|---|');
    for (const t of r.unseen) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} | ${t.grade} | ${list(t.events, 8)} |`);
    out.push('');
  }

  out.push(`## Techniques with no mapped Windows event${r.minGrade === 'related' ? '' : ` at ${minGradeWords(r.minGrade)}`} (${r.unmapped.length})`, '');
  if (r.unmapped.length > 0) {
    out.push('| Technique | Name | Tactics |', '|---|---|---|');
    for (const t of r.unmapped) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const CSV_COLUMNS = ['section', 'rank', 'id', 'name', 'tactics', 'status', 'grade', 'rules', 'seen', 'confirmed', 'named', 'related', 'mapped', 'all', 'adds', 'events', 'techniques'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRecord = Record<CsvColumn, string>;

/**
 * One table, one row per fact, told apart by `section`:
 * - `tactic` (rank = matrix position) and `total` (distinct techniques): seen (any grade),
 *   confirmed / named / related (seen at that grade), mapped, all; the total's `grade` is the
 *   minimum grade counted (`related`: every link);
 * - `event` (a collected event: confirmed / named / related = its links of that grade);
 * - `technique` (status seen | not-seen | unmapped; grade = the grade seen at, or the best mapped
 *   when not seen; rules = distinct rules of that link; events = the collected events it is seen
 *   through, or its mapped events when not seen, strongest first);
 * - `next-best` (rank; id = event key; confirmed / named / related = techniques gained at that
 *   grade; adds = techniques newly seen; seen = techniques seen after this pick; techniques = those gained).
 * Lists inside a cell are separated by `;`.
 */
export function csvRecords(r: CoverageReport): CsvRecord[] {
  const blank: CsvRecord = { section: '', rank: '', id: '', name: '', tactics: '', status: '', grade: '', rules: '', seen: '', confirmed: '', named: '', related: '', mapped: '', all: '', adds: '', events: '', techniques: '' };
  const counts = (c: Counts): Partial<CsvRecord> => ({ seen: String(c.seen), confirmed: String(c.confirmed), named: String(c.named), related: String(c.related), mapped: String(c.mapped), all: String(c.total) });
  const rows: CsvRecord[] = [];
  r.tactics.forEach((t, i) => rows.push({ ...blank, section: 'tactic', rank: String(i + 1), id: t.id, name: t.name, tactics: t.shortname, ...counts(t) }));
  rows.push({ ...blank, section: 'total', name: 'All tactics (distinct techniques)', grade: r.minGrade, ...counts(r.totals) });
  for (const e of r.events) {
    rows.push({ ...blank, section: 'event', id: e.key, name: e.name, confirmed: String(e.grades.confirmed), named: String(e.grades.named), related: String(e.grades.related), techniques: e.techniques.join(';') });
  }
  const techniques = [
    ...r.seen.map((t) => ({ t, status: 'seen', grade: t.grade, rules: String(t.rules), events: t.via })),
    ...r.unseen.map((t) => ({ t, status: 'not-seen', grade: t.grade, rules: '', events: t.events })),
    ...r.unmapped.map((t) => ({ t, status: 'unmapped', grade: '', rules: '', events: [] as string[] })),
  ].sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  for (const { t, status, grade, rules, events } of techniques) rows.push({ ...blank, section: 'technique', id: t.id, name: t.name, tactics: t.tactics.join(';'), status, grade, rules, events: events.join(';') });
  for (const n of r.nextBest) {
    rows.push({
      ...blank,
      section: 'next-best',
      rank: String(n.rank),
      id: n.key,
      name: n.name,
      seen: String(n.seenAfter),
      confirmed: String(n.gained.confirmed.length),
      named: String(n.gained.named.length),
      related: String(n.gained.related.length),
      adds: String(n.adds.length),
      techniques: [...n.gained.confirmed, ...n.gained.named, ...n.gained.related].join(';'),
    });
  }
  return rows;
}

/** Names come from upstream and from the user's files: a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is written as text (a leading `'`), never as a spreadsheet formula. */
export function toCsv(r: CoverageReport): string {
  return `${Papa.unparse(csvRecords(r), { columns: [...CSV_COLUMNS], newline: '\n', escapeFormulae: FORMULA_START })}\n`;
}

export function toJson(r: CoverageReport): string {
  return stringifyJson(r);
}

export function formatReport(r: CoverageReport, format: CoverageFormat): string {
  switch (format) {
    case 'md':
      return toMarkdown(r);
    case 'csv':
      return toCsv(r);
    case 'json':
      return toJson(r);
  }
}
