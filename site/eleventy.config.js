/**
 * The documentation site. `npm run site:pages` writes the pages' records into site/_generated/pages/
 * (gitignored) from data/; before each build, render-pages.js renders them with the Nunjucks layouts
 * in site/_includes/layouts/ (see there why not as Eleventy templates); Eleventy renders the
 * hand-written pages in site/pages/ with the same layouts and copies data/ to /downloads/; `npm run
 * site:search` then indexes the searchable pages with Pagefind (scripts/pages/search-index.ts). The pages CLI also writes the coverage page's script (`_generated/assets/coverage.js`)
 * and data files (`_generated/assets/coverage/<version>.json`), copied to /assets/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
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
  // too): their inputs unchanged, the pages already written stay.
  const includesDir = eleventyConfig.directories.includes;
  let rendered = '';
  eleventyConfig.on('eleventy.before', async ({ directories }) => {
    const key = inputKey(input, includesDir);
    if (key === rendered) return;
    const t0 = performance.now();
    const { pages } = await renderPages({ inputDir: input, includesDir, outDir: directories.output, globalData: { site: siteData() } });
    rendered = key;
    console.log(`[site] ${pages} generated pages rendered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });

  // `npm start` serves without `npm run site`'s Pagefind step: index once after the first build of
  // every version so search works in the dev server too (later rebuilds keep _site/pagefind/). While
  // scripts/cli/start.ts serves the latest version alone first, _generated/.partial says so; what
  // counts is the state when a build starts, and rewritten pages come as a burst of rebuilds: index
  // once the builds have been quiet for a moment (a build that starts meanwhile postpones it).
  let indexed = false;
  let complete = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  eleventyConfig.on('eleventy.before', () => {
    clearTimeout(pending);
    const generated = path.join(input, '_generated');
    complete = existsSync(path.join(generated, 'site.yaml')) && !existsSync(path.join(generated, '.partial'));
  });
  eleventyConfig.on('eleventy.after', ({ directories, runMode }) => {
    if (runMode !== 'serve' || indexed || !complete) return;
    pending = setTimeout(() => {
      indexed = true;
      promisify(execFile)('npx', ['pagefind', '--site', directories.output, '--silent']).then(
        () => console.log('[site] search index written (Pagefind): every version is built'),
        (e) => console.error(`[site] Pagefind failed: ${e.message}`),
      );
    }, 1500);
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
