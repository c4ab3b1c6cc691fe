/** The site's Nunjucks filters, as an Eleventy plugin. */
export default function filters(eleventyConfig) {
  /** `{{ 3 | plural('event') }}` → "3 events". */
  eleventyConfig.addFilter('plural', (n, one, many) => `${n} ${n === 1 ? one : (many ?? `${one}s`)}`);
  /** Thousands separators: 12479 → "12,479". */
  eleventyConfig.addFilter('thousands', (n) => Number(n).toLocaleString('en-US'));
}
