/**
 * Renders a CoverageReport as Markdown (for people), CSV (for spreadsheets) or JSON (for tools).
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../lib/csv-formula.ts';
import type { Counts, CoverageReport } from './compute.ts';

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

function countRow(label: string, c: Counts): string {
  return `| ${label} | ${c.seen} | ${c.mapped} | ${c.total} | ${percent(c.seen, c.mapped)} | ${percent(c.seen, c.total)} |`;
}

export function toMarkdown(r: CoverageReport): string {
  const tacticName = new Map(r.tactics.map((t) => [t.shortname, t.name]));
  const tactics = (ts: readonly string[]): string => ts.map((t) => tacticName.get(t) ?? t).join(', ');
  const out: string[] = [];
  out.push(`# Windows event coverage — ATT&CK ${r.attackVersion}`, '');
  out.push(
    `**${r.totals.seen}** of ${r.totals.mapped} techniques with a mapped Windows event are seen (${percent(r.totals.seen, r.totals.mapped)}); ` +
      `${r.totals.seen} of all ${r.totals.total} Windows techniques (${percent(r.totals.seen, r.totals.total)}).`,
    '',
  );
  out.push(`Collected events (${r.events.length}): ${r.events.map((e) => `\`${e.key}\``).join(', ')}`, '');
  out.push(`_Counting: ${r.convention}_`, '');

  out.push('## Coverage by tactic', '');
  out.push('| Tactic | Seen | Mapped | All | Seen / mapped | Seen / all |', '|---|---:|---:|---:|---:|---:|');
  for (const t of r.tactics) out.push(countRow(`${cell(t.name)} (${t.id})`, t));
  out.push(countRow('**All tactics** (distinct techniques)', r.totals), '');

  out.push(`## Next best events (top ${r.nextBest.length})`, '');
  if (r.nextBest.length === 0) {
    out.push(r.unseen.length === 0 ? 'Every technique with a mapped event is already seen.' : 'None requested.', '');
  } else {
    out.push('Each pick adds the most techniques not yet seen (ties: log name, then event ID).', '');
    out.push('| # | Event | Name | Adds | Seen after | Techniques added |', '|---:|---|---|---:|---:|---|');
    for (const n of r.nextBest) {
      out.push(`| ${n.rank} | \`${n.key}\` | ${cell(n.name)} | ${n.adds.length} | ${n.seenAfter} (${percent(n.seenAfter, r.totals.mapped)}) | ${list(n.adds, 12)} |`);
    }
    out.push('');
  }

  out.push('## Collected events', '');
  out.push('| Event | Name | Techniques |', '|---|---|---:|');
  for (const e of r.events) out.push(`| \`${e.key}\` | ${cell(e.name)} | ${e.techniques.length} |`);
  out.push('');

  out.push(`## Techniques seen (${r.seen.length})`, '');
  if (r.seen.length > 0) {
    out.push('| Technique | Name | Tactics | Through |', '|---|---|---|---|');
    for (const t of r.seen) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} | ${t.via.join(', ')} |`);
    out.push('');
  }

  out.push(`## Techniques not seen (${r.unseen.length})`, '');
  if (r.unseen.length > 0) {
    out.push('| Technique | Name | Tactics | Mapped events (none collected) |', '|---|---|---|---|');
    for (const t of r.unseen) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} | ${list(t.events, 8)} |`);
    out.push('');
  }

  out.push(`## Techniques with no mapped Windows event (${r.unmapped.length})`, '');
  if (r.unmapped.length > 0) {
    out.push('| Technique | Name | Tactics |', '|---|---|---|');
    for (const t of r.unmapped) out.push(`| ${t.id} | ${cell(t.name)} | ${cell(tactics(t.tactics))} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const CSV_COLUMNS = ['section', 'rank', 'id', 'name', 'tactics', 'status', 'seen', 'mapped', 'all', 'adds', 'events', 'techniques'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRecord = Record<CsvColumn, string>;

/**
 * One table, one row per fact, told apart by `section`:
 * - `tactic` (rank = matrix position; seen/mapped/all) and `total` (distinct techniques);
 * - `technique` (status seen | not-seen | unmapped; events = the collected events it is seen
 *   through, or its mapped events when not seen);
 * - `next-best` (rank; id = event key; adds; seen = techniques seen after this pick; techniques = those it adds).
 * Lists inside a cell are separated by `;`.
 */
export function csvRecords(r: CoverageReport): CsvRecord[] {
  const blank: CsvRecord = { section: '', rank: '', id: '', name: '', tactics: '', status: '', seen: '', mapped: '', all: '', adds: '', events: '', techniques: '' };
  const rows: CsvRecord[] = [];
  r.tactics.forEach((t, i) => rows.push({ ...blank, section: 'tactic', rank: String(i + 1), id: t.id, name: t.name, tactics: t.shortname, seen: String(t.seen), mapped: String(t.mapped), all: String(t.total) }));
  rows.push({ ...blank, section: 'total', name: 'All tactics (distinct techniques)', seen: String(r.totals.seen), mapped: String(r.totals.mapped), all: String(r.totals.total) });
  const techniques = [
    ...r.seen.map((t) => ({ t, status: 'seen', events: t.via })),
    ...r.unseen.map((t) => ({ t, status: 'not-seen', events: t.events })),
    ...r.unmapped.map((t) => ({ t, status: 'unmapped', events: [] as string[] })),
  ].sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  for (const { t, status, events } of techniques) rows.push({ ...blank, section: 'technique', id: t.id, name: t.name, tactics: t.tactics.join(';'), status, events: events.join(';') });
  for (const n of r.nextBest) {
    rows.push({ ...blank, section: 'next-best', rank: String(n.rank), id: n.key, name: n.name, seen: String(n.seenAfter), adds: String(n.adds.length), techniques: n.adds.join(';') });
  }
  return rows;
}

/** Names come from upstream and from the user's files: a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is written as text (a leading `'`), never as a spreadsheet formula. */
export function toCsv(r: CoverageReport): string {
  return `${Papa.unparse(csvRecords(r), { columns: [...CSV_COLUMNS], newline: '\n', escapeFormulae: FORMULA_START })}\n`;
}

export function toJson(r: CoverageReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
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
