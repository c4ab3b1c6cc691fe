/**
 * The Markdown kit of the change reports (the review view here, the site's "what changed" page in
 * scripts/pages/changes.ts): escaping, links, tables, capped lists, counts. Pure, browser-safe.
 * Counts are grouped the en-US way (`1,234`) whatever the machine's locale, so output is stable.
 */

/** A count: `1,234`. */
export const num = (x: number): string => x.toLocaleString('en-US');

/** A change: `+3`, `−1,200` (a real minus sign), `0`. */
export const signed = (x: number): string => (x > 0 ? `+${num(x)}` : x < 0 ? `−${num(-x)}` : '0');

/** Text safe inside a table cell or a line: no HTML, no pipes, no line breaks. */
export function escapeMd(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|]/g, (m) => `\\${m}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Inline code; a backquote inside becomes `'` (it would end the span). */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** An ATX heading; levels past 6 stay at 6. */
export function heading(level: number, text: string): string {
  return `${'#'.repeat(Math.min(6, level))} ${text}`;
}

/** A link, or the bare text when there is nowhere to go. */
export function link(text: string, href: string | undefined): string {
  return href ? `[${text}](${href})` : text;
}

/** "a, b, c, … and 4 more" within `max` items. */
export function capList(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, … and ${num(items.length - max)} more`;
}

/** A table; `align` holds one `:--` (left) or `--:` (right) per column. */
export function table(header: string[], align: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Lines folded under a `<details>` summary (escaped). */
export function details(summary: string, lines: string[]): string[] {
  return [`<details><summary>${escapeMd(summary)}</summary>`, '', ...lines, '', '</details>'];
}
