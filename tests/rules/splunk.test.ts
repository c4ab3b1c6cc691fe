import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { OssemError } from '../../scripts/ossem/yaml.ts';
import { readSplunk, splunkChannel } from '../../scripts/rules/splunk.ts';
import type { DetectionRule } from '../../scripts/rules/types.ts';
import { readTarball } from '../../scripts/sources/tar.ts';
import { fixtureFiles } from './fixtures/load.ts';

const rules = readSplunk(fixtureFiles('splunk'), 'splunk fixture');
const byName = (name: string): DetectionRule => {
  const r = rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};

describe('readSplunk on hand-made detections', () => {
  it('reads every live detection, sorted by id, and skips deprecated ones and detections/deprecated/', () => {
    expect(rules.map((r) => r.name)).not.toContain('Old Rule');
    expect(rules.map((r) => r.name)).not.toContain('Moved Rule');
    expect(rules).toHaveLength(11);
    expect(rules.map((r) => r.id)).toEqual([...rules.map((r) => r.id)].sort());
    expect(rules.every((r) => r.source === 'splunk-escu')).toBe(true);
  });

  it('splits `A AND B` into both events and keeps the rule fields', () => {
    expect(byName('Process Then File Create')).toEqual({
      source: 'splunk-escu',
      id: '11111111-1111-4111-8111-111111111111',
      name: 'Process Then File Create',
      url: 'https://research.splunk.com/endpoint/11111111-1111-4111-8111-111111111111/',
      status: 'production',
      // Several techniques, unique and sorted; `TA0002` and `t1105` are not technique IDs.
      techniques: [
        { id: 'T1059', coverage: '' },
        { id: 'T1059.001', coverage: '' },
        { id: 'T1105', coverage: '' },
      ],
      events: [
        { log: 'WinEventLog:Microsoft-Windows-Sysmon/Operational', eventId: '1', via: 'Sysmon EventID 1' },
        { log: 'WinEventLog:Microsoft-Windows-Sysmon/Operational', eventId: '11', via: 'Sysmon EventID 11' },
        { log: 'WinEventLog:Security', eventId: '4688', via: 'Windows Event Log Security 4688' },
      ],
      unmatched: [{ name: 'CrowdStrike ProcessRollup2', reason: 'not-windows' }],
    });
  });

  it('gives a Linux-only rule no events, only not-windows data sources', () => {
    const r = byName('Linux Execve');
    expect(r.events).toEqual([]);
    expect(r.unmatched).toEqual([
      { name: 'Linux Auditd Execve', reason: 'not-windows' },
      { name: 'Sysmon for Linux EventID 1', reason: 'not-windows' },
    ]);
  });

  it('leaves the log of a data source without a file to the catalogue (trailing whitespace trimmed)', () => {
    expect(byName('Directory Service Change').events).toEqual([{ log: '', eventId: '5136', via: 'Windows Security 5136' }]);
  });

  it("takes a data source's channel from its family when its own file is missing", () => {
    expect(byName('Defender Family').events).toEqual([{ log: 'WinEventLog:Microsoft-Windows-Windows Defender/Operational', eventId: '1126', via: 'Windows Event Log Defender 1126' }]);
    expect(byName('Defender Family').status).toBe('experimental');
  });

  it('reads a list of event IDs at the end of a name', () => {
    expect(byName('NTLM Audit').events.map((e) => [e.log, e.eventId, e.via])).toEqual([
      ['', '8004', 'NTLM Operational 8004,8005,8006'],
      ['', '8005', 'NTLM Operational 8004,8005,8006'],
      ['', '8006', 'NTLM Operational 8004,8005,8006'],
    ]);
  });

  it('says why a data source gives no event', () => {
    expect(byName('Unknown Source').unmatched).toEqual([{ name: 'Authentication Events (various)', reason: 'unknown-data-source' }]);
    expect(byName('PingID Rule').unmatched).toEqual([{ name: 'PingID', reason: 'no-event-id' }]);
  });

  it("reads Splunk's IIS source as the IIS configuration channel", () => {
    expect(splunkChannel('IIS:Configuration:Operational')).toBe('WinEventLog:Microsoft-IIS-Configuration/Operational');
    expect(splunkChannel('XmlWinEventLog:Security')).toBe('WinEventLog:Security');
    expect(byName('IIS Module Added').events).toEqual([{ log: 'WinEventLog:Microsoft-IIS-Configuration/Operational', eventId: '29', via: 'Windows IIS 29' }]);
  });

  it('keeps a rule with no data source and no tags, with its domain in the URL', () => {
    expect(byName('Okta Login')).toMatchObject({ url: 'https://research.splunk.com/application/cccccccc-cccc-4ccc-8ccc-cccccccccccc/', techniques: [], events: [], unmatched: [] });
  });

  it('reads the upstream `data_sources` misspelling of `data_source`', () => {
    expect(byName('Custom Channel').events).toEqual([{ log: '', eventId: '13', via: 'Windows Custom 13' }]);
  });

  it('is deterministic whatever the order of the file map', () => {
    const files = [...fixtureFiles('splunk')].reverse();
    expect(readSplunk(new Map(files), 'splunk fixture')).toEqual(rules);
  });
});

describe('readSplunk on malformed input', () => {
  const base = (): Map<string, string> => new Map([...fixtureFiles('splunk')].map(([k, v]) => [k, v.toString('utf8')]));

  it('names the file whose id is not a UUID', () => {
    const files = base();
    files.set('detections/endpoint/bad.yml', 'name: Bad\nid: not-a-uuid\nstatus: production\n');
    expect(() => readSplunk(files, 'splunk test')).toThrow(OssemError);
    expect(() => readSplunk(files, 'splunk test')).toThrow(/splunk test detections\/endpoint\/bad\.yml: "id" "not-a-uuid" is not a UUID/);
  });

  it('names the file that is not valid YAML or not a mapping', () => {
    const files = base();
    files.set('detections/endpoint/broken.yml', 'name: [unclosed\n');
    expect(() => readSplunk(files, 'splunk test')).toThrow(/detections\/endpoint\/broken\.yml: not valid YAML/);
    files.set('detections/endpoint/broken.yml', '- a list\n');
    expect(() => readSplunk(files, 'splunk test')).toThrow(/detections\/endpoint\/broken\.yml: expected a mapping/);
  });

  it('rejects a data_source that is not a list, and a duplicated detection id', () => {
    const files = base();
    files.set('detections/endpoint/x.yml', 'name: X\nid: eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee\ndata_source: {a: 1}\n');
    expect(() => readSplunk(files, 'splunk test')).toThrow(/x\.yml: "data_source" should be a list/);
    files.set('detections/endpoint/x.yml', 'name: X\nid: 11111111-1111-4111-8111-111111111111\n');
    expect(() => readSplunk(files, 'splunk test')).toThrow(/also used by detections\/endpoint\/process_and_file\.yml/);
  });
});

describe('readSplunk through a hand-made tarball', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('reads the archive as GitHub lays it out (top folder stripped)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'rules-tar-'));
    dirs.push(tmp);
    const cwd = path.resolve(import.meta.dirname, 'fixtures');
    // Pack the fixture folder as `splunk/...`, the top folder GitHub's archives have.
    const file = path.join(tmp, 'splunk.tar.gz');
    await create({ gzip: true, file, cwd, portable: true }, ['splunk']);
    const files = readTarball(await readFile(file), 'splunk tarball');
    expect(readSplunk(files, 'splunk tarball')).toEqual(rules);
  });
});
