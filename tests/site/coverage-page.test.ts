/**
 * The coverage page without a browser: its view model (scripts/pages/coverage.ts), the state
 * helpers the browser script runs (presets, #events= fragment), and the browser bundle itself.
 */
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { computeCoverage, eventCatalog, versionDataFromJson } from '../../scripts/coverage/index.ts';
import { decodeHash, encodeHash, isAuditPreset, presetEvents, presetKeys } from '../../scripts/pages/browser/coverage-state.ts';
import { bundleCoverageApp } from '../../scripts/pages/bundle.ts';
import { buildSite } from '../../scripts/pages/site.ts';
import type { CoverageView, PageMeta, VersionInput } from '../../scripts/pages/types.ts';
import { EVIL_EVENT_NAME, fixtureInput } from './fixture.ts';

function coverageView(file: string): PageMeta & { view: CoverageView } {
  const r = buildSite(fixtureInput()).records.find((x) => x.path === file);
  if (!r) throw new Error(`no ${file}`);
  return r.record as PageMeta & { view: CoverageView };
}

const versionData = (v: VersionInput) => versionDataFromJson({ techniques: { attackVersion: v.version, techniques: v.techniques }, events: { attackVersion: v.version, events: v.events }, tactics: { attackVersion: v.version, tactics: v.tactics } });

describe('coverage page view', () => {
  it('is built for every version, reading that version’s published JSON', () => {
    const root = coverageView('coverage/latest/index.md');
    expect(root.permalink).toBe('/coverage/');
    // Its own slim data file, not the published techniques.json.
    expect(root.view.data).toBe('/assets/coverage/2.0.json');
    expect(root.view.script).toBe('/assets/coverage.js');
    expect(root.view.eventBase).toBe('/events/');
    expect(root.view.techniqueBase).toBe('/techniques/');
    const old = coverageView('coverage/v1.0/index.md');
    expect(old.permalink).toBe('/v/1.0/coverage/');
    expect(old.view.data).toBe('/assets/coverage/1.0.json');
    expect(old.view.eventBase).toBe('/v/1.0/events/');
    expect(old.view.techniqueBase).toBe('/v/1.0/techniques/');
    expect(old.versions.map((l) => l.url)).toEqual(['/coverage/', '/v/1.0/coverage/']);
  });

  it('groups the events by log for the fieldsets, names kept as data (the layout escapes them)', () => {
    const v = coverageView('coverage/latest/index.md').view;
    expect(v.logs.map((l) => [l.log, l.events.map((e) => e.key)])).toEqual([
      ['Security', ['Security:4688']],
      ['Sysmon', ['Sysmon:1']],
    ]);
    expect(v.logs[1]?.events[0]).toEqual({ key: 'Sysmon:1', eventId: '1', name: EVIL_EVENT_NAME, inputId: 'ev-sysmon-1' });
    expect(v.presets.map((p) => [p.id, p.kind])).toEqual([
      ['windows-default-client', 'audit'],
      ['windows-default-server', 'audit'],
      ['sysmon', 'ticks'],
      ['security-sysmon-powershell', 'ticks'],
      ['clear', 'clear'],
    ]);
  });

  it('starts the table from the figures computeCoverage gives (mapped and all do not depend on the ticks)', () => {
    const input = fixtureInput();
    const v2 = input.versions[1] as VersionInput;
    const report = computeCoverage(versionData(v2), ['Sysmon:1']);
    const view = coverageView('coverage/latest/index.md').view;
    expect(view.tactics.map((t) => [t.id, t.mapped, t.total])).toEqual(report.tactics.map((t) => [t.id, t.mapped, t.total]));
    expect(view.totals).toEqual({ mapped: report.totals.mapped, total: report.totals.total });
    expect(view.tactics[0]?.url).toBe('/tactics/TA0002/');
  });
});

describe('coverage page state', () => {
  const events = presetEvents({
    events: [
      { key: 'Security:4624', log: 'Security', clientDefault: 'Success' },
      { key: 'Security:4688', log: 'Security' },
      { key: 'Sysmon:1', log: 'Sysmon' },
      { key: 'PowerShell:4104', log: 'PowerShell' },
      { key: 'System:7045' },
      'not an event',
    ],
  });

  it('reads the key and log of each event of events.json, missing fields as empty', () => {
    expect(events).toHaveLength(5);
    expect(events[4]).toEqual({ key: 'System:7045', log: '' });
    expect(presetEvents(null)).toEqual([]);
  });

  it('tells the audit policy presets (the CLI’s --preset names) from the presets that tick events', () => {
    expect(isAuditPreset('windows-default-client')).toBe(true);
    expect(isAuditPreset('windows-default-server')).toBe(true);
    expect(isAuditPreset('client')).toBe(false);
    expect(isAuditPreset('sysmon')).toBe(false);
    expect(presetKeys(events, 'sysmon')).toEqual(['Sysmon:1']);
    expect(presetKeys(events, 'security-sysmon-powershell')).toEqual(['Security:4624', 'Security:4688', 'Sysmon:1', 'PowerShell:4104']);
    expect(presetKeys(events, 'clear')).toEqual([]);
  });

  it('writes the ticks into #events= and reads them back, as the CLI reads --events', () => {
    const v2 = fixtureInput().versions[1] as VersionInput;
    const catalog = eventCatalog(versionData(v2));
    expect(encodeHash(['Security:4688', 'Sysmon:1'])).toBe('#events=Security:4688,Sysmon:1');
    expect(encodeHash([])).toBe('');
    expect(encodeHash(['Microsoft-Windows-SMBClient/Security:31001'])).toBe('#events=Microsoft-Windows-SMBClient%2FSecurity:31001');
    expect(decodeHash('#events=Security:4688,Sysmon:1', catalog)).toEqual({ keys: ['Security:4688', 'Sysmon:1'], preset: null, minGrade: 'related', problems: [] });
    expect(decodeHash('#events=sysmon:1,%20security:4688,,Sysmon:1', catalog)).toEqual({ keys: ['Sysmon:1', 'Security:4688'], preset: null, minGrade: 'related', problems: [] });
    const bad = decodeHash('#events=Security:9999,4688,%E0%A4%A', catalog);
    expect(bad?.keys).toEqual([]);
    expect(bad?.problems).toHaveLength(3);
    expect(bad?.problems[0]).toMatch(/no event Security:9999/);
    expect(decodeHash('', catalog)).toBeNull();
    expect(decodeHash('#section-2', catalog)).toBeNull();
  });

  it('carries the audit preset in the address beside the ticks (the configuration files never)', () => {
    const v2 = fixtureInput().versions[1] as VersionInput;
    const catalog = eventCatalog(versionData(v2));
    expect(encodeHash([], 'windows-default-client')).toBe('#preset=windows-default-client');
    expect(encodeHash(['Sysmon:1'], 'windows-default-server')).toBe('#events=Sysmon:1&preset=windows-default-server');
    expect(encodeHash(['Sysmon:1'], null)).toBe('#events=Sysmon:1');
    expect(decodeHash('#preset=windows-default-client', catalog)).toEqual({ keys: [], preset: 'windows-default-client', minGrade: 'related', problems: [] });
    expect(decodeHash('#events=Sysmon:1&preset=windows-default-server', catalog)).toEqual({ keys: ['Sysmon:1'], preset: 'windows-default-server', minGrade: 'related', problems: [] });
    expect(decodeHash('#events=Sysmon:1', catalog)?.preset).toBeNull();
    const bad = decodeHash('#events=Sysmon:1&preset=client', catalog);
    expect(bad?.preset).toBeNull();
    expect(bad?.problems).toEqual(['"client" is not a preset (windows-default-client or windows-default-server)']);
  });
});

describe('browser bundle', () => {
  it('holds the page script and the coverage core in one ES module without node: or other run-time imports', async () => {
    const bundle = await bundleCoverageApp();
    expect(bundle.external).toEqual([]);
    expect(bundle.inputs).toEqual(
      expect.arrayContaining([
        'scripts/pages/browser/coverage-app.ts',
        'scripts/pages/browser/coverage-config.ts',
        'scripts/coverage/index.ts',
        'scripts/coverage/compute.ts',
        'scripts/coverage/layers.ts',
        // The configuration parsers and report of the CLI, not a copy of them.
        'scripts/coverage/readers/auditpol.ts',
        'scripts/coverage/readers/sysmon.ts',
        'scripts/coverage/readers/xml.ts',
        'scripts/coverage/presets.ts',
        'scripts/coverage/advice.ts',
        // The one enablement table, the same the pages and the CLI read.
        'scripts/windows/enable.ts',
      ]),
    );
    expect(bundle.inputs.some((i) => i.includes('node_modules/ajv/'))).toBe(true);
    expect(bundle.inputs.some((i) => i.includes('node_modules/papaparse/'))).toBe(true);
    expect(bundle.inputs.filter((i) => i.startsWith('node:') || builtinModules.includes(i))).toEqual([]);
    expect(bundle.inputs.some((i) => i.endsWith('scripts/coverage/load.ts'))).toBe(false);
    // No node: specifier and no import of anything, anywhere in the text.
    expect(bundle.code).not.toMatch(/["'`]node:/);
    expect(bundle.code).not.toMatch(/\bimport\s*(?:[\w${}*\s,]+from\s*)?["'`]/);
    expect(bundle.code).not.toMatch(/\bimport\s*\(/);
    expect(bundle.code.length).toBeLessThan(400_000);
  });
});
