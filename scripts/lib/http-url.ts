/**
 * Whether an upstream URL may become a link: an absolute `https:` or `http:` URL, nothing else
 * (`javascript:`, `data:`, `vbscript:`, relative paths). Strict on purpose: no leading or trailing
 * space, no control or whitespace character anywhere (browsers drop tabs and line breaks inside a
 * URL, so `java\tscript:` is `javascript:`), and it must parse as a URL with a host. Pure, browser-safe.
 */
export function isHttpUrl(url: string): boolean {
  if (!/^https?:\/\/[^\s\p{C}/\\][^\s\p{C}]*$/iu.test(url)) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}
