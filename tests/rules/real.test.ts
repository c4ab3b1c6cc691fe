/** The readers on the pinned upstream archives of the offline mirror. */
import { describe, expect, it } from 'vitest';
import { resolveRules } from '../../scripts/mapping/rules.ts';
import { readCar } from '../../scripts/rules/car.ts';
import { readSplunk } from '../../scripts/rules/splunk.ts';
import { CAR_ARCHIVE, knownEvents, mirrorArchive, SPLUNK_ARCHIVE } from './fixtures/load.ts';

const splunk = readSplunk(mirrorArchive(SPLUNK_ARCHIVE), 'Splunk Security Content');
const car = readCar(mirrorArchive(CAR_ARCHIVE), 'MITRE CAR');
const known = knownEvents('Security:4688', 'Security:4720', 'Security:5136', 'Sysmon:1', 'Sysmon:11', 'System:7045');

describe('Splunk Security Content b13b314a', () => {
  it('reads more than 1,000 detections, none deprecated, with unique UUIDs', () => {
    expect(splunk.length).toBeGreaterThan(1000);
    expect(splunk.filter((r) => r.status === 'deprecated')).toEqual([]);
    expect(new Set(splunk.map((r) => r.status))).toEqual(new Set(['production', 'experimental']));
    expect(new Set(splunk.map((r) => r.id)).size).toBe(splunk.length);
    for (const r of splunk) for (const t of r.techniques) expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
  });

  it('resolves every `Windows Event Log Security 4688` to Security:4688', () => {
    const { rules } = resolveRules(splunk, known);
    const on4688 = rules.filter((r) => r.events.some((e) => e.via === 'Windows Event Log Security 4688'));
    expect(on4688.length).toBeGreaterThan(400);
    for (const r of on4688) expect(r.events.filter((e) => e.via === 'Windows Event Log Security 4688').map((e) => e.key)).toEqual(['Security:4688']);
  });

  it('reads a known detection whole', () => {
    const r = splunk.find((x) => x.id === '773b66fe-4dd9-11ec-8289-acde48001122');
    expect(r).toEqual({
      source: 'splunk-escu',
      id: '773b66fe-4dd9-11ec-8289-acde48001122',
      name: 'Add or Set Windows Defender Exclusion',
      url: 'https://research.splunk.com/endpoint/773b66fe-4dd9-11ec-8289-acde48001122/',
      status: 'production',
      techniques: [
        { id: 'T1562', coverage: '' },
        { id: 'T1562.001', coverage: '' },
      ],
      events: [
        { log: 'WinEventLog:Microsoft-Windows-Sysmon/Operational', eventId: '1', via: 'Sysmon EventID 1' },
        { log: 'WinEventLog:Security', eventId: '4688', via: 'Windows Event Log Security 4688' },
      ],
      unmatched: [{ name: 'CrowdStrike ProcessRollup2', reason: 'not-windows' }],
    });
    const [resolved] = resolveRules([r!], known).rules;
    expect(resolved!.events.map((e) => e.key)).toEqual(['Security:4688', 'Sysmon:1']);
  });

  it('re-files the System 4720 data source under Security, and counts the non-Windows ones', () => {
    const { rules, problems } = resolveRules(splunk, known);
    const r = rules.find((x) => x.events.some((e) => e.via === 'Windows Event Log System 4720'));
    expect(r?.events.find((e) => e.via === 'Windows Event Log System 4720')?.key).toBe('Security:4720');
    const crowdstrike = problems.find((p) => p.kind === 'rule-data-source-not-windows' && p.subject === 'CrowdStrike ProcessRollup2');
    expect(crowdstrike?.where.length).toBeGreaterThan(400);
    expect(problems.find((p) => p.kind === 'rule-data-source-not-windows' && p.subject === 'Sysmon for Linux EventID 1')).toBeDefined();
  });
});

describe('MITRE CAR 1b922fe1', () => {
  it('reads the 102 analytics', () => {
    expect(car).toHaveLength(102);
    expect(new Set(car.map((r) => r.id)).size).toBe(102);
  });

  it('reads CAR-2013-02-003 whole', () => {
    const r = car.find((x) => x.id === 'CAR-2013-02-003');
    expect(r).toMatchObject({
      name: 'Processes Spawning cmd.exe',
      url: 'https://car.mitre.org/analytics/CAR-2013-02-003/',
      techniques: [
        { id: 'T1059', coverage: 'Moderate' },
        { id: 'T1059.003', coverage: 'Moderate' },
      ],
    });
    const [resolved] = resolveRules([r!], known).rules;
    expect(resolved!.events.map((e) => e.key)).toEqual(['Sysmon:1']);
  });

  it('finds event IDs only where the code names them', () => {
    const ids = new Set(car.flatMap((r) => r.events.map((e) => e.eventId)));
    // Every ID found is a plausible Windows event ID (no limits, ports or hashes picked up).
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(['1', '3', '5', '7', '8', '10', '11', '12', '13', '14', '104', '1100', '1102', '1104', '4624', '4657', '4670', '4688', '4698', '4702', '4719', '5857', '5858', '7036', '7045']);
  });
});
