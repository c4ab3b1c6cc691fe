/** The change report on hand-made artifact pairs (one kind of change at a time) and on the committed data. */
import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consecutiveVersionDiffs, diffArtifacts, diffVersions, DiffError } from '../../scripts/diff/diff.ts';
import { loadArtifacts, LoadError } from '../../scripts/diff/load.ts';
import { GITHUB_BODY_LIMIT, renderJson, renderMarkdown } from '../../scripts/diff/markdown.ts';
import { renderVersionChanges } from '../../scripts/pages/changes.ts';
import type { ChangeReport, DataSet, VersionDiff } from '../../scripts/diff/types.ts';
import { repoRoot } from '../helpers/mirror-server.ts';
import { diffCommand } from '../../scripts/cli/diff.ts';
import { inProcess } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { baseSpec, clone, writeRoot, writeVersion, type Spec, type SpecRule } from './fixtures.ts';

const run = promisify(execFile);
const tmp = tempDirs();
afterAll(() => tmp.cleanup());

async function versionSet(spec: Spec): Promise<DataSet> {
  const dir = path.join(await tmp.make('diff-version-'), spec.version);
  await writeVersion(dir, spec);
  return loadArtifacts(dir);
}

/** The report between the base spec and the base spec changed by `edit`. */
async function reportFor(edit: (s: Spec) => void, oldSpec: Spec = baseSpec()): Promise<{ report: ChangeReport; d: VersionDiff; md: string }> {
  const newSpec = clone(oldSpec);
  edit(newSpec);
  const report = diffArtifacts(await versionSet(oldSpec), await versionSet(newSpec));
  const [d] = report.compared;
  if (!d) throw new Error('no comparison');
  return { report, d, md: renderMarkdown(report) };
}

describe('diffArtifacts on hand-made version folders', () => {
  it('says "No change." for identical inputs', async () => {
    const { report, d, md } = await reportFor(() => {});
    expect(report.changed).toBe(false);
    expect(d.identical).toBe(true);
    expect(d.files).toEqual([]);
    expect(md).toContain('\nNo change.\n');
    expect(md).not.toContain('|');
  });

  it('finds an added technique, with its events counted but not listed per technique', async () => {
    const { report, d, md } = await reportFor((s) => {
      s.techniques['T1680'] = 'Local Storage Discovery';
      s.links.push(['T1680', 'Security:4688', 'Process Creation']);
    });
    expect(report.changed).toBe(true);
    expect(d.techniques.added).toEqual([{ id: 'T1680', name: 'Local Storage Discovery', events: 1 }]);
    expect(d.techniques.removed).toEqual([]);
    expect(d.techniqueEvents).toEqual([]);
    expect(d.counts.techniques).toEqual({ old: 4, new: 5, delta: 1 });
    // The event gained a technique.
    expect(d.eventTechniques).toEqual([{ key: 'Security:4688', name: 'A new process has been created.', gained: [{ id: 'T1680', name: 'Local Storage Discovery' }], lost: [] }]);
    expect(md).toContain('Techniques: 1 added');
    expect(md).toContain('| T1680 | Local Storage Discovery | 1 |');
    expect(md).toContain('| Techniques | 4 | 5 | +1 |');
  });

  it('finds a removed technique', async () => {
    const { d, md } = await reportFor((s) => {
      delete s.techniques['T1070'];
      s.links = s.links.filter(([t]) => t !== 'T1070');
    });
    expect(d.techniques.removed).toEqual([{ id: 'T1070', name: 'Indicator Removal', events: 1 }]);
    expect(d.events.removed).toEqual([{ key: 'Security:1102', name: 'The audit log was cleared.', techniques: 1 }]);
    expect(d.dataComponents.removed.map((c) => c.name)).toEqual(['Log Deletion']);
    expect(md).toContain('Techniques: 1 removed');
    expect(md).toContain('**Removed (1)**');
    expect(md).toContain('| Techniques | 4 | 3 | −1 |');
  });

  it('finds a renamed technique (same ID, new name) and nothing else about it', async () => {
    const { d, md } = await reportFor((s) => {
      s.techniques['T1070'] = 'Indicator Removal on Host';
    });
    expect(d.techniques).toEqual({ added: [], removed: [], renamed: [{ id: 'T1070', oldName: 'Indicator Removal', newName: 'Indicator Removal on Host' }] });
    expect(d.techniqueEvents).toEqual([]);
    expect(md).toContain('| T1070 | Indicator Removal | Indicator Removal on Host |');
    expect(md).toContain('Techniques: 1 renamed');
  });

  it('finds events gained and lost per technique, and techniques gained and lost per event', async () => {
    const { d, md } = await reportFor((s) => {
      // T1059 loses Sysmon:1 and gains PowerShell:4104; T1003 gains Sysmon:10 (already used by T1003.001).
      s.links = s.links.filter(([t, k]) => !(t === 'T1059' && k === 'Sysmon:1'));
      s.links.push(['T1059', 'PowerShell:4104', 'Script Execution'], ['T1003', 'Sysmon:10', 'Process Access']);
      s.links.push(['T1070', 'Sysmon:1', 'Process Creation']);
    });
    expect(d.techniqueEvents).toEqual([
      { id: 'T1003', name: 'OS Credential Dumping', gained: [{ key: 'Sysmon:10', name: 'Event Sysmon:10' }], lost: [] },
      { id: 'T1059', name: 'Command and Scripting Interpreter', gained: [{ key: 'PowerShell:4104', name: 'Event PowerShell:4104' }], lost: [{ key: 'Sysmon:1', name: 'Process creation' }] },
      { id: 'T1070', name: 'Indicator Removal', gained: [{ key: 'Sysmon:1', name: 'Process creation' }], lost: [] },
    ]);
    expect(d.eventTechniques).toEqual([
      { key: 'Sysmon:1', name: 'Process creation', gained: [{ id: 'T1070', name: 'Indicator Removal' }], lost: [{ id: 'T1059', name: 'Command and Scripting Interpreter' }] },
      { key: 'Sysmon:10', name: 'Event Sysmon:10', gained: [{ id: 'T1003', name: 'OS Credential Dumping' }], lost: [] },
    ]);
    expect(d.events.added).toEqual([{ key: 'PowerShell:4104', name: 'Event PowerShell:4104', techniques: 1 }]);
    expect(d.dataComponents.added.map((c) => c.name)).toEqual(['Script Execution']);
    expect(md).toContain('Events per technique: 3 techniques changed (+3 / −1 event links)');
    expect(md).toContain('| T1059 Command and Scripting Interpreter | +1: PowerShell:4104 | −1: Sysmon:1 |');
    expect(md).toContain('Techniques per event: 2 events changed (+2 / −1 technique links)');
    expect(md).toContain('| Sysmon:1 | Process creation | +1: T1070 | −1: T1059 |');
  });

  it('finds new and dropped data components, and components whose ID or data source changed', async () => {
    const { d, md } = await reportFor((s) => {
      s.links = s.links.map(([t, k, c]) => [t, k, c === 'Log Deletion' ? 'Log Clearing' : c]);
      s.componentIds = { 'Process Creation': 'DC0032' };
      s.dataSources = { 'Process Access': 'Process' };
    });
    expect(d.dataComponents.added).toEqual([{ name: 'Log Clearing', id: '', dataSource: 'Source of Log Clearing' }]);
    expect(d.dataComponents.removed).toEqual([{ name: 'Log Deletion', id: '', dataSource: 'Source of Log Deletion' }]);
    expect(d.dataComponents.changed).toEqual([
      { name: 'Process Access', old: { name: 'Process Access', id: '', dataSource: 'Source of Process Access' }, new: { name: 'Process Access', id: '', dataSource: 'Process' } },
      { name: 'Process Creation', old: { name: 'Process Creation', id: '', dataSource: 'Source of Process Creation' }, new: { name: 'Process Creation', id: 'DC0032', dataSource: 'Source of Process Creation' } },
    ]);
    expect(d.techniqueEvents).toEqual([]);
    expect(md).toContain('Data components: 1 new, 1 dropped, 2 with a new ID or data source');
    expect(md).toContain('**New (1):** Log Clearing (data source Source of Log Clearing)');
    expect(md).toContain('**Dropped (1):** Log Deletion');
    expect(md).toContain('| Process Creation | no ID, data source Source of Process Creation | DC0032, data source Source of Process Creation |');
  });

  it('reports a changed upstream pin even when the mapping is the same', async () => {
    const { report, d, md } = await reportFor((s) => {
      s.bundleSha256 = 'b'.repeat(64);
    });
    expect(report.changed).toBe(true);
    expect(d.identical).toBe(false);
    expect(d.files).toEqual([{ name: 'manifest.json', change: 'modified' }]);
    expect(d.sources).toHaveLength(1);
    expect(d.sources[0]?.old?.sha256).toBe('a'.repeat(64));
    expect(md).toContain('Upstream sources: 1 pin changed');
    expect(md).toContain('No technique, event or data component changed.');
  });

  it('escapes names so that upstream text cannot break a table or inject HTML', async () => {
    const { md } = await reportFor((s) => {
      s.techniques['T1070'] = 'Pipe | <script>alert(1)</script>';
    });
    expect(md).toContain('Pipe \\| &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).not.toContain('<script>');
  });

  it('caps long lists in Markdown with "… and N more", while the JSON keeps everything', async () => {
    const many = clone(baseSpec());
    const { report, d, md } = await reportFor((s) => {
      for (let i = 0; i < 120; i++) {
        const id = `T${2000 + i}`;
        s.techniques[id] = `Technique ${i}`;
        s.links.push([id, 'Security:4688', 'Process Creation']);
      }
      for (let i = 0; i < 30; i++) s.links.push(['T1059', `Security:${5000 + i}`, 'Process Creation']);
    }, many);
    expect(d.techniques.added).toHaveLength(120);
    expect(md).toContain('… and 70 more techniques');
    expect(md).toMatch(/\+30: Security:5000, Security:5001, .*… and 22 more/);
    expect(md).toContain('<details>');
    const json = JSON.parse(renderJson(report)) as ChangeReport;
    expect(json.compared[0]?.techniques.added).toHaveLength(120);
    expect(json.compared[0]?.eventTechniques[0]?.gained).toHaveLength(120);
  });
});

const R1 = '0b1c2d3e-0000-4000-8000-000000000001';
const R3 = '0b1c2d3e-0000-4000-8000-000000000003';
const LSASS_RULE: SpecRule = { source: 'splunk-escu', id: R1, name: 'Access LSASS Memory', techniques: ['T1003.001'], events: ['Sysmon:10'] };
const CMD_RULE: SpecRule = { source: 'mitre-car', id: 'CAR-2013-07-001', name: 'Suspicious Arguments', techniques: ['T1059'], events: ['Security:4688'] };
const CLEAR_RULE: SpecRule = { source: 'splunk-escu', id: R3, name: 'Windows Event Log Cleared', techniques: ['T1070'], events: ['Security:1102'] };

/** The base mapping with a Splunk rule on T1003.001 and a CAR rule on T1059. */
function ruledSpec(version = '17.1'): Spec {
  return { ...baseSpec(version), rules: [LSASS_RULE, CMD_RULE] };
}

/** The CAR rule dropped, a Splunk rule on T1070 added, and ATT&CK naming Sysmon:1 for T1059. */
function editRules(s: Spec): void {
  s.rules = [LSASS_RULE, CLEAR_RULE];
  s.named = [['T1059', 'Sysmon:1']];
}

describe('detection rules and link grades', () => {
  it('lists the rules added and removed by source and ID, with names, counts first', async () => {
    const { report, d, md } = await reportFor(editRules, ruledSpec());
    expect(report.changed).toBe(true);
    expect(d.rules.added).toEqual([{ source: 'splunk-escu', id: R3, name: 'Windows Event Log Cleared', url: `https://research.splunk.com/endpoint/${R3}/`, techniques: ['T1070'], events: ['Security:1102'] }]);
    expect(d.rules.removed).toEqual([{ source: 'mitre-car', id: 'CAR-2013-07-001', name: 'Suspicious Arguments', url: 'https://car.mitre.org/analytics/CAR-2013-07-001/', techniques: ['T1059'], events: ['Security:4688'] }]);
    expect([d.rules.old, d.rules.new]).toEqual([2, 2]);
    expect(d.rules.bySource).toEqual([
      { source: 'mitre-car', old: 1, new: 0, added: 0, removed: 1 },
      { source: 'splunk-escu', old: 1, new: 2, added: 1, removed: 0 },
    ]);
    // Every link exists on both sides: only grades moved.
    expect(d.techniqueEvents).toEqual([]);
    const heading = md.indexOf('#### Detection rules: 1 added, 1 removed');
    expect(heading).toBeGreaterThan(0);
    const counts = md.indexOf('| MITRE CAR | 1 | 0 | 0 | −1 |');
    const added = md.indexOf('**Added (1)**');
    expect(counts).toBeGreaterThan(heading);
    expect(added).toBeGreaterThan(counts);
    expect(md).toContain('| Splunk Security Content | 1 | 2 | +1 | 0 |');
    expect(md).toContain(`| Splunk Security Content | [${R3}](https://research.splunk.com/endpoint/${R3}/) | Windows Event Log Cleared | T1070 | Security:1102 |`);
    expect(md).toContain('**Removed (1)**');
    expect(md).toContain('| MITRE CAR | [CAR-2013-07-001](https://car.mitre.org/analytics/CAR-2013-07-001/) | Suspicious Arguments | T1059 | Security:4688 |');
  });

  it('finds the links whose grade changed, counted per direction, strengthened first', async () => {
    const { d, md } = await reportFor(editRules, ruledSpec());
    expect(d.grades.directions).toEqual([
      { old: 'related', new: 'confirmed', count: 1 },
      { old: 'related', new: 'named', count: 1 },
      { old: 'confirmed', new: 'related', count: 1 },
    ]);
    expect(d.grades.changed).toEqual([
      { technique: { id: 'T1059', name: 'Command and Scripting Interpreter' }, event: { key: 'Security:4688', name: 'A new process has been created.' }, old: 'confirmed', new: 'related', oldRules: 1, newRules: 0 },
      { technique: { id: 'T1059', name: 'Command and Scripting Interpreter' }, event: { key: 'Sysmon:1', name: 'Process creation' }, old: 'related', new: 'named', oldRules: 0, newRules: 0 },
      { technique: { id: 'T1070', name: 'Indicator Removal' }, event: { key: 'Security:1102', name: 'The audit log was cleared.' }, old: 'related', new: 'confirmed', oldRules: 0, newRules: 1 },
    ]);
    expect(md).toContain('#### Link grades: 3 links regraded (1 related → confirmed, 1 related → named, 1 confirmed → related)');
    expect(md).toContain('| T1059 Command and Scripting Interpreter | Security:4688 | confirmed | related | 1 → 0 |');
    expect(md).toContain('| T1070 Indicator Removal | Security:1102 | related | confirmed | 0 → 1 |');
    // The technique/event sections and the site page are about the mapping, not its grades.
    expect(md).toContain('No technique, event or data component changed.');
    expect(renderVersionChanges('17.1', '17.1', d)).not.toContain('Detection rules');
  });

  it('says "No change." for identical inputs that have rules', async () => {
    const { report, d, md } = await reportFor(() => {}, ruledSpec());
    expect(report.changed).toBe(false);
    expect(d.rules).toMatchObject({ old: 2, new: 2, added: [], removed: [] });
    expect(d.grades).toEqual({ directions: [], changed: [] });
    expect(md).toMatch(/\nNo change\.\n$/);
  });

  it('caps long rule and regrade lists with "… and N more", while the JSON keeps everything', async () => {
    const old = ruledSpec();
    for (let i = 0; i < 60; i++) {
      const id = `T${3000 + i}`;
      old.techniques[id] = `Technique ${i}`;
      old.links.push([id, 'Security:4688', 'Process Creation']);
    }
    const { report, d, md } = await reportFor((s) => {
      for (let i = 0; i < 60; i++) {
        const id = `T${3000 + i}`;
        s.rules?.push({ source: 'splunk-escu', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Rule ${i}`, techniques: [id], events: ['Security:4688'] });
      }
    }, old);
    expect(d.rules.added).toHaveLength(60);
    expect(d.grades.changed).toHaveLength(60);
    expect(d.grades.directions).toEqual([{ old: 'related', new: 'confirmed', count: 60 }]);
    expect(md).toContain('#### Detection rules: 60 added');
    expect(md).toContain('… and 10 more rules;');
    expect(md).toContain('#### Link grades: 60 links regraded (60 related → confirmed)');
    expect(md).toContain('<summary>60 links; showing the first 50</summary>');
    expect(md).toContain('… and 10 more links;');
    const json = JSON.parse(renderJson(report)) as ChangeReport;
    expect(json.compared[0]?.rules.added).toHaveLength(60);
    expect(json.compared[0]?.grades.changed).toHaveLength(60);
    const tight = renderMarkdown(report, { limits: { listItems: 5 } });
    expect(tight).toContain('… and 55 more rules;');
  });

  it('reads a folder written before rules.json and grades existed as having none, quietly', async () => {
    const dir = path.join(await tmp.make('diff-no-rules-'), '17.1');
    await writeVersion(dir, ruledSpec());
    await rm(path.join(dir, 'rules.json'));
    // Older techniques.json: events without grade or rule count.
    const file = path.join(dir, 'techniques.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { techniques: Array<{ events: Array<Record<string, unknown>> }> };
    for (const t of doc.techniques) for (const e of t.events) (delete e['grade'], delete e['rules']);
    await writeFile(file, JSON.stringify(doc));
    const older = await loadArtifacts(dir);
    expect(older.versions[0]?.rules).toEqual([]);
    const report = diffArtifacts(older, await versionSet((() => { const s = ruledSpec(); editRules(s); return s; })()));
    const d = report.compared[0] as VersionDiff;
    expect(d.rules.old).toBe(0);
    expect(d.rules.added.map((r) => r.id)).toEqual([R1, R3]);
    expect(d.rules.removed).toEqual([]);
    expect(d.grades).toEqual({ directions: [], changed: [] });
    expect(renderMarkdown(report)).toContain('#### Detection rules: 2 added');
  });

  it('rejects a rules.json that is not a list of rules, naming the file', async () => {
    const dir = path.join(await tmp.make('diff-bad-rules-'), '17.1');
    await writeVersion(dir, ruledSpec());
    await writeFile(path.join(dir, 'rules.json'), JSON.stringify({ attackVersion: '17.1', rules: [{ source: 'splunk-escu', name: 'no id', techniques: [], events: [] }] }));
    await expect(loadArtifacts(dir)).rejects.toThrow(/rules\.json: rules\[0\] lacks "source", "id" or "name"/);
  });

  it('puts the rule and regrade counts on the summary lines of a data-root report', async () => {
    const oldRoot = await tmp.make('diff-root-rules-old-');
    const newRoot = await tmp.make('diff-root-rules-new-');
    const v17 = ruledSpec('17.1');
    editRules(v17);
    const v18 = ruledSpec('18.1');
    await writeRoot(oldRoot, [ruledSpec('17.1')]);
    await writeRoot(newRoot, [v17, v18]);
    const report = diffArtifacts(await loadArtifacts(oldRoot, 'old'), await loadArtifacts(newRoot, 'new'));
    expect(report.versionsAdded).toEqual([expect.objectContaining({ version: '18.1', rules: 2 })]);
    const md = renderMarkdown(report);
    expect(md).toContain('**Versions added:** 18.1 (4 techniques, 5 events, 7 rows, 2 detection rules)');
    expect(md).toContain('**Versions changed:** 17.1 (rules +1 / −1, 3 links regraded)');
  });
});

describe('diffArtifacts on data roots', () => {
  it('compares every version present in both, and lists versions added (compared with the previous one) and removed', async () => {
    const oldRoot = await tmp.make('diff-root-old-');
    const newRoot = await tmp.make('diff-root-new-');
    const v15 = baseSpec('15.1');
    const v17 = baseSpec('17.1');
    const v17b = clone(v17);
    v17b.techniques['T1059'] = 'Command Interpreter';
    const v18 = clone(v17);
    v18.version = '18.1';
    v18.techniques['T1680'] = 'Local Storage Discovery';
    v18.links.push(['T1680', 'Sysmon:1', 'Process Creation']);
    await writeRoot(oldRoot, [v15, v17]);
    await writeRoot(newRoot, [v17b, v18]);
    const report = diffArtifacts(await loadArtifacts(oldRoot, 'old'), await loadArtifacts(newRoot, 'new'));
    expect(report.kind).toBe('root');
    expect(report.changed).toBe(true);
    expect(report.versionsAdded.map((v) => v.version)).toEqual(['18.1']);
    expect(report.versionsRemoved.map((v) => v.version)).toEqual(['15.1']);
    expect(report.compared.map((d) => [d.newVersion, d.identical])).toEqual([['17.1', false]]);
    expect(report.compared[0]?.techniques.renamed).toEqual([{ id: 'T1059', oldName: 'Command and Scripting Interpreter', newName: 'Command Interpreter' }]);
    expect(report.releases.map((d) => [d.oldVersion, d.newVersion])).toEqual([['17.1', '18.1']]);
    expect(report.releases[0]?.techniques.added.map((t) => t.id)).toEqual(['T1680']);
    expect(report.otherFiles).toEqual([{ name: 'index.json', change: 'modified' }]);
    const md = renderMarkdown(report);
    expect(md).toContain('**Versions added:** 18.1');
    expect(md).toContain('**Versions removed:** 15.1');
    expect(md).toContain('ATT&CK 18.1: new, compared with 17.1');
    expect(md).toContain('ATT&CK 17.1: changed');
    expect(md).toContain('ATT&CK 15.1: removed');
  });

  it('compares two releases added at once each with its own predecessor', async () => {
    const oldRoot = await tmp.make('diff-root-two-old-');
    const newRoot = await tmp.make('diff-root-two-new-');
    const v18 = baseSpec('18.0');
    v18.techniques['T1678'] = 'Delay Execution';
    v18.links.push(['T1678', 'Sysmon:1', 'Process Creation']);
    const v181 = clone(v18);
    v181.version = '18.1';
    v181.techniques['T1680'] = 'Local Storage Discovery';
    v181.links.push(['T1680', 'Sysmon:1', 'Process Creation']);
    await writeRoot(oldRoot, [baseSpec('17.1')]);
    await writeRoot(newRoot, [baseSpec('17.1'), v181, v18]);
    const report = diffArtifacts(await loadArtifacts(oldRoot), await loadArtifacts(newRoot));
    expect(report.releases.map((d) => [d.oldVersion, d.newVersion, d.techniques.added.map((t) => t.id)])).toEqual([
      ['17.1', '18.0', ['T1678']],
      ['18.0', '18.1', ['T1680']],
    ]);
    expect(report.compared.map((d) => [d.newVersion, d.identical])).toEqual([['17.1', true]]);
  });

  it('says "No change." for two identical roots, and lists unchanged versions otherwise', async () => {
    const a = await tmp.make('diff-root-a-');
    const b = await tmp.make('diff-root-b-');
    await writeRoot(a, [baseSpec('17.1'), baseSpec('18.1')]);
    await writeRoot(b, [baseSpec('17.1'), baseSpec('18.1')]);
    const same = diffArtifacts(await loadArtifacts(a), await loadArtifacts(b));
    expect(same.changed).toBe(false);
    expect(same.compared.every((d) => d.identical)).toBe(true);
    expect(renderMarkdown(same)).toMatch(/\nNo change\.\n$/);
  });

  it('loads an empty data root (a base branch without data) and reports every version as added', async () => {
    const empty = await tmp.make('diff-root-empty-');
    await writeRoot(empty, []);
    const full = await tmp.make('diff-root-full-');
    await writeRoot(full, [baseSpec('17.1')]);
    const report = diffArtifacts(await loadArtifacts(empty), await loadArtifacts(full));
    expect(report.versionsAdded.map((v) => v.version)).toEqual(['17.1']);
    expect(renderMarkdown(report)).toContain('ATT&CK 17.1: new');
  });

  it('refuses to compare a version folder with a data root, and names folders that are neither', async () => {
    const root = await tmp.make('diff-root-kind-');
    await writeRoot(root, [baseSpec('17.1')]);
    const version = await loadArtifacts(path.join(root, 'enterprise-attack', '17.1'));
    expect(() => diffArtifacts(version, { ...version, kind: 'root' })).toThrow(DiffError);
    const notData = await tmp.make('diff-not-data-');
    await writeFile(path.join(notData, 'hello.txt'), 'hi');
    await expect(loadArtifacts(notData)).rejects.toThrow(LoadError);
    await rm(path.join(root, 'enterprise-attack', '17.1', 'techniques.json'));
    await expect(loadArtifacts(path.join(root, 'enterprise-attack', '17.1'))).rejects.toThrow(/techniques\.json: missing/);
  });
});

describe('the committed data, 17.1 → 18.1', () => {
  let report: ChangeReport;
  let md: string;
  beforeAll(async () => {
    const data = path.join(repoRoot, 'data', 'enterprise-attack');
    report = diffArtifacts(await loadArtifacts(path.join(data, '17.1')), await loadArtifacts(path.join(data, '18.1')));
    md = renderMarkdown(report);
  });

  it('has sensible numbers', () => {
    const d = report.compared[0] as VersionDiff;
    expect(report.changed).toBe(true);
    expect([d.oldVersion, d.newVersion]).toEqual(['17.1', '18.1']);
    // ATT&CK 18 added a handful of techniques and retired none of the Windows ones.
    expect(d.techniques.added.length).toBeGreaterThanOrEqual(5);
    expect(d.techniques.added.length).toBeLessThan(30);
    expect(d.techniques.added.map((t) => t.id)).toContain('T1680');
    expect(d.techniques.renamed.map((r) => r.id)).toContain('T1497.003');
    expect(d.counts.techniques.delta).toBe(d.techniques.added.length - d.techniques.removed.length);
    // Detection strategies rewired most techniques' events.
    expect(d.techniqueEvents.length).toBeGreaterThan(300);
    const gained = d.techniqueEvents.reduce((s, r) => s + r.gained.length, 0);
    expect(gained).toBeGreaterThan(1000);
    // 18 has components with IDs and no data sources: names carry over, IDs change.
    expect(d.dataComponents.changed.length).toBeGreaterThan(40);
    expect(d.dataComponents.changed.find((c) => c.name === 'Process Creation')?.new.id).toBe('DC0032');
    expect(d.counts.events.new).toBe(d.counts.events.old + d.events.added.length - d.events.removed.length);
  });

  it('renders counts first, then every section, readable within a GitHub comment', () => {
    const order = ['| Techniques |', '| Techniques with events |', '| Events |', '| Mapping rows |', '| Data components |', '#### Techniques:', '#### Events per technique:', '#### Techniques per event:', '#### Events:', '#### Data components:'];
    const at = order.map((s) => md.indexOf(s));
    expect(at.every((i) => i >= 0), `missing: ${order.filter((_, i) => (at[i] ?? -1) < 0).join(', ')}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toContain('… and ');
    expect(md.length).toBeLessThan(GITHUB_BODY_LIMIT);
  });

  it('fits a tight budget by shrinking the lists', () => {
    const small = renderMarkdown(report, { maxChars: 8000 });
    expect(small.length).toBeLessThanOrEqual(8000);
    const c = (report.compared[0] as VersionDiff).counts.techniques;
    expect(small).toContain(`| Techniques | ${c.old} | ${c.new} | +${c.delta} |`);
    expect(small).toContain('#### Events per technique:');
  });

  it('renders the site page for 17.1 → 18.1 with every row, links, and a generated-file note', () => {
    const d = report.compared[0] as VersionDiff;
    const page = renderVersionChanges('17.1', '18.1', d, { techniqueHref: (id, v) => `/${v}/techniques/${id}/` });
    expect(page.startsWith('<!-- Generated by scripts/diff')).toBe(true);
    expect(page).toContain('# What changed from ATT&CK 17.1 to 18.1');
    expect(page).toContain('[T1680](/18.1/techniques/T1680/)');
    expect(page).not.toContain('… and ');
    expect(page).not.toContain('Upstream sources');
    expect(page).not.toContain('<details>');
    for (const r of d.techniqueEvents) expect(page).toContain(`/${d.newVersion}/techniques/${r.id}/`);
    expect(() => renderVersionChanges('17.1', '18.0', report)).toThrow(/does not compare/);
    expect(renderVersionChanges('17.1', '18.1', report)).toBe(renderVersionChanges('17.1', '18.1', d));
  });
});

describe('consecutiveVersionDiffs', () => {
  it('pairs each version with the one before it, in version order', async () => {
    const root = await tmp.make('diff-consecutive-');
    await writeRoot(root, [baseSpec('9.0'), baseSpec('10.1'), baseSpec('8.2')]);
    const diffs = consecutiveVersionDiffs(await loadArtifacts(root));
    expect(diffs.map((d) => `${d.oldVersion}→${d.newVersion}`)).toEqual(['8.2→9.0', '9.0→10.1']);
    expect(diffs.every((d) => !d.identical && d.techniques.added.length === 0)).toBe(true);
    const page = renderVersionChanges('8.2', '9.0', diffs[0] as VersionDiff);
    expect(page).toContain('No technique, event or data component changed.');
    const loaded = await loadArtifacts(path.join(root, 'enterprise-attack', '9.0'));
    const [v9] = loaded.versions;
    if (!v9) throw new Error('9.0 not loaded');
    expect(diffVersions(v9, v9).identical).toBe(true);
  });
});

// In this process through diffCommand (the command's parsing, output and exit status); --check's exit status and GITHUB_OUTPUT as a real process.
describe('npm run diff', () => {
  const diff = (argv: string[]) => inProcess(diffCommand, argv);
  const cli = path.join(repoRoot, 'scripts', 'cli', 'diff.ts');
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

  it('prints Markdown, JSON with --json, and exits 1 with --check when the folders differ', async () => {
    const a = await tmp.make('diff-cli-a-');
    const b = await tmp.make('diff-cli-b-');
    await writeRoot(a, [baseSpec('17.1')]);
    const changed = baseSpec('17.1');
    changed.techniques['T1070'] = 'Renamed';
    await writeRoot(b, [changed]);
    const outputFile = path.join(await tmp.make('diff-cli-out-'), 'github_output');
    await writeFile(outputFile, '');

    const same = await run(tsx, [cli, a, a, '--check'], { env: { ...process.env, GITHUB_OUTPUT: outputFile } });
    expect(same.stdout).toContain('No change.');
    const md = await diff([a, b]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('| T1070 | Indicator Removal | Renamed |');
    const json = JSON.parse((await diff([a, b, '--json'])).stdout) as ChangeReport;
    expect(json.compared[0]?.techniques.renamed).toHaveLength(1);
    const check = await run(tsx, [cli, a, b, '--check'], { env: { ...process.env, GITHUB_OUTPUT: outputFile } }).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(check?.code).toBe(1);
    expect(check?.stdout).toContain('Techniques: 1 renamed');
    expect(check?.stderr).toMatch(/^error: .* differs from /m);
    expect(await readFile(outputFile, 'utf8')).toBe('changed=false\nchanged=true\n');
  });

  it('fails with one error line for a folder that is not artifacts', async () => {
    const a = await tmp.make('diff-cli-bad-');
    const e = await diff([a, path.join(a, 'missing')]);
    expect(e.code).toBe(1);
    expect(e.stdout).toBe('');
    expect(e.stderr).toMatch(/^error: .*missing: no such folder[^\n]*\n$/);
  });

  it('compares the committed 17.1 folder with a copy of itself as "No change."', async () => {
    const copy = path.join(await tmp.make('diff-cli-copy-'), '17.1');
    await cp(path.join(repoRoot, 'data', 'enterprise-attack', '17.1'), copy, { recursive: true });
    const { code, stdout } = await diff([path.join(repoRoot, 'data', 'enterprise-attack', '17.1'), copy]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nNo change\.\n$/);
  });
});
