/**
 * Renders a CoverageReport (an event list) or a ConfigCoverageReport (a configuration) as Markdown
 * (for people), CSV (for spreadsheets) or JSON (for tools).
 * Every count is per grade (confirmed / named / related); the headline counts confirmed + named.
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../lib/csv-formula.ts';
import { stringifyJson } from '../lib/json.ts';
import { plural } from '../lib/plural.ts';
import type { GradeLists } from './advice.ts';
import { type ConfigCounts, type ConfigCoverageReport, COUNTS_MEAN, type Counts, type CoverageReport } from './compute.ts';
import { countedGrades, type GradeCounts, minGradeWords } from './grades.ts';
import type { EventSource } from './inputs.ts';
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

  seenSection(out, tactics, r.seen);

  unseenSection(out, tactics, r.unseen);

  unmappedSection(out, tactics, r.unmapped, r.minGrade);
  return `${out.join('\n').trimEnd()}\n`;
}

/** Tactic IDs as the report's tactic names, joined. */
type TacticNames = (ts: readonly string[]) => string;

interface TechniqueRow {
  id: string;
  name: string;
  tactics: readonly string[];
}

/** A "## title" section with one row per technique (ID, name, tactics, then `more`), or the heading alone when there is none. */
function techniqueSection<T extends TechniqueRow>(out: string[], tactics: TacticNames, title: string, more: string[], rows: readonly T[], cells: (t: T) => string[]): void {
  out.push(`## ${title}`, '');
  if (rows.length === 0) return;
  const head = ['Technique', 'Name', 'Tactics', ...more];
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---|').join('')}`);
  for (const t of rows) out.push(`| ${[t.id, cell(t.name), cell(tactics(t.tactics)), ...cells(t)].join(' | ')} |`);
  out.push('');
}

function seenSection(out: string[], tactics: TacticNames, seen: ReadonlyArray<TechniqueRow & { grade: Grade; rules: number; via: readonly string[] }>): void {
  techniqueSection(out, tactics, `Techniques seen (${seen.length})`, ['Grade', 'Through (strongest first)'], seen, (t) => [gradeText(t.grade, t.rules), list(t.via, 8)]);
}

function unseenSection(out: string[], tactics: TacticNames, unseen: ReadonlyArray<TechniqueRow & { grade: string; events: readonly string[] }>): void {
  techniqueSection(out, tactics, `Techniques not seen (${unseen.length})`, ['Best grade mapped', 'Mapped events (none collected, strongest first)'], unseen, (t) => [t.grade, list(t.events, 8)]);
}

function unmappedSection(out: string[], tactics: TacticNames, unmapped: readonly TechniqueRow[], minGrade: Grade): void {
  techniqueSection(out, tactics, `Techniques with no mapped Windows event${minGrade === 'related' ? '' : ` at ${minGradeWords(minGrade)}`} (${unmapped.length})`, [], unmapped, () => []);
}

type Listed = TechniqueRow & { grade: string };

/** The technique rows of either CSV report, by ID: seen, partially seen (configuration reports only), not seen, unmapped. */
function techniqueCsvRows(
  seen: ReadonlyArray<Listed & { rules: number; via: readonly string[] }>,
  partial: ReadonlyArray<Listed & { via: readonly string[] }>,
  unseen: ReadonlyArray<Listed & { events: readonly string[] }>,
  unmapped: readonly TechniqueRow[],
): Array<{ id: string; name: string; tactics: string; status: string; grade: string; rules: string; events: string }> {
  const row = (t: TechniqueRow, status: string, grade: string, rules: string, events: readonly string[]) => ({ id: t.id, name: t.name, tactics: t.tactics.join(';'), status, grade, rules, events: events.join(';') });
  return [
    ...seen.map((t) => row(t, 'seen', t.grade, String(t.rules), t.via)),
    ...partial.map((t) => row(t, 'partial', t.grade, '', t.via)),
    ...unseen.map((t) => row(t, 'not-seen', t.grade, '', t.events)),
    ...unmapped.map((t) => row(t, 'unmapped', '', '', [])),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
  for (const t of techniqueCsvRows(r.seen, [], r.unseen, r.unmapped)) rows.push({ ...blank, section: 'technique', ...t });
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
function csvText(records: Array<Record<string, string>>, columns: readonly string[]): string {
  return `${Papa.unparse(records, { columns: [...columns], newline: '\n', escapeFormulae: FORMULA_START })}\n`;
}

/** The one switch over output formats, for both kinds of report (JSON is the report itself). */
function formatAs<R>(r: R, format: CoverageFormat, md: (r: R) => string, csv: (r: R) => string): string {
  return format === 'md' ? md(r) : format === 'csv' ? csv(r) : stringifyJson(r);
}

export function toCsv(r: CoverageReport): string {
  return csvText(csvRecords(r), CSV_COLUMNS);
}

export function toJson(r: CoverageReport): string {
  return stringifyJson(r);
}

export function formatReport(r: CoverageReport, format: CoverageFormat): string {
  return formatAs(r, format, toMarkdown, toCsv);
}

// ---------------------------------------------------------------------------------------------
// Configuration coverage reports
// ---------------------------------------------------------------------------------------------

/** `auditpol (audit.csv): Process Creation: Success` */
export function describeSource(s: EventSource): string {
  return `${s.input}${s.source !== '--events' ? ` (${s.source})` : ''}: ${s.detail}`;
}

export function configToMarkdown(r: ConfigCoverageReport): string {
  const tacticName = new Map(r.tactics.map((t) => [t.shortname, t.name]));
  const tactics = (ts: readonly string[]): string => ts.map((t) => tacticName.get(t) ?? t).join(', ');
  const out: string[] = [];
  const t = r.totals;
  const cols = gradeColumns<ConfigCounts>(r.minGrade, true);
  out.push(`# Windows event coverage from configuration — ATT&CK ${r.attackVersion}`, '');
  out.push(headline(r.minGrade, t, t.partial > 0 ? `**${t.partial}** more only partially, through Sysmon event types filtered by include rules (not counted).` : ''), '');
  out.push(`_${COUNTS_MEAN}${r.minGrade === 'related' ? '' : ` Only links of ${minGradeWords(r.minGrade)} count here (--min-grade ${r.minGrade}).`}_`, '');
  out.push('## Inputs', '');
  for (const i of r.inputs) out.push(`- **${i.input}** ${i.source === '--events' ? '' : `\`${i.source}\`: `}${i.summary}`);
  out.push('');
  if (r.warnings.length > 0) {
    out.push(`## Warnings (${r.warnings.length})`, '');
    for (const w of r.warnings) out.push(`- ${w}`);
    out.push('');
  }
  if (r.notes.length > 0) {
    out.push('## Notes', '');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  out.push(`_Counting: ${r.convention}_`, '');

  out.push('## Coverage by tactic', '');
  out.push(`| Tactic | ${cols.head.join(' | ')} |`, `|---|${cols.head.map(() => '---:').join('|')}|`);
  for (const x of r.tactics) out.push(`| ${cell(x.name)} (${x.id}) | ${cols.row(x).join(' | ')} |`);
  out.push(`| **All tactics** (distinct techniques) | ${cols.row(t).join(' | ')} |`, '');

  out.push(`## Advice (top ${r.advice.length})`, '');
  if (r.advice.length === 0) {
    out.push(r.unseen.length + r.partial.length === 0 ? 'Every technique with a mapped event is already seen.' : 'None requested.', '');
  } else {
    out.push(
      'Each step gains the most techniques at grade confirmed, then named, then related — newly seen, partial made fully seen, or seen at a stronger grade than before; then the most new techniques; audit subcategories first on ties.',
      '',
    );
    for (const a of r.advice) {
      const fresh = `${plural(a.adds.length, 'new technique')}${a.upgrades.length > 0 ? `, ${a.upgrades.length} partial → seen` : ''}`;
      const after = `${strongCount(a.after)} ${strongLabel(r.minGrade).toLowerCase()} after, ${percent(strongCount(a.after), t.mapped)}; ${a.seenAfter} seen`;
      out.push(`### ${a.rank}. ${a.title} (${gainText(a.gained)}; ${fresh}; ${after})`, '');
      if (a.kind === 'sysmon-event-type' && a.snippet) out.push('```xml', a.snippet, '```', '');
      else if (a.commands.length > 0) out.push('```', ...a.commands, '```', '');
      if (a.gpo) out.push(`Group Policy: ${a.gpo}`, '');
      if (a.note) out.push(`Note: ${a.note}`, '');
      for (const g of ['confirmed', 'named', 'related'] as const) if (a.gained[g].length > 0) out.push(`Now ${g}: ${list(a.gained[g], 25)}`, '');
      if (a.adds.length > 0) out.push(`New: ${list(a.adds, 25)}`, '');
      if (a.upgrades.length > 0) out.push(`Partial → seen: ${list(a.upgrades, 25)}`, '');
      out.push(`Events: ${a.events.map((e) => `\`${e.key}\` (${e.techniques.length})`).join(', ')}`, '');
    }
  }

  out.push(`## Collected events (${r.events.length})`, '');
  if (r.events.length > 0) {
    out.push('| Event | Name | Status | From | Techniques | Confirmed | Named | Related |', '|---|---|---|---|---:|---:|---:|---:|');
    for (const e of r.events) {
      out.push(`| \`${e.key}\` | ${cell(e.name)} | ${e.status} | ${cell(e.sources.map(describeSource).join('; '))} | ${e.techniques.length} | ${e.grades.confirmed} | ${e.grades.named} | ${e.grades.related} |`);
    }
    out.push('');
  }

  seenSection(out, tactics, r.seen);
  techniqueSection(out, tactics, `Techniques seen only partially (${r.partial.length})`, ['Grade', 'Partially through'], r.partial, (x) => [x.grade, list(x.via, 8)]);
  unseenSection(out, tactics, r.unseen);
  unmappedSection(out, tactics, r.unmapped, r.minGrade);
  return `${out.join('\n').trimEnd()}\n`;
}

export const CONFIG_CSV_COLUMNS = [
  'section',
  'rank',
  'id',
  'name',
  'tactics',
  'status',
  'grade',
  'rules',
  'seen',
  'confirmed',
  'named',
  'related',
  'partial',
  'mapped',
  'all',
  'adds',
  'upgrades',
  'events',
  'techniques',
  'inputs',
  'command',
] as const;
export type ConfigCsvColumn = (typeof CONFIG_CSV_COLUMNS)[number];
export type ConfigCsvRecord = Record<ConfigCsvColumn, string>;

/**
 * One table, one row per fact, told apart by `section`: `input`, `warning`, `note`, `tactic` and
 * `total` (seen = any grade; confirmed / named / related = seen at that grade; the total's `grade`
 * is the minimum grade counted), `event` (status full | partial; inputs = where it comes from;
 * confirmed / named / related = its links of that grade), `technique` (status seen | partial |
 * not-seen | unmapped; grade = the grade seen at, the partial links' best, or the best mapped;
 * rules = distinct rules of that link when seen), `advice` (rank; id; name = what to do; command;
 * confirmed / named / related = techniques gained at that grade; adds / upgrades counts; seen =
 * seen after; techniques = those gained; events). Lists inside a cell are separated by `;`.
 */
export function configCsvRecords(r: ConfigCoverageReport): ConfigCsvRecord[] {
  const blank: ConfigCsvRecord = {
    section: '',
    rank: '',
    id: '',
    name: '',
    tactics: '',
    status: '',
    grade: '',
    rules: '',
    seen: '',
    confirmed: '',
    named: '',
    related: '',
    partial: '',
    mapped: '',
    all: '',
    adds: '',
    upgrades: '',
    events: '',
    techniques: '',
    inputs: '',
    command: '',
  };
  const counts = (c: ConfigCounts): Partial<ConfigCsvRecord> => ({
    seen: String(c.seen),
    confirmed: String(c.confirmed),
    named: String(c.named),
    related: String(c.related),
    partial: String(c.partial),
    mapped: String(c.mapped),
    all: String(c.total),
  });
  const rows: ConfigCsvRecord[] = [];
  for (const i of r.inputs) rows.push({ ...blank, section: 'input', id: i.source, name: i.summary, inputs: i.input });
  for (const w of r.warnings) rows.push({ ...blank, section: 'warning', name: w });
  for (const n of r.notes) rows.push({ ...blank, section: 'note', name: n });
  r.tactics.forEach((x, i) =>
    rows.push({ ...blank, section: 'tactic', rank: String(i + 1), id: x.id, name: x.name, tactics: x.shortname, ...counts(x) }),
  );
  rows.push({ ...blank, section: 'total', name: 'All tactics (distinct techniques)', grade: r.minGrade, ...counts(r.totals) });
  for (const e of r.events) {
    rows.push({
      ...blank,
      section: 'event',
      id: e.key,
      name: e.name,
      status: e.status,
      confirmed: String(e.grades.confirmed),
      named: String(e.grades.named),
      related: String(e.grades.related),
      techniques: e.techniques.join(';'),
      inputs: e.sources.map(describeSource).join(';'),
    });
  }
  for (const t of techniqueCsvRows(r.seen, r.partial, r.unseen, r.unmapped)) rows.push({ ...blank, section: 'technique', ...t });
  for (const a of r.advice) {
    rows.push({
      ...blank,
      section: 'advice',
      rank: String(a.rank),
      id: a.id,
      name: a.title,
      status: a.kind,
      seen: String(a.seenAfter),
      confirmed: String(a.gained.confirmed.length),
      named: String(a.gained.named.length),
      related: String(a.gained.related.length),
      adds: String(a.adds.length),
      upgrades: String(a.upgrades.length),
      events: a.events.map((e) => e.key).join(';'),
      techniques: [...a.gained.confirmed, ...a.gained.named, ...a.gained.related].join(';'),
      command: a.commands.join(' && '),
    });
  }
  return rows;
}

export function configToCsv(r: ConfigCoverageReport): string {
  return csvText(configCsvRecords(r), CONFIG_CSV_COLUMNS);
}

export function configToJson(r: ConfigCoverageReport): string {
  return stringifyJson(r);
}

export function formatConfigReport(r: ConfigCoverageReport, format: CoverageFormat): string {
  return formatAs(r, format, configToMarkdown, configToCsv);
}
