/** The hand-written pages (about, search; 404 opts out of collections): one layout, and the `pages` collection the footer links to. */
export default {
  layout: 'layouts/page.njk',
  tags: ['pages'],
};
