/**
 * The documentation site. `npm run site:pages` writes the pages' records into site/_generated/pages/
 * (gitignored) from data/; before each build, render-pages.js renders them with the Nunjucks layouts
 * in site/_includes/layouts/ (see there why not as Eleventy templates); Eleventy renders the
 * hand-written pages in site/pages/ with the same layouts and copies data/ to /downloads/; the render
 * also feeds the searchable pages to Pagefind (_config/search-index.js), which writes /pagefind/. The pages CLI also writes the coverage page's script (`_generated/assets/coverage.js`)
 * and data files (`_generated/assets/coverage/<version>.json`), copied to /assets/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import siteData from './_data/site.js';
import filters from './_config/filters.js';
import markdown from './_config/markdown.js';
import { inputKey, PAGES_DIR, renderPages } from './_config/render-pages.js';
import { readSiteMeta } from './_config/site-meta.js';

/** @param {Site.EleventyConfig} eleventyConfig */
export default function (eleventyConfig) {
  // site/_generated/ is in .gitignore, and it is the bulk of the site's content.
  eleventyConfig.setUseGitIgnore(false);
  eleventyConfig.addPlugin(filters);
  eleventyConfig.addPlugin(markdown);

  const input = eleventyConfig.directories.input;
  const meta = readSiteMeta(input);
  eleventyConfig.addPassthroughCopy({ [path.join(input, 'assets')]: 'assets' });
  // The coverage page's browser bundle and its per-version data files, written by the pages CLI (generated, not committed).
  eleventyConfig.addPassthroughCopy({ [path.join(input, '_generated', 'assets')]: 'assets' });
  // The published data: /downloads/index.json, /downloads/enterprise-attack/<v>/…, /downloads/schemas/…
  eleventyConfig.addPassthroughCopy({ [meta.dataDir]: 'downloads' });
  eleventyConfig.addPassthroughCopy({ [path.join(meta.dataDir, 'enterprise-attack', meta.latest)]: 'downloads/latest' });
  eleventyConfig.addWatchTarget(path.join(input, '_generated', 'site.yaml'));
  eleventyConfig.addWatchTarget(path.join(input, PAGES_DIR));

  // The generated pages, before Eleventy's own. The dev server rebuilds on any change (a stylesheet
  // too): their inputs unchanged, the pages already written stay. The search index is written with
  // them (search-index.js) once every version is there: while scripts/cli/start.ts serves the
  // latest version alone first, _generated/.partial says so, and the index waits for the full set.
  const includesDir = eleventyConfig.directories.includes;
  let rendered = '';
  /** @type {Promise<import('./_config/render-pages.js').SearchResult> | null} */
  let indexing = null;
  eleventyConfig.on('eleventy.before', async ({ directories }) => {
    const key = inputKey(input, includesDir);
    if (key === rendered) return;
    const generated = path.join(input, '_generated');
    const complete = existsSync(path.join(generated, 'site.yaml')) && !existsSync(path.join(generated, '.partial'));
    const t0 = performance.now();
    const { pages, search } = await renderPages({ inputDir: input, includesDir, outDir: directories.output, globalData: { site: siteData() }, search: complete });
    rendered = key;
    indexing = search;
    console.log(`[site] ${pages} generated pages rendered in ${((performance.now() - t0) / 1000).toFixed(1)} s${search ? ', search index under way' : ''}`);
  });
  // Pagefind writes the index while Eleventy builds its own pages; the build ends when it is written.
  eleventyConfig.on('eleventy.after', async () => {
    const search = indexing;
    indexing = null;
    if (!search) return;
    const { pages, seconds } = await search;
    console.log(`[site] search index of ${pages} pages written (Pagefind, ${seconds.toFixed(1)} s since the render began)`);
  });
}

export const config = {
  dir: { input: 'site', output: '_site', includes: '_includes', data: '_data' },
  templateFormats: ['md', 'njk'],
  // Markdown is never run through a template engine: generated pages hold upstream text, which
  // must stay text (a technique named "{{ x }}" must not be evaluated).
  markdownTemplateEngine: false,
  htmlTemplateEngine: 'njk',
};
