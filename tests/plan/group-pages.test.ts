/** Group pages and "used by" on technique pages, from the committed data (ATT&CK 18.1). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GroupsArtifact } from '../../scripts/artifacts/groups.ts';
import { versionContext } from '../../scripts/pages/context.ts';
import { groupIndexPage, groupPage } from '../../scripts/pages/group.ts';
import { presetPolicy } from '../../scripts/plan/core.ts';
import { pct } from '../../scripts/plan/format.ts';
import { computePlan } from '../../scripts/plan/plan.ts';
import { resolveTarget } from '../../scripts/plan/targets.ts';
import { buildPresence } from '../../scripts/pages/presence.ts';
import { techniquePage } from '../../scripts/pages/technique.ts';
import type { Scope, VersionInput } from '../../scripts/pages/types.ts';
import { DATA, v181 } from './load.ts';

const dir = path.join(DATA, 'enterprise-attack', '18.1');
const json = async <T>(f: string): Promise<T> => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as T;
const groups = await json<GroupsArtifact>('groups.json');
const v: VersionInput = {
  version: '18.1',
  era: 'detection-strategies',
  counts: (await json<{ counts: VersionInput['counts'] }>('manifest.json')).counts,
  techniques: (await json<{ techniques: VersionInput['techniques'] }>('techniques.json')).techniques,
  events: (await json<{ events: VersionInput['events'] }>('events.json')).events,
  tactics: (await json<{ tactics: VersionInput['tactics'] }>('tactics.json')).tactics,
  dataComponents: (await json<{ dataComponents: VersionInput['dataComponents'] }>('data-components.json')).dataComponents,
  rules: [],
  files: [],
  groups,
};
const ctx = versionContext(v, buildPresence([v], '18.1'));
const scope: Scope = { version: '18.1', base: '/', out: '/', dir: 'latest', isLatest: true, isRoot: true };

describe('group pages', () => {
  it('G0016 APT29: aliases, its Windows techniques, the rest named as not Windows, events most confirmed first', () => {
    const g = groups.groups.find((x) => x.id === 'G0016');
    if (!g) throw new Error('no G0016');
    const p = groupPage(ctx, scope, g);
    expect(p.meta.permalink).toBe('/groups/G0016/');
    expect(p.data.aliases).toContain('Cozy Bear');
    expect(p.data.techniques.length + p.data.other.length).toBe(g.techniques.length);
    expect(p.data.other.map((o) => o.id)).toContain('T1078.004');
    const e = p.data.events;
    for (let i = 1; i < e.length; i++) {
      const [a, b] = [e[i - 1], e[i]];
      if (a && b) expect(a.confirmed > b.confirmed || (a.confirmed === b.confirmed && (a.named > b.named || (a.named === b.named && a.related >= b.related)))).toBe(true);
    }
    expect(e[0]?.key).toBe('Sysmon:1');
  });

  it('the index lists live groups only; a technique page lists the groups that use it', () => {
    const ids = groupIndexPage(ctx, scope).data.rows.map((r) => r.id);
    expect(ids).toContain('G0016');
    expect(ids).not.toContain('G0118'); // revoked, replaced by G0016
    const t = v.techniques.find((x) => x.id === 'T1059.001');
    if (!t) throw new Error('no T1059.001');
    const usedBy = techniquePage(ctx, scope, t).data.usedBy;
    expect(usedBy).toContainEqual({ id: 'G0016', name: 'APT29', url: '/groups/G0016/' });
    expect(usedBy.length).toBe(groups.groups.filter((g) => g.revokedBy === '' && g.techniques.includes('T1059.001')).length);
  });

  it('the latest version shows the plan the CLI prints for the done-when command, with the same numbers', () => {
    const g = groups.groups.find((x) => x.id === 'G0016');
    if (!g) throw new Error('no G0016');
    const plan = groupPage(ctx, scope, g).data.plan;
    expect(plan?.command).toBe('npm run plan -- --attack 18.1 --group G0016 --preset windows-default-client --top 5');
    const cli = computePlan(v181.version, resolveTarget(v181.catalog, { groups: ['Cozy Bear'] }), { top: 5, inputs: { presets: [presetPolicy(v181.version.details, 'windows-default-client')] } });
    expect(plan?.steps).toEqual(cli.steps.map((s) => ({ rank: s.rank, title: s.title, commands: s.commands, confirmed: s.gained.confirmed.length, named: s.gained.named.length, related: s.gained.related.length, visible: s.seenAfter, share: pct(s.share) })));
    expect([plan?.total, plan?.visibleBefore, plan?.visibleAfter]).toEqual([cli.before.total, cli.before.visible, cli.after.visible]);
    // Older versions' pages give the command only.
    const old: VersionInput = { ...v, version: '17.1' };
    expect(groupPage(versionContext(old, buildPresence([old, v], '18.1')), { ...scope, version: '17.1' }, g).data.plan).toBeUndefined();
  });
});
