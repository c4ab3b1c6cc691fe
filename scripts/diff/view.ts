/**
 * What the Markdown views of a change report share: their options, the rendering context built from
 * them, capped (and folded) tables, and `fit`, which shrinks a view until it fits a character budget.
 * Pure.
 */
import { details, escapeMd, heading, link, num } from './md.ts';
import type { EventRef, TechniqueRef } from './types.ts';
import { pluralGrouped as plural } from '../lib/plural.ts';

export interface Limits {
  /** Rows of the added/removed/renamed tables. */
  listItems: number;
  /** Rows of the per-technique and per-event tables. */
  tableRows: number;
  /** Items inside one table cell (events gained by a technique, …). */
  cellItems: number;
}

export const REVIEW_LIMITS: Readonly<Limits> = Object.freeze({ listItems: 50, tableRows: 40, cellItems: 8 });
export const UNLIMITED: Readonly<Limits> = Object.freeze({ listItems: Infinity, tableRows: Infinity, cellItems: Infinity });

export interface RenderOptions {
  /** Top heading text (default "Change report"); empty for none. */
  title?: string;
  /** Level of the top heading; sections are one level deeper (default 2). */
  headingLevel?: number;
  /** A paragraph placed under the title (e.g. the nightly's source summary). */
  intro?: string;
  limits?: Partial<Limits>;
  /** Fold tables of more than 10 rows in <details> (default true). */
  collapse?: boolean;
  /** Re-render with smaller limits until the text fits (then cut, as a last resort). */
  maxChars?: number;
  /** Link for a technique ID, e.g. to the site's page for it in `version`. */
  techniqueHref?: (id: string, version: string) => string | undefined;
  /** Link for an event key (`Security:4688`) in `version`. */
  eventHref?: (key: string, version: string) => string | undefined;
  /** How an event key is written (default: the key, `Sysmon:22`; the site writes `Sysmon 22`). */
  eventText?: (key: string) => string;
}

export interface Ctx {
  level: number;
  limits: Limits;
  collapse: boolean;
  techniqueHref: (id: string, version: string) => string | undefined;
  eventHref: (key: string, version: string) => string | undefined;
  eventText: (key: string) => string;
}

export function contextOf(options: RenderOptions, defaults: { level: number; limits: Limits; collapse: boolean }): Ctx {
  return {
    level: options.headingLevel ?? defaults.level,
    limits: { ...defaults.limits, ...options.limits },
    collapse: options.collapse ?? defaults.collapse,
    techniqueHref: options.techniqueHref ?? (() => undefined),
    eventHref: options.eventHref ?? (() => undefined),
    eventText: options.eventText ?? ((key) => key),
  };
}

/** A heading `depth` levels below the view's top level. */
export function sectionHeading(ctx: Ctx, depth: number, text: string): string {
  return heading(ctx.level + depth, text);
}

export function techLabel(ctx: Ctx, t: TechniqueRef, version: string, withName = true): string {
  const id = link(t.id, ctx.techniqueHref(t.id, version));
  return withName && t.name ? `${id} ${escapeMd(t.name)}` : id;
}

export function eventLabel(ctx: Ctx, e: EventRef, version: string): string {
  return link(escapeMd(ctx.eventText(e.key)), ctx.eventHref(e.key, version));
}

export function moreNote(what: string): string {
  return `… and ${what}; the JSON report (\`npm run diff -- OLD NEW --json\`) lists them all.`;
}

/** A table, capped to `max` rows (chosen by `weight` when capped, shown in their original order), optionally folded. */
export function cappedTable<T>(ctx: Ctx, items: T[], max: number, summary: string, render: (rows: T[]) => string[], weight: ((item: T) => number) | null, more: (rest: T[]) => string): string[] {
  let shown = items;
  if (items.length > max) {
    const picked = weight === null ? items.slice(0, max) : [...items].map((x, i) => ({ x, i, w: weight(x) })).sort((a, b) => b.w - a.w || a.i - b.i).slice(0, max).sort((a, b) => a.i - b.i).map((p) => p.x);
    shown = picked;
  }
  const rest = items.filter((x) => !shown.includes(x));
  const body = shown.length > 0 ? render(shown) : [];
  const tail = rest.length > 0 ? ['', more(rest)] : [];
  if (ctx.collapse && items.length > 10) return details(summary, [...body, ...tail]);
  return [...body, ...tail];
}

/**
 * One list of changed things (techniques added, events renamed, rules removed…): a bold
 * "Title (N)" label, then its table of at most `listItems` rows, the rest counted as "N more
 * <noun>s". Nothing when the list is empty.
 */
export function listSection<T>(ctx: Ctx, title: string, items: T[], noun: string, render: (rows: T[]) => string[]): string[] {
  if (items.length === 0) return [];
  return [
    '',
    `**${title} (${num(items.length)})**`,
    '',
    ...cappedTable(ctx, items, ctx.limits.listItems, `${title}: ${plural(items.length, noun)}`, render, null, (rest) => moreNote(plural(rest.length, `more ${noun}`))),
  ];
}

/** Successively smaller limits tried by `maxChars`. */
const SHRINK: Limits[] = [
  { listItems: 25, tableRows: 20, cellItems: 6 },
  { listItems: 10, tableRows: 10, cellItems: 4 },
  { listItems: 5, tableRows: 5, cellItems: 3 },
  { listItems: 0, tableRows: 0, cellItems: 0 },
];

/** `render(first)`, or with successively smaller limits until it fits `maxChars`; cut at a line end as a last resort. */
export function fit(render: (limits: Limits) => string, first: Limits, maxChars: number | undefined): string {
  let text = render(first);
  if (maxChars === undefined || text.length <= maxChars) return text;
  for (const limits of SHRINK) {
    const smaller = { listItems: Math.min(first.listItems, limits.listItems), tableRows: Math.min(first.tableRows, limits.tableRows), cellItems: Math.min(first.cellItems, limits.cellItems) };
    text = render(smaller);
    if (text.length <= maxChars) return text;
  }
  const note = '\n\n… (cut to fit; the JSON report has everything)\n';
  const cut = text.slice(0, Math.max(0, maxChars - note.length));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${note}`;
}
