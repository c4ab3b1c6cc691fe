/**
 * "Which events should I collect first?": the greedy cover. Each step takes the event that adds
 * the most techniques not yet covered (ties: more techniques in all, then the artifact's order),
 * until no event adds any.
 */
import type { EventArtifact } from '../artifacts/build.ts';

export interface Priority {
  key: string;
  techniques: number;
  adds: number;
  /** Techniques covered by this event and the ones before it. */
  covered: number;
}

export function collectionOrder(events: EventArtifact[]): { order: Priority[]; coverable: number } {
  const ids = new Map<string, number>();
  const lists = events.map((e) => e.techniques.map(({ id: t }) => ids.get(t) ?? (ids.set(t, ids.size), ids.size - 1)));
  const covered = new Uint8Array(ids.size);
  const left = new Set(events.map((_, i) => i));
  const order: Priority[] = [];
  let total = 0;
  while (left.size > 0) {
    let best = -1;
    let bestAdds = 0;
    for (const i of left) {
      let adds = 0;
      for (const t of lists[i] ?? []) if (!covered[t]) adds++;
      const better = adds > bestAdds || (adds === bestAdds && adds > 0 && best >= 0 && (lists[i]?.length ?? 0) > (lists[best]?.length ?? 0));
      if (better) {
        best = i;
        bestAdds = adds;
      }
    }
    if (best < 0 || bestAdds === 0) break;
    for (const t of lists[best] ?? []) covered[t] = 1;
    total += bestAdds;
    left.delete(best);
    const e = events[best] as EventArtifact;
    order.push({ key: e.key, techniques: e.techniques.length, adds: bestAdds, covered: total });
  }
  return { order, coverable: ids.size };
}
