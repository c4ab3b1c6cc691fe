import { GRADES } from '../../scripts/mapping/grade.ts';
import { EVIDENCE_KINDS } from '../../scripts/mapping/types.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAPPING_COLUMNS, parseCsv } from '../../scripts/artifacts/csv.ts';
import { stringifyJson } from '../../scripts/lib/json.ts';
import { PUBLISHED_SCHEMAS, SCHEMA_FOR, SCHEMAS, validateArtifact } from '../../scripts/artifacts/schemas.ts';
import { repoRoot } from '../helpers/mirror-server.ts';

const DATA = path.join(repoRoot, 'data');
const versions = (JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { versions: Array<{ version: string }> }).versions.map((v) => v.version);
const load = async (v: string, f: string): Promise<unknown> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', v, f), 'utf8')) as unknown;

type SchemaNode = { type?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode; required?: string[] };

/** Fails when an object built by the TypeScript builders has keys its schema does not require, or lacks some. */
function assertShape(schema: SchemaNode, value: unknown, where: string): void {
  if (schema.properties && value && typeof value === 'object' && !Array.isArray(value)) {
    expect(Object.keys(value).sort(), where).toEqual([...(schema.required ?? [])].sort());
    for (const [k, sub] of Object.entries(schema.properties)) assertShape(sub, (value as Record<string, unknown>)[k], `${where}.${k}`);
  } else if (schema.items && Array.isArray(value) && value.length > 0) {
    assertShape(schema.items, value[0], `${where}[0]`);
  }
}

describe('artifact schemas', () => {
  it.each(Object.keys(SCHEMAS))('%s rejects {}', (name) => {
    const file = Object.entries(SCHEMA_FOR).find(([, s]) => s === name)?.[0] ?? '';
    expect(validateArtifact(file, {}).length).toBeGreaterThan(0);
  });

  it('are published with the data, byte for byte as the code defines them', async () => {
    const published = (await readdir(path.join(DATA, 'schemas'))).sort();
    expect(published).toEqual(Object.keys(PUBLISHED_SCHEMAS).sort());
    for (const name of published) expect(await readFile(path.join(DATA, 'schemas', name), 'utf8')).toBe(stringifyJson(PUBLISHED_SCHEMAS[name]));
  });

  it.each(versions)('accept every JSON artifact of ATT&CK %s, and match the shape the builders write', async (v) => {
    for (const [file, schemaName] of Object.entries(SCHEMA_FOR)) {
      if (file === 'index.json') continue;
      const value = await load(v, file);
      expect(validateArtifact(file, value), `${v}/${file}`).toEqual([]);
      assertShape(SCHEMAS[schemaName] as SchemaNode, value, `${v}/${file}`);
    }
  });

  it('accept index.json', async () => {
    expect(validateArtifact('index.json', JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')))).toEqual([]);
  });

  it('reject a technique event without evidence and a malformed event key', async () => {
    const t = (await load('18.1', 'techniques.json')) as { techniques: Array<{ events: Array<{ evidence: unknown[]; key: string }> }> };
    const withEvent = t.techniques.find((x) => x.events.length > 0);
    if (!withEvent?.events[0]) throw new Error('no technique with events');
    withEvent.events[0].evidence = [];
    expect(validateArtifact('techniques.json', t).join(' ')).toMatch(/evidence/);
    withEvent.events[0].evidence = [{ kind: 'ossem-dm', ref: 'x', detail: '' }];
    withEvent.events[0].key = 'Security-4688';
    expect(validateArtifact('techniques.json', t).join(' ')).toMatch(/key/);
  });
});

describe('mapping.csv', () => {
  it.each(versions)('ATT&CK %s: the documented columns, one row per link, every technique present', async (v) => {
    const text = await readFile(path.join(DATA, 'enterprise-attack', v, 'mapping.csv'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\r');
    expect(text.split('\n', 1)[0]).toBe(MAPPING_COLUMNS.join(','));
    const rows = parseCsv(text);
    const manifest = (await load(v, 'manifest.json')) as { counts: { rows: number; techniques: number } };
    expect(rows).toHaveLength(manifest.counts.rows);
    expect(new Set(rows.map((r) => r['technique_id'])).size).toBe(manifest.counts.techniques);
    // A row with an event has its log, a numeric ID, a known evidence kind and grade; one without
    // has no grade. Checked row by row, reported once (an expect per field of 22,000 rows took seconds).
    const kinds = new Set<string>(EVIDENCE_KINDS);
    const grades = new Set<string>(GRADES);
    const wrong = rows.filter((r) =>
      r['event_id'] ? !(/^\d+$/.test(r['event_id']) && r['event_log'] !== '' && kinds.has(r['evidence'] ?? '') && grades.has(r['grade'] ?? '')) : r['grade'] !== '',
    );
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
