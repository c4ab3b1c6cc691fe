// Pagefind's default UI on /search/, started with the ?q= of the header search form.
window.addEventListener('DOMContentLoaded', () => {
  if (typeof PagefindUI === 'undefined') return;
  const el = document.getElementById('search');
  const root = (el && el.dataset.root) || '/';
  const ui = new PagefindUI({ element: '#search', baseUrl: root, bundlePath: `${root}pagefind/`, showSubResults: true, showImages: false, resetStyles: false, autofocus: true });
  const q = new URLSearchParams(window.location.search).get('q');
  if (q) ui.triggerSearch(q);
  const header = /** @type {HTMLInputElement | null} */ (document.getElementById('site-q'));
  if (header && q) header.value = q;
});
