/**
 * Reads the CSV written by `auditpol /get /category:* /r` (and the audit.csv of `auditpol
 * /backup` or a Group Policy backup, which adds a `Setting Value` column).
 *
 * Columns: `Machine Name,Policy Target,[Subsystem,]Subcategory,Subcategory GUID,Inclusion
 * Setting,Exclusion Setting[,Setting Value]`; settings `Success`, `Failure`, `Success and
 * Failure`, `No Auditing`. Real files may start with a BOM, use CRLF and end in blank lines.
 *
 * Subcategories are matched by GUID first (the same in every language), then by English name.
 * Columns are found by header name, or — for localised headers — by content (the GUID column,
 * the subcategory name before it, the inclusion setting after it). Settings are read from the
 * numeric `Setting Value` when present, else from the text (English, German, French, Spanish).
 *
 * A text longer than MAX_CONFIG_INPUT_BYTES (decode.ts) is refused before it is parsed; at most
 * MAX_WARNINGS warnings are listed, then one line "… and K more warnings".
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers).
 */
import Papa from 'papaparse';
import { CoverageError } from '../types.ts';
import { inputTooLarge, WarningList } from './decode.ts';
import { type AuditSubcategory, AUDIT_SUBCATEGORIES, closestSubcategories, foldSubcategoryName, normalizeGuid, subcategoryByGuid, subcategoryByName } from '../../windows/subcategories.ts';

export interface AuditSetting {
  success: boolean;
  failure: boolean;
}

export interface AuditPolicyEntry extends AuditSetting {
  subcategory: AuditSubcategory;
  /** The name as written in the file (may be localised). */
  nameInFile: string;
  /** 1-based line in the file. */
  line: number;
  /** How the row was matched. */
  matchedBy: 'guid' | 'name';
}

export interface AuditPolicy {
  /** File name or label, for messages. */
  source: string;
  machine: string | undefined;
  /** Subcategory GUID → setting. Subcategories absent from the file are not audited. */
  entries: Map<string, AuditPolicyEntry>;
  /** Rows matched by GUID whose name is not the English one (localised output). */
  localisedNames: number;
  /** Problems with rows: unknown subcategories or settings, duplicates. */
  warnings: string[];
  /** How the file was read (localised names matched by GUID, subcategories missing). */
  notes: string[];
}

const SETTING_TEXT: Record<string, AuditSetting> = {};
const def = (names: string[], success: boolean, failure: boolean): void => {
  for (const n of names) SETTING_TEXT[foldSetting(n)] = { success, failure };
};
function foldSetting(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[’']/g, "'");
}
def(['Success and Failure', 'Success, Failure', 'Success & Failure'], true, true);
def(['Success'], true, false);
def(['Failure'], false, true);
def(['No Auditing', 'No auditing', 'None', 'Not Configured'], false, false);
// German
def(['Erfolg und Fehler', 'Erfolgreich und Fehler'], true, true);
def(['Erfolg', 'Erfolgreich'], true, false);
def(['Fehler'], false, true);
def(['Keine Überwachung'], false, false);
// French
def(['Succès et échec', 'Réussite et échec'], true, true);
def(['Succès', 'Réussite'], true, false);
def(['Échec', 'Echec'], false, true);
def(["Pas d'audit", 'Aucun audit', 'Aucune audit'], false, false);
// Spanish
def(['Aciertos y errores', 'Correcto y error'], true, true);
def(['Aciertos', 'Correcto'], true, false);
def(['Errores', 'Error'], false, true);
def(['Sin auditoría', 'Sin auditar'], false, false);

/** Parses one setting text; undefined when unknown. */
export function parseAuditSetting(text: string): AuditSetting | undefined {
  return SETTING_TEXT[foldSetting(text)];
}

export function describeSetting(s: AuditSetting): string {
  return s.success && s.failure ? 'Success and Failure' : s.success ? 'Success' : s.failure ? 'Failure' : 'No Auditing';
}

const HEADERS = {
  machine: 'machine name',
  target: 'policy target',
  subsystem: 'subsystem',
  subcategory: 'subcategory',
  guid: 'subcategory guid',
  inclusion: 'inclusion setting',
  exclusion: 'exclusion setting',
  value: 'setting value',
} as const;
type Column = keyof typeof HEADERS;

const GUID_CELL = /^\s*\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?\s*$/i;

function fail(source: string, msg: string): never {
  throw new CoverageError(`${source}: ${msg}`);
}

/**
 * Parses auditpol CSV text. Throws CoverageError when the text is not such a CSV (with a hint
 * when it is auditpol's table output without /r); problems with single rows become warnings.
 */
export function parseAuditpolCsv(text: string, source = 'auditpol CSV'): AuditPolicy {
  const tooLarge = inputTooLarge(source, text.length, 'an auditpol export', 'characters');
  if (tooLarge) throw tooLarge;
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') fail(source, 'the file is empty; write it with auditpol /get /category:* /r > audit.csv');
  if (!body.includes(',') && /category\/subcategory|system audit policy/i.test(body)) {
    fail(source, 'this is auditpol\'s table output, not CSV: run auditpol /get /category:* /r (the /r switch writes CSV)');
  }
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: 'greedy' });
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) fail(source, `not valid CSV: ${fatal.message}${fatal.row !== undefined ? ` (record ${fatal.row + 1})` : ''}`);
  const rows = parsed.data;
  // Papa's rows skip blank lines; recover line numbers from the raw text.
  const lineNumbers: number[] = [];
  {
    const lines = body.split(/\r\n|\n|\r/);
    let inQuote = false;
    let startLine = 0;
    let hasContent = false;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (!inQuote) {
        startLine = i + 1;
        hasContent = false;
      }
      if (l.trim() !== '' && l.replace(/[,\s]/g, '') !== '') hasContent = true;
      const quotes = (l.match(/"/g) ?? []).length;
      if (quotes % 2 === 1) inQuote = !inQuote;
      if (!inQuote && hasContent) lineNumbers.push(startLine);
    }
  }
  const header = rows[0] ?? [];
  const folded = header.map((h) => h.trim().toLowerCase().replace(/\s+/g, ' '));
  const col: Partial<Record<Column, number>> = {};
  for (const [k, name] of Object.entries(HEADERS) as Array<[Column, string]>) {
    const i = folded.indexOf(name);
    if (i >= 0) col[k] = i;
  }
  const data = rows.slice(1);
  const dataLines = lineNumbers.slice(1);
  if (data.length === 0) {
    fail(source, header.length > 1 ? 'a header but no subcategory rows' : 'not an auditpol CSV (expected a header like Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,…)');
  }
  const warnings = new WarningList();
  const localisedHeader = col.guid === undefined;
  if (col.guid === undefined) {
    // Localised or unusual header: find the GUID column by content.
    const width = Math.max(...data.map((r) => r.length));
    let best = -1;
    let bestHits = 0;
    for (let c = 0; c < width; c++) {
      const hits = data.filter((r) => GUID_CELL.test(r[c] ?? '')).length;
      if (hits > bestHits) {
        best = c;
        bestHits = hits;
      }
    }
    if (best < 0 || bestHits < Math.max(1, Math.ceil(data.length / 2))) {
      fail(source, `not an auditpol CSV: no "Subcategory GUID" column (header: ${header.join(',') || '(empty)'}); write it with auditpol /get /category:* /r`);
    }
    col.guid = best;
    col.subcategory ??= best - 1 >= 0 ? best - 1 : undefined;
    col.inclusion ??= best + 1;
    col.machine ??= 0;
    const last = width - 1;
    if (last > best + 2 && data.every((r) => (r[last] ?? '').trim() === '' || /^\s*[0-3]\s*$/.test(r[last] ?? ''))) col.value ??= last;
  }
  if (col.subcategory === undefined && col.guid === undefined) fail(source, 'not an auditpol CSV: no Subcategory or Subcategory GUID column');
  if (col.inclusion === undefined && col.value === undefined) fail(source, 'not an auditpol CSV: no Inclusion Setting column');

  const cell = (r: string[], c: Column): string => {
    const i = col[c];
    return i === undefined ? '' : (r[i] ?? '').trim();
  };
  const entries = new Map<string, AuditPolicyEntry>();
  let machine: string | undefined;
  let localisedNames = 0;
  data.forEach((r, i) => {
    const line = dataLines[i] ?? i + 2;
    const where = `line ${line}`;
    if (r.length < header.length - 1 && !localisedHeader) {
      warnings.add(`${where}: ${r.length} fields where the header has ${header.length}; row skipped`);
      return;
    }
    const guidText = cell(r, 'guid');
    const name = cell(r, 'subcategory');
    const settingText = cell(r, 'inclusion');
    const valueText = cell(r, 'value');
    if (guidText === '' && settingText === '' && valueText === '') return; // a category heading row
    machine ??= cell(r, 'machine') || undefined;
    let sub: AuditSubcategory | undefined;
    let matchedBy: 'guid' | 'name' = 'guid';
    if (guidText !== '') {
      const n = normalizeGuid(guidText);
      if (n === undefined) warnings.add(`${where}: "${guidText}" is not a GUID; matching "${name}" by name`);
      sub = n === undefined ? undefined : subcategoryByGuid(n);
      if (n !== undefined && sub === undefined) {
        const byName = name === '' ? undefined : subcategoryByName(name);
        warnings.add(
          () => `${where}: unknown subcategory GUID ${n}${name ? ` ("${name}")` : ''}${byName ? `; matched by name to ${byName.name}` : `; not one of the ${AUDIT_SUBCATEGORIES.length} known subcategories${name ? ` — closest: ${closestSubcategories(name).join(', ')}` : ''}`}`,
        );
      }
    }
    if (sub === undefined && name !== '') {
      sub = subcategoryByName(name);
      matchedBy = 'name';
      if (sub === undefined && guidText === '') warnings.add(() => `${where}: unknown subcategory "${name}"; closest known: ${closestSubcategories(name).join(', ')}`);
    }
    if (sub === undefined) {
      return;
    }
    if (matchedBy === 'guid' && name !== '' && subcategoryByName(name) !== sub) {
      const other = subcategoryByName(name);
      if (other) warnings.add(`${where}: GUID ${sub.guid} is ${sub.name} but the row names "${name}" (${other.name}); the GUID wins`);
      else localisedNames++;
    }
    let setting: AuditSetting | undefined;
    if (/^[0-3]$/.test(valueText)) {
      const v = Number(valueText);
      setting = { success: (v & 1) === 1, failure: (v & 2) === 2 };
    } else {
      setting = parseAuditSetting(settingText);
    }
    if (setting === undefined) {
      warnings.add(`${where}: ${sub.name}: unknown setting "${settingText}" (expected Success, Failure, Success and Failure or No Auditing); taken as No Auditing`);
      setting = { success: false, failure: false };
    }
    if (entries.has(sub.guid)) warnings.add(`${where}: ${sub.name} appears again; the last row wins`);
    entries.set(sub.guid, { subcategory: sub, nameInFile: name, line, matchedBy, ...setting });
    const exclusion = cell(r, 'exclusion');
    if (exclusion !== '' && parseAuditSetting(exclusion) && (parseAuditSetting(exclusion)?.success || parseAuditSetting(exclusion)?.failure)) {
      warnings.add(`${where}: ${sub.name} has a per-user exclusion setting ("${exclusion}"); ignored (coverage is per machine)`);
    }
  });
  if (entries.size === 0) fail(source, `no known audit subcategory in ${data.length} row(s)${warnings.count > 0 ? `:\n  ${warnings.list().join('\n  ')}` : ''}`);
  const notes: string[] = [];
  if (localisedNames > 0) {
    notes.push(
      `${localisedNames} subcategory name(s) are not English (localised auditpol output?): matched by GUID${localisedHeader ? '; column headers were not English either, columns found by content' : ''}`,
    );
  }
  const missing = AUDIT_SUBCATEGORIES.length - entries.size;
  if (missing > 0) {
    notes.push(`${missing} of the ${AUDIT_SUBCATEGORIES.length} subcategories are not in the file; taken as No Auditing`);
  }
  return { source, machine, entries, localisedNames, warnings: warnings.list(), notes };
}

/** An AuditPolicy built from subcategory settings (presets, tests). Names or GUIDs. */
export function auditPolicyFrom(source: string, settings: ReadonlyArray<{ subcategory: string } & AuditSetting>): AuditPolicy {
  const entries = new Map<string, AuditPolicyEntry>();
  for (const s of settings) {
    const sub = subcategoryByGuid(s.subcategory) ?? subcategoryByName(s.subcategory);
    if (!sub) throw new CoverageError(`${source}: unknown audit subcategory "${s.subcategory}"; closest: ${closestSubcategories(s.subcategory).join(', ')}`);
    entries.set(sub.guid, { subcategory: sub, nameInFile: sub.name, line: 0, matchedBy: 'name', success: s.success, failure: s.failure });
  }
  return { source, machine: undefined, entries, localisedNames: 0, warnings: [], notes: [] };
}

/** True when `name` (folded) is one of the known English names or aliases. */
export function isEnglishSubcategoryName(name: string): boolean {
  const f = foldSubcategoryName(name);
  return AUDIT_SUBCATEGORIES.some((s) => [s.name, ...s.aliases].some((n) => foldSubcategoryName(n) === f));
}
