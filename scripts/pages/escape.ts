/**
 * Upstream text (ATT&CK names, OSSEM descriptions) is text, never markup. Most of it reaches the
 * page as front-matter data that Nunjucks autoescapes; the little HTML the builders write
 * themselves goes through `html`.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content or a quoted attribute. Markdown punctuation (`*`, `_`, `|`, `[`,
 * `` ` ``, `#`, `\`) becomes numeric references too, so the text stays literal even where a
 * Markdown renderer reads it.
 */
export function html(text: string): string {
  return text.replace(/[&<>"'*_|[\]`#\\~]/g, (c) => HTML[c] ?? `&#${c.charCodeAt(0)};`);
}

/**
 * Upstream descriptions sometimes carry Markdown emphasis (`**process creation**`). The site shows
 * them as plain text: drop the emphasis markers, keep the words.
 */
export function plainText(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\s+/g, ' ').trim();
}

