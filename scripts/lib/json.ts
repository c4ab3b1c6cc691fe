/**
 * The one JSON writer: 2-space indent, LF, trailing newline. Key order is the order in which the
 * builders create objects (fixed in code), and every list is sorted by its builder, so the same
 * inputs give the same bytes. Pure, browser-safe.
 */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
