/**
 * JSON Schema of the ATT&CK Navigator layers we write: the subset of layer format 4.5
 * (LAYERFORMATv4_5.md) that the coverage layers produce. Stricter than the format itself —
 * the fields we always write are required and unknown fields are refused — so a typo in a builder
 * fails validation instead of being silently ignored by the Navigator.
 *
 * `validateLayer` adds the rules JSON Schema cannot say: gradient maxValue > minValue, no technique
 * twice under the same tactic, and a technique given either once without `tactic` or once per tactic.
 *
 * No node: imports (ajv runs in browsers too).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { DOMAIN } from '../lib/domain.ts';
import { LAYER_FORMAT_VERSION } from './layer.ts';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const color = { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' } as const;

function obj(properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required, properties };
}

const metadata = {
  type: 'array',
  items: { oneOf: [obj({ name: { type: 'string', minLength: 1 }, value: str }), obj({ divider: bool })] },
} as const;

export const LAYER_SCHEMA: Readonly<Record<string, unknown>> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://example.invalid/winevents-attack-map/schemas/navigator-layer-4.5.schema.json',
  title: 'ATT&CK Navigator layer (format 4.5), the subset written by winevents-attack-map',
  ...obj(
    {
      name: { type: 'string', minLength: 1 },
      versions: obj({
        attack: { type: 'string', pattern: '^\\d+$' },
        navigator: { type: 'string', pattern: '^(4\\.(9|[1-9]\\d)|[5-9]|\\d{2,})(\\.\\d+)*$' },
        layer: { const: LAYER_FORMAT_VERSION },
      }),
      domain: { enum: [DOMAIN] },
      description: str,
      filters: obj({ platforms: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['Windows'] } } }),
      sorting: { enum: [0, 1, 2, 3] },
      layout: obj({
        layout: { enum: ['side', 'flat', 'mini'] },
        showID: bool,
        showName: bool,
        showAggregateScores: bool,
        countUnscored: bool,
        aggregateFunction: { enum: ['average', 'min', 'max', 'sum'] },
        expandedSubtechniques: { enum: ['none', 'all', 'annotated'] },
      }),
      hideDisabled: bool,
      techniques: {
        type: 'array',
        items: obj(
          {
            techniqueID: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' },
            tactic: { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' },
            score: { type: 'number' },
            color: { anyOf: [color, { const: '' }] },
            comment: str,
            enabled: bool,
            metadata,
            showSubtechniques: bool,
          },
          ['techniqueID'],
        ),
      },
      gradient: obj({ colors: { type: 'array', minItems: 2, items: color }, minValue: { type: 'number' }, maxValue: { type: 'number' } }),
      legendItems: { type: 'array', items: obj({ label: { type: 'string', minLength: 1 }, color }) },
      showTacticRowBackground: bool,
      tacticRowBackground: color,
      selectTechniquesAcrossTactics: bool,
      selectSubtechniquesWithParent: bool,
      selectVisibleTechniques: bool,
      metadata,
    },
    ['name', 'versions', 'domain', 'description', 'filters', 'techniques', 'gradient', 'legendItems'],
  ),
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(LAYER_SCHEMA);
  return compiled;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with `layer` (empty when it is a valid layer of the subset we write). */
export function validateLayer(layer: unknown): string[] {
  const validate = validator();
  if (!validate(layer)) {
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})` : ''}`);
  }
  const problems: string[] = [];
  const l = layer as Json;
  const g = l.gradient as { minValue: number; maxValue: number };
  if (!(g.maxValue > g.minValue)) problems.push(`/gradient maxValue (${g.maxValue}) must be greater than minValue (${g.minValue})`);
  const withTactic = new Map<string, Set<string>>();
  const without = new Map<string, number>();
  for (const t of l.techniques as unknown[]) {
    if (!isObj(t)) continue;
    const id = String(t.techniqueID);
    if (typeof t.tactic === 'string') {
      const s = withTactic.get(id) ?? new Set<string>();
      if (s.has(t.tactic)) problems.push(`/techniques ${id} appears twice under tactic ${t.tactic}`);
      s.add(t.tactic);
      withTactic.set(id, s);
    } else {
      without.set(id, (without.get(id) ?? 0) + 1);
    }
  }
  for (const [id, n] of without) {
    if (n > 1) problems.push(`/techniques ${id} appears ${n} times without a tactic`);
    if (withTactic.has(id)) problems.push(`/techniques ${id} appears both with and without a tactic`);
  }
  return problems;
}
