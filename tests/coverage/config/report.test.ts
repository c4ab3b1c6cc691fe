/** Collection from combined inputs, partial coverage, ranked advice with its commands, presets, layers. */
import { describe, expect, it } from 'vitest';
import {
  auditPolicyFrom,
  buildAdviceDiffLayer,
  buildConfigLayer,
  computeConfigCoverage,
  configCsvRecords,
  configToMarkdown,
  CoverageError,
  formatConfigReport,
  parseSysmonConfig,
  presetPolicy,
  presetSettings,
  validateLayer,
} from '../../../scripts/coverage/index.ts';
import { navigatorProblems } from '../navigator.ts';
import { CONFIG_FIXTURE as DATA, CONFIG_FIXTURE_DETAILS as DETAILS, withGrades, withSubcategory } from './fixture.ts';

const sysmon = (body: string) => parseSysmonConfig(`<Sysmon schemaversion="4.90"><EventFiltering>${body}</EventFiltering></Sysmon>`, 'cfg.xml');
const LSASS_ONLY = sysmon('<RuleGroup name="" groupRelation="or"><ProcessAccess onmatch="include"><TargetImage condition="end with">\\lsass.exe</TargetImage></ProcessAccess></RuleGroup><RuleGroup name="" groupRelation="or"><ProcessCreate onmatch="include"/></RuleGroup>');

describe('collection from combined inputs', () => {
  it('names the input behind each event; filtered Sysmon types are partial; an unfiltered input wins', () => {
    const audit = auditPolicyFrom('a.csv', [{ subcategory: 'Logon', success: true, failure: false }]);
    const r = computeConfigCoverage(DATA, DETAILS, { events: ['Sysmon:10'], auditpol: [audit], sysmon: [LSASS_ONLY] }, { top: 0 });
    const byKey = new Map(r.events.map((e) => [e.key, e]));
    expect([...byKey.keys()]).toEqual(['Security:1102', 'Security:4624', 'Sysmon:10', 'Sysmon:16']);
    expect(byKey.get('Security:4624')?.sources).toEqual([{ input: 'auditpol', source: 'a.csv', detail: 'Logon: Success', partial: false }]);
    expect(byKey.get('Security:1102')?.sources[0]?.detail).toMatch(/whatever the audit policy/);
    // Sysmon:10 is filtered by the configuration but listed in --events: full, both inputs named.
    expect(byKey.get('Sysmon:10')).toMatchObject({ status: 'full' });
    expect(byKey.get('Sysmon:10')?.sources.map((s) => [s.input, s.partial])).toEqual([
      ['events', false],
      ['sysmon', true],
    ]);
    expect(byKey.get('Sysmon:16')?.sources[0]?.detail).toMatch(/always written/);
    // ProcessCreate has an empty include rule: not logged; Logon success only: 4625 (failure) not collected.
    expect(byKey.has('Sysmon:1')).toBe(false);
    expect(byKey.has('Security:4625')).toBe(false);
  });

  it('partial techniques are counted apart, per tactic, and never as seen', () => {
    const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY] }, { top: 0 });
    expect(r.events.find((e) => e.key === 'Sysmon:10')?.status).toBe('partial');
    expect(r.partial.map((t) => [t.id, t.via])).toEqual([
      ['T1003.001', ['Sysmon:10']],
      ['T1055', ['Sysmon:10']],
    ]);
    expect(r.seen.map((t) => t.id)).toEqual(['T1562.006']);
    expect(r.totals).toEqual({ seen: 1, confirmed: 0, named: 0, related: 1, partial: 2, mapped: 12, total: 14 });
    expect(r.tactics.find((t) => t.shortname === 'credential-access')).toMatchObject({ seen: 0, partial: 1, mapped: 2 });
    expect(r.tactics.find((t) => t.shortname === 'defense-evasion')).toMatchObject({ seen: 1, partial: 1 });
  });

  it('failure-only and both-outcome events follow the audited outcome; extra subcategories count', () => {
    const failOnly = auditPolicyFrom('f', [{ subcategory: 'Account Lockout', success: false, failure: true }]);
    expect(computeConfigCoverage(DATA, DETAILS, { auditpol: [failOnly] }, { top: 0 }).events.map((e) => e.key)).toEqual(['Security:1102', 'Security:4625']);
    const logonFailure = auditPolicyFrom('l', [{ subcategory: 'Logon', success: false, failure: true }]);
    expect(computeConfigCoverage(DATA, DETAILS, { auditpol: [logonFailure] }, { top: 0 }).events.map((e) => e.key)).toEqual(['Security:1102', 'Security:4625']);
    // 4663 is Kernel Object in the artifacts; File System also writes it.
    const fs = auditPolicyFrom('fs', [{ subcategory: 'File System', success: true, failure: false }]);
    const r = computeConfigCoverage(DATA, DETAILS, { auditpol: [fs] }, { top: 0 });
    expect(r.events.find((e) => e.key === 'Security:4663')?.sources[0]?.detail).toBe('File System: Success');
  });

  it('needs at least one input', () => {
    expect(() => computeConfigCoverage(DATA, DETAILS, {})).toThrow(CoverageError);
    expect(() => computeConfigCoverage(DATA, DETAILS, { events: ['Nope:1'] })).toThrow(/no event Nope:1 in ATT&CK 42\.1/);
  });
});

describe('advice', () => {
  const SNIPPET = (e: string): string => `<Sysmon schemaversion="4.90"><EventFiltering><RuleGroup name="" groupRelation="or"><${e} onmatch="exclude"/></RuleGroup></EventFiltering></Sysmon>`;

  it('ranks actionable units greedily, with the events behind them and their exact commands', () => {
    const r = computeConfigCoverage(DATA, DETAILS, { events: ['System:7045'] }, { top: 20 });
    expect(r.advice.map((a) => [a.rank, a.id, a.adds, a.events.map((e) => e.key), a.seenAfter])).toEqual([
      [1, 'sysmon:ProcessCreate', ['T1053.005', 'T1059', 'T1204'], ['Sysmon:1'], 4],
      // 4625 is failure-only; Account Lockout (its subcategory in the artifacts) wins the tie with Logon.
      [2, 'audit:Account Lockout', ['T1078', 'T1110'], ['Security:4625'], 6],
      [3, 'sysmon:ProcessAccess', ['T1003.001', 'T1055'], ['Sysmon:10'], 8],
      [4, 'sysmon:RegistryEvent', ['T1547.001'], ['Sysmon:13'], 9],
      [5, 'switch:powershell-script-block-logging', ['T1059.001'], ['PowerShell:4104'], 10],
      [6, 'switch:security-log', ['T1070.001'], ['Security:1102'], 11],
      [7, 'switch:sysmon-service', ['T1562.006'], ['Sysmon:16'], 12],
    ]);
    const [a1, a2, , , a5] = r.advice;
    expect(a1).toMatchObject({ kind: 'sysmon-event-type', title: 'log Sysmon event type ProcessCreate', element: 'ProcessCreate', sysmonMode: 'enable', snippet: SNIPPET('ProcessCreate') });
    expect(a2).toMatchObject({
      kind: 'audit-subcategory',
      title: 'turn on audit subcategory Account Lockout (failure)',
      commands: ['auditpol /set /subcategory:"Account Lockout" /failure:enable'],
      subcategory: { name: 'Account Lockout', guid: '{0CCE9217-69AE-11D9-BED3-505054503030}', category: 'Logon/Logoff' },
      success: false,
      failure: true,
    });
    expect(a2?.gpo).toMatch(/Advanced Audit Policy Configuration > System Audit Policies > Logon\/Logoff > Audit Account Lockout: Failure$/);
    expect(a5?.commands).toEqual(['reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f']);
    // Per-event advice only where no coarser switch exists; System:7045 is listed, so none here.
    expect(r.advice.some((a) => a.kind === 'event')).toBe(false);
  });

  it('audit subcategories come first on ties; only the outcomes that add something are enabled', () => {
    // Both Process Creation (4688) and nothing else add T1053.005 / T1059 once Sysmon:1 is listed.
    const r = computeConfigCoverage(DATA, DETAILS, { events: ['Sysmon:1', 'Sysmon:10', 'Sysmon:13', 'Sysmon:16', 'PowerShell:4104', 'System:7045', 'Security:1102'] }, { top: 5 });
    expect(r.advice.map((a) => a.title)).toEqual(['turn on audit subcategory Account Lockout (failure)']);
    const logonSuccess = auditPolicyFrom('a', [{ subcategory: 'Logon', success: true, failure: false }]);
    const details = DETAILS.map((d) => (d.key === 'Security:4625' ? withSubcategory(d, 'Logon') : d));
    const r2 = computeConfigCoverage(DATA, details, { auditpol: [logonSuccess], events: ['Sysmon:1', 'Sysmon:10', 'Sysmon:13', 'Sysmon:16', 'PowerShell:4104', 'System:7045'] }, { top: 2 });
    expect(r2.advice).toHaveLength(1);
    expect(r2.advice[0]).toMatchObject({ id: 'audit:Logon', title: 'turn on audit subcategory Logon (failure)', commands: ['auditpol /set /subcategory:"Logon" /failure:enable'], adds: ['T1110'] });
  });

  it('filtered Sysmon types come back as "log all": partial techniques made fully seen gain like new ones', () => {
    const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY], events: ['Sysmon:1', 'Security:4625', 'Sysmon:13', 'PowerShell:4104', 'Security:1102'] }, { top: 10 });
    // Two related techniques (partial → seen) beat one new related technique.
    expect(r.advice.map((a) => [a.id, a.adds, a.upgrades, a.gained.related])).toEqual([
      ['sysmon:ProcessAccess', [], ['T1003.001', 'T1055'], ['T1003.001', 'T1055']],
      ['event:System:7045', ['T1543.003'], [], ['T1543.003']],
    ]);
    expect(r.advice[0]).toMatchObject({ title: 'log all Sysmon ProcessAccess events (now filtered by include rules)', sysmonMode: 'unfilter', seenAfter: 11 });
    expect(r.advice[1]).toMatchObject({ kind: 'event', title: 'collect event System:7045', commands: [], seenAfter: 12 });
  });

  it('top 0 gives no advice; Markdown and CSV show advice, commands and partial counts', () => {
    expect(computeConfigCoverage(DATA, DETAILS, { events: ['Sysmon:1'] }, { top: 0 }).advice).toEqual([]);
    const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY] }, { top: 3 });
    const md = configToMarkdown(r);
    expect(md).toContain(
      '**0** of 12 techniques with a mapped Windows event have a collected event mapped to them by a confirmed or named link (0.0%): 0 confirmed, 0 named. ' +
        '1 more only related (through a data component): 1 at any grade (8.3%). **2** more only partially, through Sysmon event types filtered by include rules (not counted).',
    );
    expect(md).toContain('| Tactic | Confirmed | Named | Related | Partial | Mapped | All | Confirmed + named / mapped | Any grade / mapped |');
    expect(md).toContain('| Credential Access (TA0006) | 0 | 0 | 0 | 1 | 2 | 2 | 0.0% | 0.0% |');
    expect(md).toContain('### 1. log Sysmon event type ProcessCreate (+3 related; 3 new techniques; 0 confirmed + named after, 0.0%; 4 seen)');
    expect(md).toContain(`\`\`\`xml\n${SNIPPET('ProcessCreate')}\n\`\`\``);
    expect(md).toContain('### 2. turn on audit subcategory Account Lockout (failure)');
    expect(md).toContain('```\nauditpol /set /subcategory:"Account Lockout" /failure:enable\n```');
    expect(md).toContain('## Techniques seen only partially (2)');
    const rows = configCsvRecords(r);
    expect(rows.filter((x) => x.section === 'advice').map((x) => x.command)).toEqual([SNIPPET('ProcessCreate'), 'auditpol /set /subcategory:"Account Lockout" /failure:enable', SNIPPET('ProcessAccess')]);
    expect(rows.find((x) => x.section === 'event' && x.id === 'Sysmon:10')).toMatchObject({ status: 'partial' });
    expect(rows.find((x) => x.section === 'total')).toMatchObject({ grade: 'related', seen: '1', confirmed: '0', named: '0', related: '1', partial: '2', mapped: '12', all: '14' });
    expect(rows.find((x) => x.section === 'advice')).toMatchObject({ confirmed: '0', named: '0', related: '3', adds: '3' });
    expect(JSON.parse(formatConfigReport(r, 'json'))).toMatchObject({ minGrade: 'related', totals: { seen: 1, related: 1, partial: 2 } });
  });
});

describe('presets', () => {
  it('derive per-subcategory defaults from OSSEM votes, Microsoft\'s table where OSSEM is silent', () => {
    const client = presetSettings(DETAILS, 'windows-default-client');
    const server = presetSettings(DETAILS, 'windows-default-server');
    const get = (ps: typeof client, n: string) => ps.find((p) => p.subcategory.name === n);
    expect(get(client, 'Logon')).toMatchObject({ success: true, failure: false, from: 'ossem', evidence: ['4624: Success'] });
    expect(get(server, 'Logon')).toMatchObject({ success: true, failure: true, from: 'ossem' });
    expect(get(client, 'Process Creation')).toMatchObject({ success: false, failure: false, from: 'ossem' });
    expect(get(client, 'Special Logon')).toMatchObject({ success: true, failure: false, from: 'microsoft' });
    // Client: 4625 (failure only) is not written by Logon Success + Account Lockout Success; server: Logon failure writes it.
    const keys = (p: 'windows-default-client' | 'windows-default-server') => computeConfigCoverage(DATA, DETAILS, { presets: [presetPolicy(DETAILS, p)] }, { top: 0 }).events.map((e) => e.key);
    expect(keys('windows-default-client')).toEqual(['Security:1102', 'Security:4624']);
    expect(keys('windows-default-server')).toEqual(['Security:1102', 'Security:4624', 'Security:4625']);
  });
});

describe('grades', () => {
  // Sysmon:1 confirms T1059 (3 rules) and names T1204; Security:4688 confirms T1053.005 and T1059 (1 rule);
  // Sysmon:10 confirms T1003.001 (5 rules); Security:4625 names T1110; everything else is related.
  const GRADED = withGrades({
    'Sysmon:1': { T1059: ['confirmed', 3], T1204: ['named'] },
    'Security:4688': { 'T1053.005': ['confirmed', 2], T1059: ['confirmed', 1] },
    'Sysmon:10': { 'T1003.001': ['confirmed', 5] },
    'Security:4625': { T1110: ['named'] },
  });

  it('counts seen techniques per grade, per tactic; partial ones keep the grade of their partial links', () => {
    const r = computeConfigCoverage(GRADED, DETAILS, { events: ['Sysmon:1', 'Security:4625'], sysmon: [LSASS_ONLY] }, { top: 0 });
    // Seen: T1059 confirmed; T1110, T1204 named; T1053.005 (only Sysmon:1, related), T1078, T1562.006 related.
    expect(r.totals).toEqual({ seen: 6, confirmed: 1, named: 2, related: 3, partial: 2, mapped: 12, total: 14 });
    expect(r.seen.find((t) => t.id === 'T1059')).toMatchObject({ grade: 'confirmed', rules: 3, via: ['Sysmon:1'] });
    expect(r.partial.find((t) => t.id === 'T1003.001')).toMatchObject({ grade: 'confirmed', best: 'confirmed', via: ['Sysmon:10'] });
    expect(r.tactics.find((t) => t.shortname === 'execution')).toMatchObject({ confirmed: 1, named: 1, related: 1, seen: 3 });
    expect(r.events.find((e) => e.key === 'Sysmon:1')?.grades).toEqual({ confirmed: 1, named: 1, related: 1 });
  });

  it('advice gains the most confirmed techniques first, even over more new ones; a stronger grade is a gain', () => {
    const r = computeConfigCoverage(GRADED, DETAILS, { events: ['Sysmon:1', 'Security:4625'] }, { top: 10 });
    // Process Creation confirms T1053.005 (T1059 is already confirmed); ProcessAccess confirms T1003.001 and adds T1055
    // (related): 1 confirmed + 1 related beats 1 confirmed. Process Creation, though it adds no new technique, comes
    // before every unit that adds one related technique.
    expect(r.advice.map((a) => [a.id, a.gained.confirmed, a.gained.named, a.gained.related])).toEqual([
      ['sysmon:ProcessAccess', ['T1003.001'], [], ['T1055']],
      ['audit:Process Creation', ['T1053.005'], [], []],
      ['sysmon:RegistryEvent', [], [], ['T1547.001']],
      ['switch:powershell-script-block-logging', [], [], ['T1059.001']],
      ['switch:security-log', [], [], ['T1070.001']],
      ['switch:sysmon-service', [], [], ['T1562.006']],
      ['event:System:7045', [], [], ['T1543.003']],
    ]);
    const pc = r.advice.find((a) => a.id === 'audit:Process Creation');
    // T1053.005 was seen through Sysmon:1 (related): not new, but confirmed now.
    expect(pc).toMatchObject({ adds: [], upgrades: [], gained: { confirmed: ['T1053.005'], named: [], related: [] }, events: [{ key: 'Security:4688', name: 'A new process has been created.', techniques: ['T1053.005'] }] });
    expect(pc?.after.confirmed).toBe(3);
    for (let i = 1; i < r.advice.length; i++) {
      const [a, b] = [r.advice[i - 1]!, r.advice[i]!];
      const ga = [a.gained.confirmed.length, a.gained.named.length, a.gained.related.length];
      const gb = [b.gained.confirmed.length, b.gained.named.length, b.gained.related.length];
      const d = ga.findIndex((x, j) => x !== gb[j]);
      if (d >= 0) expect(gb[d], b.id).toBeLessThan(ga[d]!);
    }
  });

  it('a failure outcome is asked for when it gives a stronger grade than the success side', () => {
    // Logon: 4624 (success) relates T1078; 4625 (failure) names T1110 and confirms T1078.
    const graded = withGrades({ 'Security:4625': { T1078: ['confirmed', 2], T1110: ['named'] } });
    const details = DETAILS.map((d) => (d.key === 'Security:4625' ? withSubcategory(d, 'Logon') : d));
    const r = computeConfigCoverage(graded, details, { events: ['Sysmon:1'] }, { top: 1 });
    expect(r.advice[0]).toMatchObject({ id: 'audit:Logon', success: true, failure: true, gained: { confirmed: ['T1078'], named: ['T1110'], related: [] } });
  });

  it('--min-grade named leaves related links out of the counts and the advice', () => {
    const r = computeConfigCoverage(GRADED, DETAILS, { events: ['Sysmon:1', 'Security:4625'], sysmon: [LSASS_ONLY] }, { top: 10, minGrade: 'named' });
    expect(r.minGrade).toBe('named');
    expect(r.totals).toEqual({ seen: 3, confirmed: 1, named: 2, related: 0, partial: 1, mapped: 5, total: 14 });
    expect(r.advice.every((a) => a.gained.related.length === 0)).toBe(true);
    // Both confirm one technique; Process Creation's is new (Sysmon:1's related link does not count), ProcessAccess's was partial.
    expect(r.advice.map((a) => [a.id, a.adds, a.upgrades])).toEqual([
      ['audit:Process Creation', ['T1053.005'], []],
      ['sysmon:ProcessAccess', [], ['T1003.001']],
    ]);
    expect(r.convention).toMatch(/--min-grade named/);
    const md = configToMarkdown(r);
    expect(md).toContain('Only links of grade named or better count here (--min-grade named).');
    expect(md).toContain('| Tactic | Confirmed | Named | Partial | Mapped | All | Confirmed + named / mapped |');
  });
});

describe('layers', () => {
  const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY], events: ['Security:4688'] }, { top: 3 });
  const GRADED = withGrades({ 'Security:4688': { T1059: ['confirmed', 2] }, 'Sysmon:1': { T1204: ['named'] }, 'Sysmon:10': { 'T1003.001': ['confirmed', 5] } });
  const graded = computeConfigCoverage(GRADED, DETAILS, { sysmon: [LSASS_ONLY], events: ['Security:4688'] }, { top: 3 });

  it('the current state: scored by grade (confirmed 3, named 2, related 1), partial 0.5 in its own colour, not seen 0; valid and as the Navigator reads it', () => {
    const layer = buildConfigLayer(GRADED, graded);
    expect(validateLayer(layer)).toEqual([]);
    expect(navigatorProblems(layer, GRADED)).toEqual([]);
    const score = (id: string) => layer.techniques.filter((t) => t.techniqueID === id).map((t) => t.score);
    expect(score('T1059')).toEqual([3]);
    expect(score('T1053.005')).toEqual([1, 1]);
    expect(score('T1003.001')).toEqual([0.5]);
    expect(layer.techniques.find((t) => t.techniqueID === 'T1003.001')).toMatchObject({ color: '#ffd966', comment: 'Partial: only filtered Sysmon event types: Sysmon:10 (confirmed, 5 rules).' });
    expect(score('T1055')).toEqual([0.5, 0.5]);
    expect(score('T1110')).toEqual([0]);
    expect(layer.techniques.find((t) => t.techniqueID === 'T1560')?.enabled).toBe(false);
    // T1053.005 is scored: T1053 opens under both its tactics.
    expect(layer.techniques.filter((t) => t.techniqueID === 'T1053').map((t) => [t.tactic, t.showSubtechniques])).toEqual([
      ['execution', true],
      ['persistence', true],
    ]);
    expect(layer.gradient).toEqual({ colors: ['#ff6666', '#a6d96a', '#66bd63', '#1a9850'], minValue: 0, maxValue: 3 });
    // No named technique is collected here: no named entry in the legend.
    expect(layer.legendItems.map((l) => l.label)).toEqual([
      'confirmed (3): a detection rule uses a collected event',
      'related (1): a collected event, only through a data component',
      'partial (0.5): only filtered Sysmon event types',
      'mapped, not collected (0)',
    ]);
    expect(layer.description).not.toMatch(/preset preset|\b1 events\b/);
  });

  it('inputs are named once in descriptions (no "preset preset")', () => {
    const p = computeConfigCoverage(DATA, DETAILS, { presets: [presetPolicy(DETAILS, 'windows-default-client')] }, { top: 2 });
    for (const l of [buildConfigLayer(DATA, p), buildAdviceDiffLayer(DATA, p)]) {
      expect(l.description).toContain('preset windows-default-client');
      expect(l.description).not.toContain('preset preset');
    }
  });

  it('the diff: what the top recommendations gain, scored by the grade it ends at, highest first', () => {
    const layer = buildAdviceDiffLayer(GRADED, graded, { top: 2 });
    expect(validateLayer(layer)).toEqual([]);
    expect(navigatorProblems(layer, GRADED)).toEqual([]);
    expect(layer.sorting).toBe(3);
    const [first, second] = graded.advice;
    expect(first && second).toBeTruthy();
    const gainedIds = [first!, second!].flatMap((a) => [...a.gained.confirmed, ...a.gained.named, ...a.gained.related]);
    const scored = layer.techniques.filter((t) => t.score !== undefined);
    expect([...new Set(scored.map((t) => t.techniqueID))].sort()).toEqual([...new Set(gainedIds)].sort());
    const want = new Map<string, number>();
    for (const a of [first!, second!]) for (const [g, n] of [['confirmed', 3], ['named', 2], ['related', 1]] as const) for (const id of a.gained[g]) want.set(id, n);
    for (const t of scored) expect(t.score, t.techniqueID).toBe(want.get(t.techniqueID));
    const t1003 = layer.techniques.find((t) => t.techniqueID === 'T1003.001');
    expect(t1003).toMatchObject({ score: 3, comment: 'partial → confirmed with recommendation 1: log all Sysmon ProcessAccess events (now filtered by include rules) (Sysmon:10 (5 rules)).' });
    expect(layer.name).toBe('Coverage added by the top 2 recommendations (ATT&CK 42.1)');
    expect(buildAdviceDiffLayer(GRADED, graded, { top: 1 }).name).toBe('Coverage added by the first recommendation (ATT&CK 42.1)');
  });

  it('ungraded data still gives valid layers', () => {
    for (const l of [buildConfigLayer(DATA, r), buildAdviceDiffLayer(DATA, r, { top: 2 })]) {
      expect(validateLayer(l)).toEqual([]);
      expect(navigatorProblems(l, DATA)).toEqual([]);
    }
  });
});
