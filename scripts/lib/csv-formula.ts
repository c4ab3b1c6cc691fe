/**
 * A CSV field a spreadsheet would run as a formula: one that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return. papaparse's own `escapeFormulae: true` test is `/^[=+\-@\t\r].*$/`, which
 * misses a field with a line break after its first character; this one does not. Every CSV we write
 * passes it to papaparse as `escapeFormulae`, or tests fields with it (scripts/artifacts/csv.ts).
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
