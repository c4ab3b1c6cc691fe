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
import { CONFIG_FIXTURE as DATA, CONFIG_FIXTURE_DETAILS as DETAILS } from './fixture.ts';

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
    expect(r.totals).toEqual({ seen: 1, partial: 2, mapped: 12, total: 14 });
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
    const details = DETAILS.map((d) => (d.key === 'Security:4625' ? { ...d, auditSubcategory: 'Logon' } : d));
    const r2 = computeConfigCoverage(DATA, details, { auditpol: [logonSuccess], events: ['Sysmon:1', 'Sysmon:10', 'Sysmon:13', 'Sysmon:16', 'PowerShell:4104', 'System:7045'] }, { top: 2 });
    expect(r2.advice).toHaveLength(1);
    expect(r2.advice[0]).toMatchObject({ id: 'audit:Logon', title: 'turn on audit subcategory Logon (failure)', commands: ['auditpol /set /subcategory:"Logon" /failure:enable'], adds: ['T1110'] });
  });

  it('filtered Sysmon types come back as "log all" after everything that adds new techniques', () => {
    const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY], events: ['Sysmon:1', 'Security:4625', 'Sysmon:13', 'PowerShell:4104', 'Security:1102'] }, { top: 10 });
    expect(r.advice.map((a) => [a.id, a.adds, a.upgrades])).toEqual([
      ['event:System:7045', ['T1543.003'], []],
      ['sysmon:ProcessAccess', [], ['T1003.001', 'T1055']],
    ]);
    expect(r.advice[0]).toMatchObject({ kind: 'event', title: 'collect event System:7045', commands: [] });
    expect(r.advice[1]).toMatchObject({ title: 'log all Sysmon ProcessAccess events (now filtered by include rules)', sysmonMode: 'unfilter', seenAfter: 12 });
  });

  it('top 0 gives no advice; Markdown and CSV show advice, commands and partial counts', () => {
    expect(computeConfigCoverage(DATA, DETAILS, { events: ['Sysmon:1'] }, { top: 0 }).advice).toEqual([]);
    const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY] }, { top: 3 });
    const md = configToMarkdown(r);
    expect(md).toContain('**1** of 12 techniques with a mapped Windows event are seen (8.3%), **2** more only partially');
    expect(md).toContain('| Credential Access (TA0006) | 0 | 1 | 2 | 2 | 0.0% | 50.0% |');
    expect(md).toContain('### 1. log Sysmon event type ProcessCreate (+3 techniques; 4 seen after, 33.3%)');
    expect(md).toContain(`\`\`\`xml\n${SNIPPET('ProcessCreate')}\n\`\`\``);
    expect(md).toContain('### 2. turn on audit subcategory Account Lockout (failure)');
    expect(md).toContain('```\nauditpol /set /subcategory:"Account Lockout" /failure:enable\n```');
    expect(md).toContain('## Techniques seen only partially (2)');
    const rows = configCsvRecords(r);
    expect(rows.filter((x) => x.section === 'advice').map((x) => x.command)).toEqual([SNIPPET('ProcessCreate'), 'auditpol /set /subcategory:"Account Lockout" /failure:enable', SNIPPET('RegistryEvent')]);
    expect(rows.find((x) => x.section === 'event' && x.id === 'Sysmon:10')).toMatchObject({ status: 'partial' });
    expect(rows.find((x) => x.section === 'total')).toMatchObject({ seen: '1', partial: '2', mapped: '12', all: '14' });
    expect(JSON.parse(formatConfigReport(r, 'json'))).toMatchObject({ totals: { seen: 1, partial: 2 } });
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

describe('layers', () => {
  const r = computeConfigCoverage(DATA, DETAILS, { sysmon: [LSASS_ONLY], events: ['Security:4688'] }, { top: 3 });

  it('the current state: seen 1, partial 0.5, not seen 0, valid against the layer schema', () => {
    const layer = buildConfigLayer(DATA, r);
    expect(validateLayer(layer)).toEqual([]);
    const score = (id: string) => layer.techniques.filter((t) => t.techniqueID === id).map((t) => t.score);
    expect(score('T1059')).toEqual([1]);
    expect(score('T1003.001')).toEqual([0.5]);
    expect(score('T1055')).toEqual([0.5, 0.5]);
    expect(score('T1110')).toEqual([0]);
    expect(layer.techniques.find((t) => t.techniqueID === 'T1560')?.enabled).toBe(false);
    expect(layer.gradient).toEqual({ colors: ['#ff6666', '#ffd966', '#8ec843'], minValue: 0, maxValue: 1 });
    expect(layer.legendItems.map((l) => l.label)).toContain('partial (filtered Sysmon event types only)');
  });

  it('the diff: what the top recommendations add, scored by rank', () => {
    const layer = buildAdviceDiffLayer(DATA, r, { top: 2 });
    expect(validateLayer(layer)).toEqual([]);
    const first = r.advice[0];
    const second = r.advice[1];
    expect(first && second).toBeTruthy();
    const ids = [...new Set(layer.techniques.map((t) => t.techniqueID))].sort();
    expect(ids).toEqual([...new Set([...(first?.adds ?? []), ...(first?.upgrades ?? []), ...(second?.adds ?? []), ...(second?.upgrades ?? [])])].sort());
    for (const t of layer.techniques) expect([1, 2]).toContain(t.score);
    expect(layer.name).toBe('Coverage added by the top 2 recommendation(s) (ATT&CK 42.1)');
  });
});
