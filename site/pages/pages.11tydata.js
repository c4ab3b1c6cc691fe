/** The hand-written pages (about, search, 404): one layout, and a `pages` collection for the footer. */
export default {
  layout: 'layouts/page.njk',
  tags: ['pages'],
};
