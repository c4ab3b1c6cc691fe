/**
 * Public detection rules (Splunk Security Content, MITRE CAR): a rule supports a technique × event
 * link when it is tagged with the technique and one of its data sources resolves to the event.
 * Tags are modern IDs; each is placed on this version's techniques: as is when live; through the
 * bundle's `revoked-by` chain when revoked; on its parent when the version lacks the sub-technique
 * (no sub-techniques before ATT&CK 7, or one added later). What cannot be placed is reported.
 */
import type { StixTechnique } from '../../attack/stix.ts';
import type { MapContext } from '../context.ts';
import type { Route } from './route.ts';

type Placement = { technique: StixTechnique } | { reason: string };

function placer(ctx: MapContext): (tag: string) => Placement {
  const byAttackId = new Map<string, StixTechnique>();
  for (const t of ctx.bundle.techniques) if (t.attackId) byAttackId.set(t.attackId, t);
  const liveById = new Map<string, StixTechnique>();
  for (const t of ctx.techniques.values()) if (t.attackId) liveById.set(t.attackId, t);
  const revokedBy = new Map<string, string>();
  for (const r of ctx.bundle.relationships) if (r.type === 'revoked-by') revokedBy.set(r.sourceRef, r.targetRef);
  const byStix = new Map(ctx.bundle.techniques.map((t) => [t.stixId, t]));
  const place = (tag: string, depth: number): Placement => {
    const live = liveById.get(tag);
    if (live) return { technique: live };
    const known = byAttackId.get(tag);
    if (known?.revoked) {
      // Follow the chain (a revoked technique can be revoked by one revoked later), a few hops at most.
      let cur: StixTechnique | undefined = known;
      for (let hops = 0; cur?.revoked && hops < 8; hops++) cur = byStix.get(revokedBy.get(cur.stixId) ?? '');
      const target = cur?.attackId ? liveById.get(cur.attackId) : undefined;
      if (target) return { technique: target };
      return { reason: `revoked in ATT&CK ${ctx.attackVersion} and not replaced by a Windows technique` };
    }
    if (known) return { reason: known.deprecated ? `deprecated in ATT&CK ${ctx.attackVersion}` : `not a Windows technique in ATT&CK ${ctx.attackVersion}` };
    const dot = tag.indexOf('.');
    if (dot > 0 && depth === 0) {
      const parent = place(tag.slice(0, dot), 1);
      if ('technique' in parent) return parent;
    }
    return { reason: `not in ATT&CK ${ctx.attackVersion}` };
  };
  return (tag) => place(tag, 0);
}

export const detectionRules: Route = {
  name: 'detection rules',
  eras: ['data-source-strings', 'data-components', 'detection-strategies'],
  run(ctx) {
    const place = placer(ctx);
    for (const rule of ctx.rules) {
      if (rule.events.length === 0) continue;
      const placed: Array<{ tagged: string; placed: string; coverage: string }> = [];
      for (const tag of rule.techniques) {
        const p = place(tag.id);
        if ('reason' in p) {
          ctx.problems.add('rule-technique-not-placed', tag.id, `${rule.source}:${rule.id}`, `a rule is tagged with ${tag.id}, ${p.reason}; the rule's events are not linked to it`);
          continue;
        }
        const t = p.technique;
        placed.push({ tagged: tag.id, placed: t.attackId ?? '', coverage: tag.coverage });
        for (const e of rule.events) {
          const ev = ctx.useEvent(e.log, '', e.eventId);
          ctx.push(ctx.row(t, { dataSource: '', dataComponent: '', dataComponentId: '', eventLog: e.log, eventId: e.eventId, eventName: ev.name, evidence: rule.source, evidenceRef: rule.id, detail: rule.name }));
        }
      }
      if (placed.length === 0) continue;
      ctx.placedRules.push({ source: rule.source, id: rule.id, name: rule.name, url: rule.url, status: rule.status, techniques: placed, events: rule.events.map((e) => e.key) });
    }
  },
};
