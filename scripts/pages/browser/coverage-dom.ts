/// <reference lib="dom" />
/**
 * Small DOM helpers of the coverage page's script: find an element or fail loudly, make one with
 * text and children, save text as a file, copy text (or select it when the clipboard is refused).
 */

/** The element `selector` finds under `root`; throws when the markup lacks it (the layout and the script out of step). */
export const $ = <T extends Element>(root: ParentNode, selector: string): T => {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`coverage page: no ${selector}`);
  return found;
};

const EN = new Intl.NumberFormat('en-US');
/** `1,234`: one formatter for every cell (`toLocaleString('en-US')` builds a new one per call, tens of ms per table on a slow phone). */
export const grouped = (n: number): string => EN.format(n);

export const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

/** Saves `text` as a file through a temporary link to a Blob URL. */
export function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies `text`; true when the clipboard took it, false when the text of `code` was selected instead. */
export async function copyText(text: string, code: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or an old browser): select the text so Ctrl+C copies it.
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    return false;
  }
}
