/**
 * Upstream text quoted in a report or an error message: at most `max` characters (code points),
 * with every control, format (bidi overrides, zero-width) and separator character other than a
 * plain space written as a `\uXXXX` escape, so that a hostile value can neither break the line it
 * is printed on nor disguise itself. Pure, browser-safe.
 */
export function printable(value: string, max = 80): string {
  const chars = [...value];
  const kept = chars.length > max ? chars.slice(0, max) : chars;
  const text = kept
    .map((c) => (c !== ' ' && /^[\p{C}\p{Z}]$/u.test(c) ? `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : c))
    .join('');
  return chars.length > max ? `${text}… (${chars.length} characters)` : text;
}
