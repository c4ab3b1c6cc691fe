/**
 * The site's Nunjucks filters, as an Eleventy plugin.
 * @param {Site.EleventyConfig} eleventyConfig
 */
export default function filters(eleventyConfig) {
  /** `{{ 3 | plural('event') }}` → "3 events". */
  eleventyConfig.addFilter('plural', (/** @type {number} */ n, /** @type {string} */ one, /** @type {string | undefined} */ many) => `${n} ${n === 1 ? one : (many ?? `${one}s`)}`);
  /** Thousands separators: 12479 → "12,479". */
  eleventyConfig.addFilter('thousands', (/** @type {unknown} */ n) => Number(n).toLocaleString('en-US'));
}
