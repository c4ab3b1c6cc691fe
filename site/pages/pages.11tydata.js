/** The hand-written pages (about, search, 404): one layout. The footer links to those without `eleventyExcludeFromCollections` (site/_data/site.js). */
export default {
  layout: 'layouts/page.njk',
};
