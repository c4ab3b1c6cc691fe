// A text filter over a long list (an event page's folded "related" techniques): shown only when this
// script runs, so without JavaScript the list stays a plain list. Markup: <p class="list-filter"
// data-list="ID" hidden> with an <input type="search"> and a role="status" count, then <ul id="ID">.
/** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.list-filter[data-list]')).forEach((box) => {
  const list = document.getElementById(box.dataset.list ?? '');
  const input = box.querySelector('input');
  const count = box.querySelector('[role="status"]');
  if (!list || !input) return;
  const items = /** @type {HTMLElement[]} */ ([...list.children]);
  const apply = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const li of items) {
      const match = words.every((w) => (li.textContent ?? '').toLowerCase().includes(w));
      li.hidden = !match;
      if (match) shown++;
    }
    if (count) count.textContent = words.length === 0 ? '' : `${shown} of ${items.length} shown`;
  };
  input.addEventListener('input', apply);
  box.hidden = false;
  // A browser may restore a typed filter after "back"; an empty one shows the whole list, as the page does.
  if (input.value !== '') apply();
});
