/**
 * Reading `_generated/site.yaml` (versions, data folder), which `npm run site:pages` writes as a
 * comment then one JSON document (valid YAML), and the front matter of layouts and hand-written pages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/**
 * YAML, with a fast path: a document that is JSON after its leading comment lines is parsed with
 * JSON.parse (the same value a YAML parser gives); anything else goes to js-yaml.
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
 * A template's front matter (`---` lines around YAML at its start), parsed, and the body after it;
 * an empty object and the whole text when it has none.
 * @param {string} source
 * @returns {{ data: Record<string, unknown>; body: string }}
 */
export function splitFrontMatter(source) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (!m) return { data: {}, body: source };
  const data = parseYaml(m[1]);
  return { data: data && typeof data === 'object' ? /** @type {Record<string, unknown>} */ (data) : {}, body: source.slice(m[0].length) };
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
