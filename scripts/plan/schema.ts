/**
 * JSON Schema of `npm run plan -- --format json` (a PlanReport), and its validator. The plan's own
 * fields are strict; a step carries the coverage core's advice unit as it stands (its optional
 * fields — GPO path, note, subcategory, Sysmon element and snippet — are described, not required).
 *
 * No node: imports (ajv runs in browsers too).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { GRADES } from './core.ts';

const str = { type: 'string' } as const;
const strs = { type: 'array', items: str } as const;
const int = { type: 'integer', minimum: 0 } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const techniqueId = { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' } as const;
const techniqueIds = { type: 'array', items: techniqueId } as const;
const grade = { enum: [...GRADES] } as const;
const state = { enum: [...GRADES, 'partial', 'unseen', 'no-event', 'not-windows'] } as const;

function obj(properties: Record<string, unknown>, required: string[] = Object.keys(properties), additional = false): Record<string, unknown> {
  return { type: 'object', additionalProperties: additional, required, properties };
}

const counts = obj({ total: int, windows: int, mapped: int, confirmed: int, named: int, related: int, visible: int, partial: int });
const gradeLists = obj({ confirmed: techniqueIds, named: techniqueIds, related: techniqueIds });

const step = obj(
  {
    rank: { type: 'integer', minimum: 1 },
    kind: { enum: ['audit-subcategory', 'sysmon-event-type', 'switch', 'event'] },
    id: { type: 'string', minLength: 1, description: 'audit:Process Creation, sysmon:ProcessCreate, switch:<id>, event:<Log:ID>' },
    title: { type: 'string', minLength: 1, description: 'what to do, in words' },
    commands: { ...strs, description: 'commands to run elevated (auditpol), or the Sysmon configuration snippet' },
    gpo: { ...str, description: 'the Group Policy path and setting, when there is one' },
    note: str,
    snippet: { ...str, description: 'Sysmon steps: the configuration snippet' },
    adds: { ...techniqueIds, description: 'target techniques not visible before that this step makes visible' },
    upgrades: { ...techniqueIds, description: 'target techniques partial before (filtered Sysmon types) made fully visible' },
    gained: { ...gradeLists, description: 'target techniques whose grade becomes this grade with this step: newly visible or stronger' },
    events: { type: 'array', items: obj({ key: str, name: str, techniques: techniqueIds }), description: 'the events behind the gains' },
    seenAfter: { ...int, description: 'target techniques visible after this step and every earlier one' },
    after: obj({ confirmed: int, named: int, related: int }),
    share: { ...share, description: 'seenAfter / every target technique' },
    shareMapped: { ...share, description: 'seenAfter / target techniques with a mapped Windows event' },
  },
  ['rank', 'kind', 'id', 'title', 'commands', 'adds', 'upgrades', 'gained', 'events', 'seenAfter', 'after', 'share', 'shareMapped'],
  true,
);

export const PLAN_SCHEMA: Readonly<Record<string, unknown>> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://example.invalid/winevents-attack-map/schemas/plan.schema.json',
  title: 'A threat-informed Windows logging plan (npm run plan -- --format json): the ranked steps that make the target techniques visible — mapped, not detected',
  ...obj({
    attackVersion: { type: 'string', pattern: '^\\d+\\.\\d+$' },
    minGrade: grade,
    target: obj({
      label: str,
      sources: {
        type: 'array',
        minItems: 1,
        items: obj({ kind: { enum: ['group', 'campaign', 'software', 'techniques', 'layer', 'tactic'] }, id: str, name: str, aliases: strs, url: str, techniques: int }),
      },
      tacticFilter: strs,
    }),
    inputs: { type: 'array', items: obj({ input: { enum: ['events', 'auditpol', 'sysmon', 'preset'] }, source: str, summary: str }), description: 'what is collected already; empty: the plan starts from nothing' },
    before: counts,
    steps: { type: 'array', items: step },
    after: counts,
    techniques: {
      type: 'array',
      items: obj({
        id: techniqueId,
        name: str,
        from: strs,
        before: state,
        after: state,
        step: { ...int, description: 'the step that makes it visible or stronger; 0: none' },
        events: { ...strs, description: 'its mapped events at the minimum grade, strongest first' },
        dataComponents: strs,
        reason: { ...str, description: 'why no Windows event can show it; empty otherwise' },
      }),
    },
    warnings: strs,
    notes: strs,
    convention: str,
  }),
};

let compiled: ValidateFunction | undefined;

/** Problems of a plan JSON document against PLAN_SCHEMA; [] when valid. */
export function validatePlanJson(value: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(PLAN_SCHEMA);
  if (compiled(value)) return [];
  return (compiled.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
