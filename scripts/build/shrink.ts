/**
 * The shrink guard of `npm run data` and the nightly: a rebuilt version with less than half the
 * mapping rows or techniques of the one it replaces looks like a broken upstream file, not an update.
 */
export const SHRINK_LIMIT = 0.5;

export interface ShrinkCounts {
  rows: number;
  techniques: number;
}

/** What would shrink too much, in words; [] when nothing does. */
export function shrinkProblems(version: string, old: ShrinkCounts, now: ShrinkCounts): string[] {
  const problems: string[] = [];
  for (const key of ['rows', 'techniques'] as const) {
    if (old[key] > 0 && now[key] < old[key] * SHRINK_LIMIT) problems.push(`ATT&CK ${version} would go from ${old[key]} to ${now[key]} ${key === 'rows' ? 'mapping rows' : 'techniques'}`);
  }
  return problems;
}

export function shrinkMessage(problems: string[], target: string): string {
  return `${problems.join('; ')}: refusing to update ${target} (upstream may be serving a broken file); check the sources, or rerun with --allow-shrink if this is intended`;
}
