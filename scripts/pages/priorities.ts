/**
 * "Which events should I collect first?": a greedy cover that counts grades. Each technique is
 * covered at the best grade of its links to the events taken so far (confirmed, named, related);
 * an event's gain is, per grade, the techniques it takes to that grade from a worse one (or from
 * none). Each step takes the event with the largest gain: most techniques newly confirmed by a
 * public rule, then most newly named by ATT&CK, then most newly related; ties go to the event with
 * more techniques in all, then to the artifact's order. It stops when no event gains anything.
 *
 * Events without a name are left out: a list of what to switch on should say what each one is.
 */
import type { EventArtifact } from '../artifacts/build.ts';
import type { Grade } from '../mapping/types.ts';

export interface GradeTally {
  confirmed: number;
  named: number;
  related: number;
}

export interface Priority {
  key: string;
  /** Techniques the event is linked to, any grade. */
  techniques: number;
  /** Techniques this event takes to each grade (from a worse one, or from none). */
  gain: GradeTally;
  /** Running totals after this event: techniques confirmed, named (at best), related (at best), and any. */
  covered: GradeTally & { any: number };
}

/** Best first: 3 confirmed, 2 named, 1 related, 0 not covered. */
const LEVEL: Readonly<Record<Grade, number>> = { confirmed: 3, named: 2, related: 1 };
const GRADE_AT: readonly (Grade | undefined)[] = [undefined, 'related', 'named', 'confirmed'];

export function collectionOrder(events: readonly EventArtifact[]): { order: Priority[]; coverable: GradeTally & { any: number }; unnamed: number } {
  const named = events.filter((e) => e.name.trim() !== '');
  const ids = new Map<string, number>();
  const lists = named.map((e) => e.techniques.map((t) => ({ t: ids.get(t.id) ?? (ids.set(t.id, ids.size), ids.size - 1), level: LEVEL[t.grade] ?? 1 })));
  const level = new Uint8Array(ids.size);
  const best = new Uint8Array(ids.size);
  for (const l of lists) for (const { t, level: x } of l) if (x > (best[t] ?? 0)) best[t] = x;
  const left = new Set(named.map((_, i) => i));
  const order: Priority[] = [];
  const covered = { confirmed: 0, named: 0, related: 0, any: 0 };
  const gainOf = (i: number): [number, number, number] => {
    const g: [number, number, number] = [0, 0, 0];
    for (const { t, level: x } of lists[i] ?? []) if (x > (level[t] ?? 0)) g[3 - x] = (g[3 - x] ?? 0) + 1;
    return g;
  };
  // > 0 when a goes before b: more confirmed gain, then named, then related, then more techniques, then artifact order.
  const compare = (a: [number, number, number], ia: number, b: [number, number, number], ib: number): number =>
    a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (lists[ia]?.length ?? 0) - (lists[ib]?.length ?? 0) || ib - ia;
  while (left.size > 0) {
    let pick = -1;
    let pickGain: [number, number, number] = [0, 0, 0];
    for (const i of left) {
      const g = gainOf(i);
      if (g[0] + g[1] + g[2] === 0) continue;
      if (pick < 0 || compare(g, i, pickGain, pick) > 0) {
        pick = i;
        pickGain = g;
      }
    }
    if (pick < 0) break;
    for (const { t, level: x } of lists[pick] ?? []) {
      const was = level[t] ?? 0;
      if (x <= was) continue;
      const from = GRADE_AT[was];
      if (from) covered[from]--;
      else covered.any++;
      covered[GRADE_AT[x] as Grade]++;
      level[t] = x;
    }
    left.delete(pick);
    const e = named[pick] as EventArtifact;
    order.push({ key: e.key, techniques: e.techniques.length, gain: { confirmed: pickGain[0], named: pickGain[1], related: pickGain[2] }, covered: { ...covered } });
  }
  const coverable = { confirmed: 0, named: 0, related: 0, any: 0 };
  for (const x of best) {
    const g = GRADE_AT[x];
    if (!g) continue;
    coverable[g]++;
    coverable.any++;
  }
  return { order, coverable, unnamed: events.length - named.length };
}
