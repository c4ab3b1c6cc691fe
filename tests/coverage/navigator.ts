/**
 * What the ATT&CK Navigator (5.1) reads from a layer, as checks the layer tests share: see
 * navigatorProblems. Not a test file itself.
 */
import type { NavigatorLayer, VersionData } from '../../scripts/coverage/index.ts';

/** WCAG contrast ratio of a colour against white: the Navigator draws unscored cells white. */
export function contrastWithWhite(hex: string): number {
  const ch = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5);
  return 1.05 / (l + 0.05);
}

/**
 * What the ATT&CK Navigator reads from a layer, checked the way it draws it:
 * - a parent technique opens (its sub-techniques visible) only with `showSubtechniques` on its
 *   entry under that tactic, since every layer sets `expandedSubtechniques: "none"`;
 * - legend entries name a score (`(3)`), and only scores that occur are listed, with the colour
 *   the gradient gives that score (or the colour set on the entries);
 * - no legend swatch for disabled techniques (the Navigator fades their text, it paints no grey);
 * - the lowest gradient step stands out from white; comments fit the tooltip.
 */
export function navigatorProblems(l: NavigatorLayer, data: VersionData): string[] {
  const problems: string[] = [];
  const byId = new Map(data.techniques.map((t) => [t.id, t]));
  if (l.layout.expandedSubtechniques !== 'none') problems.push('expected expandedSubtechniques "none" (parents open through showSubtechniques)');
  const slot = (id: string, tactic: string | undefined): string => `${id}|${tactic ?? ''}`;
  const entries = new Map(l.techniques.map((e) => [slot(e.techniqueID, e.tactic), e]));
  for (const e of l.techniques) {
    if (e.score === undefined) continue;
    const t = byId.get(e.techniqueID);
    if (!t?.isSubtechnique) continue;
    const p = byId.get(t.parent);
    if (!p) continue;
    for (const tactic of e.tactic !== undefined ? [e.tactic] : t.tactics) {
      if (!p.tactics.includes(tactic)) continue;
      const pe = entries.get(slot(p.id, p.tactics.length > 1 ? tactic : undefined));
      if (pe?.showSubtechniques !== true) problems.push(`${t.id} is scored but its parent ${p.id} does not open under ${tactic}`);
    }
  }
  for (const e of l.techniques) {
    if (!e.showSubtechniques) continue;
    const subs = data.techniques.filter((t) => t.parent === e.techniqueID);
    const scored = subs.some((t) => l.techniques.some((x) => x.techniqueID === t.id && x.score !== undefined && (e.tactic === undefined || x.tactic === undefined || x.tactic === e.tactic)));
    if (!scored) problems.push(`${e.techniqueID} opens with no scored sub-technique`);
  }
  const scores = new Set(l.techniques.map((e) => e.score).filter((x): x is number => x !== undefined));
  const legendScores = new Set<number>();
  for (const item of l.legendItems) {
    if (/grey|greyed|disabled/i.test(item.label) || item.color.toLowerCase() === '#d9d9d9') problems.push(`legend entry for disabled cells: ${item.label}`);
    const m = /\((\d+(?:\.\d+)?)\)/.exec(item.label);
    if (!m) {
      if (!/unscored/.test(item.label)) problems.push(`legend entry without a score: ${item.label}`);
      continue;
    }
    const score = Number(m[1]);
    legendScores.add(score);
    if (!scores.has(score)) problems.push(`legend entry for a score that never occurs: ${item.label}`);
    const g = l.gradient;
    const explicit = l.techniques.find((e) => e.score === score && e.color);
    const step = (g.colors.length - 1) * ((score - g.minValue) / (g.maxValue - g.minValue));
    const expected = explicit?.color ?? (Number.isInteger(step) ? g.colors[step] : undefined);
    if (expected !== undefined && expected.toLowerCase() !== item.color.toLowerCase()) problems.push(`legend colour of ${item.label} is ${item.color}, the cells are ${expected}`);
  }
  for (const s of scores) if (!legendScores.has(s)) problems.push(`score ${s} occurs but has no legend entry`);
  const lowest = l.gradient.colors[0] ?? '#ffffff';
  if (contrastWithWhite(lowest) < 1.5) problems.push(`the lowest gradient step ${lowest} is nearly white (contrast ${contrastWithWhite(lowest).toFixed(2)})`);
  for (const e of l.techniques) if ((e.comment ?? '').length > 200) problems.push(`${e.techniqueID}: comment of ${e.comment?.length} characters`);
  if (/\b1 events\b|\bpreset preset\b/.test(l.description)) problems.push(`description: ${l.description}`);
  return problems;
}
