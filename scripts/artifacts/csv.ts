/** The one CSV writer, through papaparse: header row, LF line ends, quotes only where needed. */
import Papa from 'papaparse';
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

export function toCsv(rows: MappingRow[]): string {
  const data = rows.map((r) => {
    const rec = mappingRecord(r);
    return MAPPING_COLUMNS.map((c) => rec[c]);
  });
  const body = Papa.unparse({ fields: [...MAPPING_COLUMNS], data }, { newline: '\n', quotes: false, escapeFormulae: false });
  return `${body}\n`;
}

/** `links.csv`: one row per technique × event, the file a SIEM loads as a lookup. */
export const LINK_COLUMNS = ['technique_id', 'technique', 'tactics', 'event_log', 'event_id', 'event_name', 'grade', 'rule_count', 'evidence', 'rules'] as const;
export type LinkColumn = (typeof LINK_COLUMNS)[number];

export function toLinksCsv(records: ReadonlyArray<Record<LinkColumn, string>>): string {
  const data = records.map((r) => LINK_COLUMNS.map((c) => r[c]));
  return `${Papa.unparse({ fields: [...LINK_COLUMNS], data }, { newline: '\n', quotes: false, escapeFormulae: false })}\n`;
}

export function parseCsv(text: string): Array<Record<string, string>> {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`CSV: ${parsed.errors[0]?.message ?? 'parse error'} (row ${parsed.errors[0]?.row ?? '?'})`);
  return parsed.data;
}
