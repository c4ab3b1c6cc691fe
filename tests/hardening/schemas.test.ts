/**
 * The artifact schemas hold every upstream identifier that becomes a path (technique, tactic and
 * data component IDs, event keys and log names, rule IDs, version paths) and every ATT&CK URL to
 * its pattern, so a bad one fails validation before anything is written.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBLEM_KINDS, SCHEMAS, validateArtifact } from '../../scripts/artifacts/schemas.ts';
import { repoRoot } from '../helpers/mirror-server.ts';

const DATA = path.join(repoRoot, 'data');
const load = async (f: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', '18.1', f), 'utf8')) as Record<string, unknown>;
const first = <T>(value: unknown, key: string): T => {
  const list = (value as Record<string, unknown>)[key] as T[];
  if (!list[0]) throw new Error(`no ${key}`);
  return list[0];
};

const HOSTILE = ['../../../../README', '"><script>alert(1)</script>', 'T1003/../../x', 'TA0001/', ' TA0001', 'DC0032\n'];

describe('identifiers in the artifacts', () => {
  it.each(HOSTILE)('tactics.json refuses the tactic ID %j', async (bad) => {
    const v = await load('tactics.json');
    first<Record<string, unknown>>(v, 'tactics').id = bad;
    expect(validateArtifact('tactics.json', v).join(' ')).toMatch(/\/tactics\/0\/id must match pattern/);
  });

  it.each(HOSTILE)('techniques.json refuses %j as an ID, a parent, a sub-technique and a data component ID', async (bad) => {
    for (const [field, set] of [
      ['id', (t: Record<string, unknown>) => (t.id = bad)],
      ['parent', (t: Record<string, unknown>) => (t.parent = bad)],
      ['subtechniques', (t: Record<string, unknown>) => (t.subtechniques = [bad])],
      ['dataComponentId', (t: Record<string, unknown>) => (t.dataComponents = [{ dataSource: '', dataComponent: 'x', dataComponentId: bad, events: [] }])],
    ] as const) {
      const v = await load('techniques.json');
      set(first<Record<string, unknown>>(v, 'techniques'));
      expect(validateArtifact('techniques.json', v).length, field).toBeGreaterThan(0);
    }
  });

  it.each(HOSTILE)('data-components.json refuses the ID %j (and accepts none, as in ATT&CK 10–17)', async (bad) => {
    const v = await load('data-components.json');
    const c = first<Record<string, unknown>>(v, 'dataComponents');
    c.id = '';
    expect(validateArtifact('data-components.json', v)).toEqual([]);
    c.id = bad;
    expect(validateArtifact('data-components.json', v).length).toBeGreaterThan(0);
  });

  it.each(['../..:1', '"><script>:4688', 'Security/..\\x:1', 'Security:4688/..', ':1', ' Security:1', 'Security:x'])('events.json and tactics.json refuse the event key %j', async (bad) => {
    const e = await load('events.json');
    first<Record<string, unknown>>(e, 'events').key = bad;
    expect(validateArtifact('events.json', e).join(' ')).toMatch(/key must match pattern/);
    const t = await load('tactics.json');
    const withEvent = (t.tactics as Array<{ events: Array<{ key: string }> }>).find((x) => x.events.length > 0);
    if (!withEvent?.events[0]) throw new Error('no tactic with events');
    withEvent.events[0].key = bad;
    expect(validateArtifact('tactics.json', t).join(' ')).toMatch(/key must match pattern/);
  });

  it.each(['../..', '"><script>', 'Security\\x', 'a:b', '.hidden', ''])('events.json refuses the log name %j', async (bad) => {
    const e = await load('events.json');
    first<Record<string, unknown>>(e, 'events').log = bad;
    expect(validateArtifact('events.json', e).join(' ')).toMatch(/log must match pattern/);
  });

  it('accepts the log names the mapping keeps verbatim', async () => {
    for (const log of ['Microsoft-Windows-Partition/Diagnostic', 'Microsoft-Windows-Windows Camera Frame Server/Operational', 'LDAP-Client', 'Microsoft-Office_Alerts.1']) {
      const e = await load('events.json');
      const ev = first<Record<string, unknown>>(e, 'events');
      ev.log = log;
      ev.key = `${log}:1`;
      expect(validateArtifact('events.json', e), log).toEqual([]);
    }
  });

  it('rules.json refuses a bad rule ID, a bad tagged technique, and keeps its patterns', async () => {
    const r = await load('rules.json');
    const rule = first<Record<string, unknown>>(r, 'rules');
    const id = rule.id;
    rule.id = '../../x';
    expect(validateArtifact('rules.json', r).join(' ')).toMatch(/\/id must match pattern/);
    rule.id = id;
    first<Record<string, unknown>>(rule, 'techniques').tagged = '../T1003';
    expect(validateArtifact('rules.json', r).join(' ')).toMatch(/tagged must match pattern/);
  });

  it('index.json refuses a version path outside enterprise-attack/', async () => {
    const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { versions: Array<{ path: string }> };
    index.versions[0]!.path = '../../etc';
    expect(validateArtifact('index.json', index).join(' ')).toMatch(/path must match pattern/);
  });
});

describe('ATT&CK URLs in the artifacts', () => {
  it.each(['javascript:alert(document.domain)', 'data:text/html,x', ' https://attack.mitre.org/', 'https://attack.mitre.org/a b'])('techniques.json and tactics.json refuse %j', async (bad) => {
    const t = await load('techniques.json');
    first<Record<string, unknown>>(t, 'techniques').url = bad;
    expect(validateArtifact('techniques.json', t).join(' ')).toMatch(/url must match pattern/);
    const ta = await load('tactics.json');
    first<Record<string, unknown>>(ta, 'tactics').url = bad;
    expect(validateArtifact('tactics.json', ta).join(' ')).toMatch(/url must match pattern/);
  });

  it('accept an empty URL (upstream gave none, or one that was dropped)', async () => {
    const t = await load('techniques.json');
    first<Record<string, unknown>>(t, 'techniques').url = '';
    expect(validateArtifact('techniques.json', t)).toEqual([]);
  });
});

describe('the report schema', () => {
  it('lists every problem kind, the new ones included', () => {
    const kinds = ((SCHEMAS['report.schema.json'] as { properties: { problems: { items: { properties: { kind: { enum: string[] } } } } } }).properties.problems.items.properties.kind.enum);
    expect(kinds).toEqual([...PROBLEM_KINDS]);
    expect(kinds).toEqual(expect.arrayContaining(['invalid-identifier', 'missing-identifier', 'duplicate-identifier', 'unsafe-url']));
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});
