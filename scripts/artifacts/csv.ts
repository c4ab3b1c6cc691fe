/**
 * The CSV writer of the artifacts: header row, LF line ends, quotes only where needed, by the same
 * rule as papaparse's `unparse` (a field with a comma, a quote, a line break, a byte-order mark, or a
 * leading or trailing space is quoted, quotes doubled). papaparse reads CSV everywhere; writing the 20,000-row
 * mapping.csv through `unparse` took a third of a version's write time, so the two artifact CSVs are
 * written here.
 *
 * Fields are upstream text, so a spreadsheet must not run one as a formula: as `unparse` with
 * `escapeFormulae: true` does, a field that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'` and is quoted (`=1+1` → `"'=1+1"`). Every CSV the project writes does
 * the same (the coverage CSVs through `unparse` with `escapeFormulae: true`).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../lib/csv-formula.ts';
import type { MappingRow } from '../mapping/types.ts';

export const MAPPING_COLUMNS = [
  'technique_id',
  'technique',
  'tactics',
  'data_source',
  'data_component',
  'data_component_id',
  'event_log',
  'event_id',
  'event_name',
  'evidence',
  'evidence_ref',
  'detail',
  'grade',
] as const;

export type MappingColumn = (typeof MAPPING_COLUMNS)[number];

export function mappingRecord(r: MappingRow): Record<MappingColumn, string> {
  return {
    technique_id: r.techniqueId,
    technique: r.technique,
    // Tactics in matrix order, ";" between them: one cell a spreadsheet can filter on.
    tactics: r.tactics.join(';'),
    data_source: r.dataSource,
    data_component: r.dataComponent,
    data_component_id: r.dataComponentId,
    event_log: r.eventLog,
    event_id: r.eventId,
    event_name: r.eventName,
    evidence: r.evidence,
    evidence_ref: r.evidenceRef,
    detail: r.detail,
    grade: r.grade,
  };
}

export { FORMULA_START };

const NEEDS_QUOTES = /[",\r\n\ufeff]|^ | $/;
function field(v: string): string {
  if (FORMULA_START.test(v)) return `"'${v.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Header and rows as CSV text: LF after every line, the last one too. */
export function csvText(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines: string[] = [header.map(field).join(',')];
  for (const r of rows) lines.push(r.map(field).join(','));
  return `${lines.join('\n')}\n`;
}

export function toCsv(rows: MappingRow[]): string {
  return csvText(
    MAPPING_COLUMNS,
    rows.map((r) => {
      const rec = mappingRecord(r);
      return MAPPING_COLUMNS.map((c) => rec[c]);
    }),
  );
}

/** `links.csv`: one row per technique × event, the file a SIEM loads as a lookup. */
export const LINK_COLUMNS = ['technique_id', 'technique', 'tactics', 'event_log', 'event_id', 'event_name', 'grade', 'rule_count', 'evidence', 'rules'] as const;
export type LinkColumn = (typeof LINK_COLUMNS)[number];

export function toLinksCsv(records: ReadonlyArray<Record<LinkColumn, string>>): string {
  return csvText(
    LINK_COLUMNS,
    records.map((r) => LINK_COLUMNS.map((c) => r[c])),
  );
}

export function parseCsv(text: string): Array<Record<string, string>> {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`CSV: ${parsed.errors[0]?.message ?? 'parse error'} (row ${parsed.errors[0]?.row ?? '?'})`);
  return parsed.data;
}
