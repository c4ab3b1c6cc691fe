/** Code-unit order of two strings: locale-independent, so sorted output is the same on every machine. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
