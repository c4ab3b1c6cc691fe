// Pagefind's default UI on /search/, started with the ?q= of the header search form.
window.addEventListener('DOMContentLoaded', () => {
  if (typeof PagefindUI === 'undefined') return;
  const el = document.getElementById('search');
  const root = (el && el.dataset.root) || '/';
  const ui = new PagefindUI({ element: '#search', baseUrl: root, bundlePath: `${root}pagefind/`, showSubResults: true, showImages: false, resetStyles: false, autofocus: true });
  labelInput(el);
  const q = new URLSearchParams(window.location.search).get('q');
  if (q) ui.triggerSearch(q);
  const header = /** @type {HTMLInputElement | null} */ (document.getElementById('site-q'));
  if (header && q) header.value = q;
});

/**
 * Pagefind's input has only a title and a placeholder (axe: label-title-only): give it a real label.
 * @param {HTMLElement | null} el the element the UI was mounted in
 */
function labelInput(el) {
  const input = el && el.querySelector('input.pagefind-ui__search-input');
  if (!input || input.id) return;
  input.id = 'search-input';
  const label = document.createElement('label');
  label.htmlFor = input.id;
  label.className = 'visually-hidden';
  label.textContent = 'Search techniques, events, tactics and data components';
  input.before(label);
}
