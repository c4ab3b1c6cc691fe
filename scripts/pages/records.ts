/**
 * The pages as records for the site's renderer (site/_config/render-pages.js): one JSON file per
 * page kind and version folder, `pages/<kind>/<latest|v<version>>.json`, holding the layout and
 * each page's record (its front data, its view, and its body: the HTML-escaped summary and any
 * Markdown after it). Upstream text only ever sits in the JSON (read by autoescaping Nunjucks
 * layouts) or in the escaped summary, so neither Markdown nor a template engine interprets it.
 * One page per line, so a diff of two builds reads page by page. The first line counts the
 * searchable pages (`{"searchable": 3,`).
 */
import type { GeneratedFile, Page, PageKind, PageMeta } from './types.ts';

export function generatedNotice(source: string): string {
  return `Generated from ${source} by scripts/cli/pages.ts (npm run site:pages). Do not edit: change the templates in site/ or the data pipeline, then regenerate.`;
}

/** What the renderer reads of one page. */
export type PageRecord<T = unknown> = PageMeta & { view: T; body: string };

/** One page: `path` names it (`<kind>/<scope dir>/<file>`) in tests and messages; `dir` is its version folder. */
export interface GeneratedPage<T = unknown> {
  path: string;
  dir: string;
  record: PageRecord<T>;
}

/** The record file of a kind's pages in a version folder (`latest`, `v9.0`). */
export function recordFilePath(kind: PageKind, dir: string): string {
  return `pages/${kind}/${dir}.json`;
}

export function pageRecord<T>(page: Page<T>, dir: string): GeneratedPage<T> {
  const markdown = page.markdown ? `\n${page.markdown.replace(/\n*$/, '\n')}` : '';
  return {
    path: `${page.meta.kind}/${dir}/${page.file}`,
    dir,
    record: { ...page.meta, view: page.data, body: `${page.summary}\n${markdown}` },
  };
}

/** The record files of `pages`, in the order the pages come (grouped by kind, then folder). */
export function recordFiles(pages: readonly GeneratedPage[], source: string): GeneratedFile[] {
  const groups = new Map<string, { kind: PageKind; lines: string[]; searchable: number }>();
  for (const p of pages) {
    const key = recordFilePath(p.record.kind, p.dir);
    let g = groups.get(key);
    if (!g) {
      g = { kind: p.record.kind, lines: [], searchable: 0 };
      groups.set(key, g);
    }
    g.lines.push(JSON.stringify(p.record));
    if (p.record.searchable) g.searchable++;
  }
  // The count of searchable pages comes first: the renderer reads it from the file's first line to
  // render the files that feed the search index before the others.
  return [...groups].map(([key, g]) => ({
    path: key,
    text: `{"searchable": ${g.searchable},\n"generated": ${JSON.stringify(generatedNotice(source))},\n"layout": ${JSON.stringify(`layouts/${g.kind}.njk`)},\n"pages": [\n${g.lines.join(',\n')}\n]}\n`,
  }));
}
