/**
 * Renders a PlanReport as Markdown (for people), CSV (for spreadsheets) or JSON (for tools; schema in
 * ./schema.ts), as the coverage command renders its reports.
 *
 * Pure module: no I/O, no node: imports (papaparse runs in browsers too).
 */
import Papa from 'papaparse';
import { FORMULA_START } from '../lib/csv-formula.ts';
import { stringifyJson } from '../lib/json.ts';
import { plural } from '../lib/plural.ts';
import { GRADES, minGradeWords } from './core.ts';
import { beyondPlan, darkTechniques, type PlanCounts, type PlanReport, type PlanTechnique } from './plan.ts';

export const PLAN_FORMATS = ['md', 'csv', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function isPlanFormat(s: string): s is PlanFormat {
  return (PLAN_FORMATS as readonly string[]).includes(s);
}

/** `72.7%` of a 0–1 share. */
export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

const ratio = (n: number, of: number): string => (of === 0 ? '–' : pct(n / of));

/** Text from ATT&CK or the user's layer, as Markdown text: no emphasis, link, HTML or table syntax of its own. */
function md(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

const cell = md;

function list(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} … (+${items.length - max})`;
}

/** `30 confirmed, 15 named, 3 related` (counts above zero; `none`). */
export function countsText(c: Pick<PlanCounts, 'confirmed' | 'named' | 'related'>): string {
  const parts = GRADES.filter((g) => c[g] > 0).map((g) => `${c[g]} ${g}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The first lines: how big the target is, where it stands, where the plan takes it. */
export function planHeadline(r: PlanReport): string {
  const b = r.before;
  const a = r.after;
  const dark = b.total - b.mapped;
  const at = r.minGrade === 'related' ? '' : ` at ${minGradeWords(r.minGrade)}`;
  const out = [
    `**${plural(b.total, 'target technique')}**: ${b.mapped} with a mapped Windows event${at}, ${dark} no Windows event can show${at}.`,
    r.inputs.length > 0 ? `Visible now: ${b.visible} (${countsText(b)}${b.partial > 0 ? `; ${b.partial} partial` : ''}), ${ratio(b.visible, b.total)} of the target.` : 'Starting from nothing collected.',
    r.steps.length > 0
      ? `After ${plural(r.steps.length, 'step')}: **${a.visible}** visible (${countsText(a)}), **${ratio(a.visible, a.total)}** of the target, ${ratio(a.visible, a.mapped)} of what Windows events can show.`
      : b.visible === b.mapped
        ? 'Every target technique a Windows event can show is visible already.'
        : 'No step requested.',
  ];
  return out.join(' ');
}

const techniqueLabel = (t: PlanTechnique): string => `${t.id} ${t.name}`;

export function planToMarkdown(r: PlanReport): string {
  const byId = new Map(r.techniques.map((t) => [t.id, t]));
  const named = (ids: readonly string[], max = 12): string => md(list(ids.map((id) => { const t = byId.get(id); return t ? `${t.id} ${t.name}` : id; }), max));
  const out: string[] = [];
  out.push(`# Logging plan for ${md(r.target.label)} — ATT&CK ${r.attackVersion}`, '');
  out.push(planHeadline(r), '');
  out.push(`_${r.convention}${r.minGrade === 'related' ? '' : ` Only links of ${minGradeWords(r.minGrade)} count (--min-grade ${r.minGrade}).`}_`, '');
  out.push('## Target', '');
  for (const s of r.target.sources) {
    const aka = s.aliases.length > 0 ? ` (also ${md(list(s.aliases, 8))})` : '';
    const what = s.kind === 'techniques' ? 'listed techniques' : s.kind === 'layer' ? `layer ${md(s.id)}: ${md(s.name)}` : s.kind === 'tactic' ? `tactic ${md(s.name)}` : `${s.kind} **${md(s.name)}** ${s.url ? `[${s.id}](${s.url})` : s.id}${aka}`;
    out.push(`- ${what}: ${plural(s.techniques, 'technique')}`);
  }
  if (r.target.tacticFilter.length > 0) out.push(`- only techniques in: ${r.target.tacticFilter.join(', ')}`);
  out.push('');
  if (r.inputs.length > 0) {
    out.push('## Already collected', '');
    for (const i of r.inputs) {
      // A preset's source already says "preset …": name it once.
      const source = i.source.startsWith(`${i.input} `) ? i.source.slice(i.input.length + 1) : i.source;
      out.push(`- **${i.input}** ${i.source === '--events' ? '' : `\`${source}\`: `}${i.summary}`);
    }
    out.push('');
  }
  if (r.warnings.length > 0) {
    out.push(`## Warnings (${r.warnings.length})`, '');
    for (const w of r.warnings) out.push(`- ${md(w)}`);
    out.push('');
  }
  if (r.notes.length > 0) {
    out.push('## Notes', '');
    for (const n of r.notes) out.push(`- ${md(n)}`);
    out.push('');
  }

  out.push(`## Plan (${plural(r.steps.length, 'step')})`, '');
  if (r.steps.length > 0) {
    out.push('Each step makes the most target techniques visible at grade confirmed, then named, then related (newly visible, or at a stronger grade than before); audit subcategories first on ties.', '');
    out.push('| # | Action | Confirmed | Named | Related | Visible after | Share of target |', '|---:|---|---:|---:|---:|---:|---:|');
    for (const s of r.steps) out.push(`| ${s.rank} | ${cell(s.title)} | +${s.gained.confirmed.length} | +${s.gained.named.length} | +${s.gained.related.length} | ${s.seenAfter} | ${pct(s.share)} |`);
    out.push('');
    for (const s of r.steps) {
      out.push(`### ${s.rank}. ${s.title}`, '');
      if (s.kind === 'sysmon-event-type' && s.snippet) out.push('```xml', s.snippet, '```', '');
      else if (s.commands.length > 0) out.push('```', ...s.commands, '```', '');
      if (s.gpo) out.push(`Group Policy: ${s.gpo}`, '');
      if (s.note) out.push(`Note: ${s.note}`, '');
      for (const g of GRADES) if (s.gained[g].length > 0) out.push(`Now ${g} (${s.gained[g].length}): ${named(s.gained[g])}`, '');
      out.push(`Events: ${s.events.map((e) => `\`${e.key}\` (${e.techniques.length})`).join(', ')}`, '');
      out.push(`Visible after this step: ${s.seenAfter} of ${r.before.total} (${pct(s.share)}; ${pct(s.shareMapped)} of the ${r.before.mapped} a Windows event can show).`, '');
    }
  }
  const beyond = beyondPlan(r);
  if (beyond.length > 0) {
    out.push(`## Not visible after these steps (${beyond.length})`, '');
    out.push('A Windows event is mapped to each, but no step above collects it (raise --top, or see the events):', '');
    for (const t of beyond) out.push(`- ${cell(techniqueLabel(t))}${t.after === 'partial' ? ' (partial: filtered Sysmon event types)' : ''}: ${list(t.events, 5)}`);
    out.push('');
  }
  const dark = darkTechniques(r);
  out.push(`## No Windows event can show (${dark.length})`, '');
  if (dark.length === 0) out.push('Every target technique has a mapped Windows event.', '');
  else {
    out.push('Listed so nobody thinks they were forgotten: other telemetry (the data components) is needed.', '');
    out.push('| Technique | Why | Data components |', '|---|---|---|');
    for (const t of dark) out.push(`| ${cell(techniqueLabel(t))} | ${cell(t.reason)} | ${cell(list(t.dataComponents, 6) || '–')} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const PLAN_CSV_COLUMNS = ['section', 'rank', 'id', 'name', 'kind', 'confirmed', 'named', 'related', 'visible', 'share', 'before', 'after', 'step', 'techniques', 'events', 'command', 'reason', 'data_components'] as const;
type CsvRecord = Record<(typeof PLAN_CSV_COLUMNS)[number], string>;

/**
 * Rows: `source` (what the target names), `step` (rank; id; name = what to do; confirmed / named /
 * related = techniques gained at that grade; visible and share after it; command), `technique` (every
 * target technique: before, after, the step that makes it visible, its events or why none, its data
 * components), `total` (before and after). Lists inside a cell are separated by `;`.
 */
export function planCsvRecords(r: PlanReport): CsvRecord[] {
  const blank: CsvRecord = Object.fromEntries(PLAN_CSV_COLUMNS.map((c) => [c, ''])) as CsvRecord;
  const rows: CsvRecord[] = [];
  for (const s of r.target.sources) rows.push({ ...blank, section: 'source', id: s.id, name: s.name, kind: s.kind, techniques: String(s.techniques) });
  for (const s of r.steps) {
    rows.push({
      ...blank,
      section: 'step',
      rank: String(s.rank),
      id: s.id,
      name: s.title,
      kind: s.kind,
      confirmed: String(s.gained.confirmed.length),
      named: String(s.gained.named.length),
      related: String(s.gained.related.length),
      visible: String(s.seenAfter),
      share: String(s.share),
      techniques: GRADES.flatMap((g) => s.gained[g]).join(';'),
      events: s.events.map((e) => e.key).join(';'),
      command: s.commands.join(' && '),
    });
  }
  for (const t of r.techniques) {
    rows.push({ ...blank, section: 'technique', id: t.id, name: t.name, before: t.before, after: t.after, step: t.step > 0 ? String(t.step) : '', events: t.events.join(';'), reason: t.reason, data_components: t.dataComponents.join(';') });
  }
  for (const [name, c] of [['before', r.before], ['after', r.after]] as const) {
    rows.push({ ...blank, section: 'total', name, confirmed: String(c.confirmed), named: String(c.named), related: String(c.related), visible: String(c.visible), share: String(c.total === 0 ? 0 : Math.round((c.visible / c.total) * 10000) / 10000), techniques: String(c.total) });
  }
  return rows;
}

/** A cell starting with `=`, `+`, `-`, `@`, a tab or a CR is written as text (a leading `'`), never as a formula. */
export function planToCsv(r: PlanReport): string {
  return `${Papa.unparse(planCsvRecords(r), { columns: [...PLAN_CSV_COLUMNS], newline: '\n', escapeFormulae: FORMULA_START })}\n`;
}

export function formatPlan(r: PlanReport, format: PlanFormat): string {
  switch (format) {
    case 'md':
      return planToMarkdown(r);
    case 'csv':
      return planToCsv(r);
    case 'json':
      return stringifyJson(r);
  }
}
