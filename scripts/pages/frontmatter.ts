/**
 * A page as a Markdown file: YAML front matter whose first line says the file is generated, then
 * the page data as one JSON document (JSON is YAML, and the site's Eleventy config parses it with
 * JSON.parse, much faster than a YAML parser on ~7,000 pages), then an HTML-escaped summary as the
 * Markdown body. Upstream text only ever sits in the JSON (read by autoescaping Nunjucks layouts)
 * or in the escaped summary, so Markdown never interprets it.
 */
import type { GeneratedFile, Page } from './types.ts';

export function generatedNotice(source: string): string {
  return `Generated from ${source} by scripts/cli/pages.ts (npm run site:pages). Do not edit: change the templates in site/ or the data pipeline, then regenerate.`;
}

export function renderPage<T>(page: Page<T>, dir: string, source: string): GeneratedFile {
  const json = JSON.stringify({ ...page.meta, view: page.data });
  const markdown = page.markdown ? `\n${page.markdown.replace(/\n*$/, '\n')}` : '';
  return { path: `${page.meta.kind}/${dir}/${page.file}`, text: `---\n# ${generatedNotice(source)}\n${json}\n---\n${page.summary}\n${markdown}` };
}

/** Parses what `renderPage` wrote (tests, and the Eleventy front-matter engine's fast path). */
export function parseFrontMatterJson(yamlText: string): unknown {
  const body = yamlText.replace(/^(?:[ \t]*(?:#.*)?\r?\n)+/, '');
  return JSON.parse(body);
}

/** A directory data file: the layout of every page in a kind's folder. */
export function directoryData(kind: string, source: string): GeneratedFile {
  const data = { layout: `layouts/${kind}.njk`, eleventyExcludeFromCollections: true, dynamicPermalink: false };
  return { path: `${kind}/${kind}.11tydata.mjs`, text: `// ${generatedNotice(source)}\nexport default ${JSON.stringify(data, null, 2)};\n` };
}
