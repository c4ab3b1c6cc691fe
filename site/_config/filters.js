/** The site's Nunjucks filters: Eleventy's (a plugin) and the generated pages' renderer (render-pages.js) use the same. */
export const FILTERS = {
  /** `{{ 3 | plural('event') }}` → "3 events". */
  plural: (/** @type {number} */ n, /** @type {string} */ one, /** @type {string | undefined} */ many) => `${n} ${n === 1 ? one : (many ?? `${one}s`)}`,
  /** Thousands separators: 12479 → "12,479". */
  thousands: (/** @type {unknown} */ n) => Number(n).toLocaleString('en-US'),
};

/**
 * The filters, as an Eleventy plugin.
 * @param {Site.EleventyConfig} eleventyConfig
 */
export default function filters(eleventyConfig) {
  for (const [name, filter] of Object.entries(FILTERS)) eleventyConfig.addFilter(name, filter);
}
