/** A mapping route: one way a version's sources link techniques to events, as evidence rows. */
import type { MapContext } from '../context.ts';
import type { VersionMapping } from '../types.ts';

export interface Route {
  name: string;
  /** The eras whose bundles carry what this route reads. */
  eras: ReadonlyArray<VersionMapping['era']>;
  run(ctx: MapContext): void;
}

/** Live `detects` relationships whose target is a live Windows technique; dangling targets reported. */
export function* liveDetects(ctx: MapContext): Generator<{ sourceRef: string; stixId: string; technique: NonNullable<ReturnType<MapContext['techniques']['get']>> }> {
  const all = new Set(ctx.bundle.techniques.map((x) => x.stixId));
  for (const r of ctx.bundle.relationships) {
    if (r.type !== 'detects' || !ctx.live(r)) continue;
    const t = ctx.techniques.get(r.targetRef);
    if (!t) {
      if (!all.has(r.targetRef)) ctx.problems.add('dangling-reference', r.targetRef, r.stixId, 'detects relationship points at a technique that is not in the bundle');
      continue;
    }
    yield { sourceRef: r.sourceRef, stixId: r.stixId, technique: t };
  }
}
