/**
 * Reading what `npm run site:pages` wrote: the YAML front matter of the generated pages (a comment,
 * then one JSON document, which is valid YAML) and `_generated/site.yaml` (versions, data folder).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/**
 * YAML front-matter engine. A document that is JSON after its leading comment lines is parsed with
 * JSON.parse (the same value a YAML parser gives, many times faster on ~7,000 generated pages);
 * anything else goes to js-yaml.
 * @param {string} text
 * @returns {unknown}
 */
export function parseYaml(text) {
  const body = text.replace(/^(?:[ \t]*(?:#.*)?\r?\n)+/, '');
  if (body.startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch {
      // not JSON after all: let the YAML parser read it (and report its errors)
    }
  }
  return yaml.load(text) ?? {};
}

/**
 * The front-matter engine of the site: `parseYaml`, with each object value of a page's data frozen.
 * Eleventy's data cascade takes a frozen object as it is instead of deep-copying it for every page
 * (the pages' `view` data is most of the 120 MB of generated front matter, and the copies were much
 * of Eleventy's garbage collection); the layouts only read it.
 * @param {string} text
 * @returns {unknown}
 */
export function parseFrontMatter(text) {
  const data = parseYaml(text);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const value of Object.values(data)) if (value && typeof value === 'object') Object.freeze(value);
  }
  return data;
}

/**
 * `_generated/site.yaml` under the input folder; a clear error when the pages were never generated.
 * @param {string} inputDir
 * @returns {Site.SiteMeta}
 */
export function readSiteMeta(inputDir) {
  const file = path.join(inputDir, '_generated', 'site.yaml');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: run \`npm run site:pages\` before Eleventy (npm run site does both).`);
  }
  return /** @type {Site.SiteMeta} */ (parseYaml(text));
}
