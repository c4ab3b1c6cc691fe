/**
 * Renders a ConfigCoverageReport as Markdown, CSV or JSON (the formats of the coverage command).
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../../lib/csv-formula.ts';
import { stringifyJson } from '../../lib/json.ts';
import { plural } from '../../lib/plural.ts';
import { COUNTS_MEAN } from '../compute.ts';
import { type CoverageFormat, gainText, gradeColumns, gradeText, headline, percent, strongCount, strongLabel } from '../format.ts';
import { minGradeWords } from '../grades.ts';
import type { EventSource } from './collect.ts';
import type { ConfigCounts, ConfigCoverageReport } from './report.ts';

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function list(keys: readonly string[], max: number): string {
  return keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')} … (+${keys.length - max})`;
}


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

  out.push(`## Techniques seen (${r.seen.length})`, '');
  if (r.seen.length > 0) {
    out.push('| Technique | Name | Tactics | Grade | Through (strongest first) |', '|---|---|---|---|---|');
    for (const x of r.seen) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${gradeText(x.grade, x.rules)} | ${list(x.via, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques seen only partially (${r.partial.length})`, '');
  if (r.partial.length > 0) {
    out.push('| Technique | Name | Tactics | Grade | Partially through |', '|---|---|---|---|---|');
    for (const x of r.partial) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${x.grade} | ${list(x.via, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques not seen (${r.unseen.length})`, '');
  if (r.unseen.length > 0) {
    out.push('| Technique | Name | Tactics | Best grade mapped | Mapped events (none collected, strongest first) |', '|---|---|---|---|---|');
    for (const x of r.unseen) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${x.grade} | ${list(x.events, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques with no mapped Windows event${r.minGrade === 'related' ? '' : ` at ${minGradeWords(r.minGrade)}`} (${r.unmapped.length})`, '');
  if (r.unmapped.length > 0) {
    out.push('| Technique | Name | Tactics |', '|---|---|---|');
    for (const x of r.unmapped) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} |`);
    out.push('');
  }
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
  const techniques = [
    ...r.seen.map((t) => ({ t, status: 'seen', grade: t.grade, rules: String(t.rules), events: t.via })),
    ...r.partial.map((t) => ({ t, status: 'partial', grade: t.grade, rules: '', events: t.via })),
    ...r.unseen.map((t) => ({ t, status: 'not-seen', grade: t.grade, rules: '', events: t.events })),
    ...r.unmapped.map((t) => ({ t, status: 'unmapped', grade: '', rules: '', events: [] as string[] })),
  ].sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  for (const { t, status, grade, rules, events } of techniques) rows.push({ ...blank, section: 'technique', id: t.id, name: t.name, tactics: t.tactics.join(';'), status, grade, rules, events: events.join(';') });
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

/** Names come from upstream and from the user's files: a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is written as text (a leading `'`), never as a spreadsheet formula. */
export function configToCsv(r: ConfigCoverageReport): string {
  return `${Papa.unparse(configCsvRecords(r), { columns: [...CONFIG_CSV_COLUMNS], newline: '\n', escapeFormulae: FORMULA_START })}\n`;
}

export function configToJson(r: ConfigCoverageReport): string {
  return stringifyJson(r);
}

export function formatConfigReport(r: ConfigCoverageReport, format: CoverageFormat): string {
  switch (format) {
    case 'md':
      return configToMarkdown(r);
    case 'csv':
      return configToCsv(r);
    case 'json':
      return configToJson(r);
  }
}
