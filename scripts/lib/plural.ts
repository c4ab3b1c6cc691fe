/**
 * A count with its noun: `1 technique`, `2 techniques`, `3 tactics` (`many` for irregular plurals).
 * `plural` writes the count as is; `pluralGrouped` groups thousands the en-US way (`1,234 rows`),
 * fixed rather than the reader's locale so that the output is the same on every machine. Browser-safe.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function pluralGrouped(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
