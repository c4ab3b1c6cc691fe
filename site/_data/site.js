/**
 * Global data `site`: the versions and the data folder, from `_generated/site.yaml` (written by
 * `npm run site:pages`), the version switch of the pages that are not versioned, and the
 * hand-written pages the footer links to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSiteMeta, splitFrontMatter } from '../_config/site-meta.js';

const INPUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The hand-written pages in site/pages/ (about, search), by file name, from their front matter; a
 * page with `eleventyExcludeFromCollections` (404) is left out. Read here rather than from an
 * Eleventy collection because the generated pages, rendered outside Eleventy, carry the footer too.
 * @returns {Array<{ title: string; url: string }>}
 */
function footerPages() {
  const dir = path.join(INPUT, 'pages');
  return readdirSync(dir)
    .filter((f) => /\.(md|njk)$/.test(f))
    .sort()
    .flatMap((f) => {
      const front = splitFrontMatter(readFileSync(path.join(dir, f), 'utf8')).data;
      if (front.eleventyExcludeFromCollections === true || typeof front.title !== 'string' || typeof front.permalink !== 'string') return [];
      return [{ title: front.title, url: front.permalink }];
    });
}

export default function () {
  const meta = readSiteMeta(INPUT);
  return {
    ...meta,
    title: 'Windows events × ATT&CK',
    versionSwitch: meta.versions.map((v) => ({ version: v.version, url: v.home, exists: false, current: false, latest: v.isLatest })),
    footerPages: footerPages(),
  };
}
