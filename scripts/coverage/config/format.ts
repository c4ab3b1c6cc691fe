/**
 * Renders a ConfigCoverageReport as Markdown, CSV or JSON (the formats of the coverage command).
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../../lib/csv-formula.ts';
import { type CoverageFormat, percent } from '../format.ts';
import type { EventSource } from './collect.ts';
import type { ConfigCounts, ConfigCoverageReport } from './report.ts';

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function list(keys: readonly string[], max: number): string {
  return keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')} … (+${keys.length - max})`;
}

function countRow(label: string, c: ConfigCounts): string {
  return `| ${label} | ${c.seen} | ${c.partial} | ${c.mapped} | ${c.total} | ${percent(c.seen, c.mapped)} | ${percent(c.seen + c.partial, c.mapped)} |`;
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
  out.push(`# Windows event coverage from configuration — ATT&CK ${r.attackVersion}`, '');
  out.push(
    `**${t.seen}** of ${t.mapped} techniques with a mapped Windows event are seen (${percent(t.seen, t.mapped)}), ` +
      `**${t.partial}** more only partially, through Sysmon event types filtered by include rules; ` +
      `${t.seen} of all ${t.total} Windows techniques (${percent(t.seen, t.total)}).`,
    '',
  );
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
  out.push('| Tactic | Seen | Partial | Mapped | All | Seen / mapped | Seen + partial / mapped |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const x of r.tactics) out.push(countRow(`${cell(x.name)} (${x.id})`, x));
  out.push(countRow('**All tactics** (distinct techniques)', t), '');

  out.push(`## Advice (top ${r.advice.length})`, '');
  if (r.advice.length === 0) {
    out.push(r.unseen.length + r.partial.length === 0 ? 'Every technique with a mapped event is already seen.' : 'None requested.', '');
  } else {
    out.push('Each step adds the most techniques not yet seen (then: partial techniques made fully seen); audit subcategories first on ties.', '');
    for (const a of r.advice) {
      const gain = `+${a.adds.length} technique${a.adds.length === 1 ? '' : 's'}${a.upgrades.length > 0 ? `, ${a.upgrades.length} partial → seen` : ''}`;
      out.push(`### ${a.rank}. ${a.title} (${gain}; ${a.seenAfter} seen after, ${percent(a.seenAfter, t.mapped)})`, '');
      if (a.kind === 'sysmon-event-type' && a.snippet) out.push('```xml', a.snippet, '```', '');
      else if (a.commands.length > 0) out.push('```', ...a.commands, '```', '');
      if (a.gpo) out.push(`Group Policy: ${a.gpo}`, '');
      if (a.note) out.push(`Note: ${a.note}`, '');
      if (a.adds.length > 0) out.push(`Adds: ${list(a.adds, 25)}`, '');
      if (a.upgrades.length > 0) out.push(`Partial → seen: ${list(a.upgrades, 25)}`, '');
      out.push(`Events: ${a.events.map((e) => `\`${e.key}\` (${e.techniques.length})`).join(', ')}`, '');
    }
  }

  out.push(`## Collected events (${r.events.length})`, '');
  if (r.events.length > 0) {
    out.push('| Event | Name | Status | From | Techniques |', '|---|---|---|---|---:|');
    for (const e of r.events) out.push(`| \`${e.key}\` | ${cell(e.name)} | ${e.status} | ${cell(e.sources.map(describeSource).join('; '))} | ${e.techniques.length} |`);
    out.push('');
  }

  out.push(`## Techniques seen (${r.seen.length})`, '');
  if (r.seen.length > 0) {
    out.push('| Technique | Name | Tactics | Through |', '|---|---|---|---|');
    for (const x of r.seen) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${list(x.via, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques seen only partially (${r.partial.length})`, '');
  if (r.partial.length > 0) {
    out.push('| Technique | Name | Tactics | Partially through |', '|---|---|---|---|');
    for (const x of r.partial) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${list(x.via, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques not seen (${r.unseen.length})`, '');
  if (r.unseen.length > 0) {
    out.push('| Technique | Name | Tactics | Mapped events (none collected) |', '|---|---|---|---|');
    for (const x of r.unseen) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} | ${list(x.events, 8)} |`);
    out.push('');
  }
  out.push(`## Techniques with no mapped Windows event (${r.unmapped.length})`, '');
  if (r.unmapped.length > 0) {
    out.push('| Technique | Name | Tactics |', '|---|---|---|');
    for (const x of r.unmapped) out.push(`| ${x.id} | ${cell(x.name)} | ${cell(tactics(x.tactics))} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const CONFIG_CSV_COLUMNS = ['section', 'rank', 'id', 'name', 'tactics', 'status', 'seen', 'partial', 'mapped', 'all', 'adds', 'upgrades', 'events', 'techniques', 'inputs', 'command'] as const;
export type ConfigCsvColumn = (typeof CONFIG_CSV_COLUMNS)[number];
export type ConfigCsvRecord = Record<ConfigCsvColumn, string>;

/**
 * One table, one row per fact, told apart by `section`: `input`, `warning`, `note`, `tactic`, `total`,
 * `event` (status full | partial; inputs = where it comes from), `technique` (status seen |
 * partial | not-seen | unmapped), `advice` (rank; id; name = what to do; command; adds /
 * upgrades counts; techniques; events). Lists inside a cell are separated by `;`.
 */
export function configCsvRecords(r: ConfigCoverageReport): ConfigCsvRecord[] {
  const blank: ConfigCsvRecord = { section: '', rank: '', id: '', name: '', tactics: '', status: '', seen: '', partial: '', mapped: '', all: '', adds: '', upgrades: '', events: '', techniques: '', inputs: '', command: '' };
  const rows: ConfigCsvRecord[] = [];
  for (const i of r.inputs) rows.push({ ...blank, section: 'input', id: i.source, name: i.summary, inputs: i.input });
  for (const w of r.warnings) rows.push({ ...blank, section: 'warning', name: w });
  for (const n of r.notes) rows.push({ ...blank, section: 'note', name: n });
  r.tactics.forEach((x, i) =>
    rows.push({ ...blank, section: 'tactic', rank: String(i + 1), id: x.id, name: x.name, tactics: x.shortname, seen: String(x.seen), partial: String(x.partial), mapped: String(x.mapped), all: String(x.total) }),
  );
  rows.push({ ...blank, section: 'total', name: 'All tactics (distinct techniques)', seen: String(r.totals.seen), partial: String(r.totals.partial), mapped: String(r.totals.mapped), all: String(r.totals.total) });
  for (const e of r.events) {
    rows.push({ ...blank, section: 'event', id: e.key, name: e.name, status: e.status, techniques: e.techniques.join(';'), inputs: e.sources.map(describeSource).join(';') });
  }
  const techniques = [
    ...r.seen.map((t) => ({ t, status: 'seen', events: t.via })),
    ...r.partial.map((t) => ({ t, status: 'partial', events: t.via })),
    ...r.unseen.map((t) => ({ t, status: 'not-seen', events: t.events })),
    ...r.unmapped.map((t) => ({ t, status: 'unmapped', events: [] as string[] })),
  ].sort((a, b) => (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  for (const { t, status, events } of techniques) rows.push({ ...blank, section: 'technique', id: t.id, name: t.name, tactics: t.tactics.join(';'), status, events: events.join(';') });
  for (const a of r.advice) {
    rows.push({
      ...blank,
      section: 'advice',
      rank: String(a.rank),
      id: a.id,
      name: a.title,
      status: a.kind,
      seen: String(a.seenAfter),
      adds: String(a.adds.length),
      upgrades: String(a.upgrades.length),
      events: a.events.map((e) => e.key).join(';'),
      techniques: [...a.adds, ...a.upgrades].join(';'),
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
  return `${JSON.stringify(r, null, 2)}\n`;
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
