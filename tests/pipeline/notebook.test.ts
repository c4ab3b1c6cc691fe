/**
 * The original notebook's tables (../shared/seed), reproduced from ATT&CK 6.3 + OSSEM legacy.
 * The notebook lists event IDs without their log; we compare the IDs.
 */
import { describe, expect, it } from 'vitest';
import { fold } from '../../scripts/mapping/catalog.ts';
import { mapVersion } from '../../scripts/mapping/map.ts';
import { realBundle, realCatalog, realLegacy } from '../helpers/real-sources.ts';

const WINDOWS_EVENT_LOGS = [
  4768, 4769, 4770, 4773, 4779, 4778, 4800, 4801, 4741, 4742, 4743, 4749, 4750, 4751, 4752, 4753, 4731, 4732, 4733, 4734, 4735, 4764, 4799, 4720, 4722, 4723, 4724, 4725, 4726, 4738,
  4740, 4767, 4781, 4798, 4662, 4661, 5136, 5137, 5138, 5139, 5141, 4625, 5140, 5142, 5143, 5144, 4656, 4664, 4698, 4699, 4700, 4701, 4702, 4660, 4663, 4658, 4670, 4657, 4717, 4718,
  4674, 4673, 5025, 5034, 4697, 4776, 4771, 4624, 4648,
];

const ALL_DATA_SOURCES: Record<string, number[]> = {
  'Authentication logs': [4776, 4771, 4624, 4648],
  'File monitoring': [6, 9, 11, 2, 5145, 4656, 4663, 4670, 4660, 4658],
  'DLL monitoring': [7],
  'Process use of network': [3, 5031, 5154, 5155, 5156, 5157, 5158, 5159],
  'Windows event logs': WINDOWS_EVENT_LOGS,
  'Windows Registry': [4657, 12, 14, 13],
  'Process monitoring': [4688, 1, 4689, 5, 8, 10],
  'Process command-line parameters': [4688, 1],
  'Loaded DLLs': [7],
  'Named Pipes': [17, 18],
  'DNS records': [22],
};

const ids = (xs: Array<number | string>): string[] => [...new Set(xs.map(String))].sort();

describe('the notebook, reproduced', () => {
  const mapping = mapVersion(realBundle('6.3'), realCatalog(), '6.3');

  it('has the eleven data sources of all_data_sources.yml with their event IDs', () => {
    const table = new Map<string, string[]>();
    for (const r of realLegacy()) for (const ds of r.dataSources) table.set(ds, [...(table.get(ds) ?? []), r.eventId]);
    expect([...table.keys()].sort()).toEqual(Object.keys(ALL_DATA_SOURCES).sort());
    for (const [ds, expected] of Object.entries(ALL_DATA_SOURCES)) expect(ids(table.get(ds) ?? []), ds).toEqual(ids(expected));
    expect([...realCatalog().legacyByDataSource.keys()].sort()).toEqual(Object.keys(ALL_DATA_SOURCES).map(fold).sort());
  });

  it('gives T1112 Modify Registry its five data sources with their event IDs', () => {
    const rows = mapping.rows.filter((r) => r.techniqueId === 'T1112');
    const byDs = new Map<string, string[]>();
    for (const r of rows) byDs.set(r.dataSource, [...(byDs.get(r.dataSource) ?? []), ...(r.eventId ? [r.eventId] : [])]);
    expect([...byDs.keys()].sort()).toEqual(['File monitoring', 'Process command-line parameters', 'Process monitoring', 'Windows Registry', 'Windows event logs']);
    expect(ids(byDs.get('Windows Registry') ?? [])).toEqual(ids([4657, 12, 14, 13]));
    expect(ids(byDs.get('File monitoring') ?? [])).toEqual(ids([6, 9, 11, 2, 5145, 4656, 4663, 4670, 4660, 4658]));
    expect(ids(byDs.get('Process monitoring') ?? [])).toEqual(ids([4688, 1, 4689, 5, 8, 10]));
    expect(ids(byDs.get('Process command-line parameters') ?? [])).toEqual(ids([4688, 1]));
    expect(ids(byDs.get('Windows event logs') ?? [])).toEqual(ids(WINDOWS_EVENT_LOGS));
    expect(rows[0]?.tactics).toEqual(['defense-evasion']);
    // Registry events are Security 4657 and Sysmon 12/13/14: the log is kept.
    expect(ids(rows.filter((r) => r.dataSource === 'Windows Registry').map((r) => `${r.eventLog}:${r.eventId}`))).toEqual(['Security:4657', 'Sysmon:12', 'Sysmon:13', 'Sysmon:14']);
  });

  it('finds the 23 distinct data sources of lateral-movement techniques, 14 of them without events (NaN in the notebook)', () => {
    const rows = mapping.rows.filter((r) => r.tactics.includes('lateral-movement') && r.dataSource);
    const sources = new Map<string, boolean>();
    for (const r of rows) sources.set(r.dataSource, (sources.get(r.dataSource) ?? false) || r.eventId !== '');
    expect(sources.size).toBe(23);
    const withoutEvents = [...sources].filter(([, has]) => !has).map(([ds]) => ds).sort();
    expect(withoutEvents).toEqual([
      'API monitoring', 'Anti-virus', 'Binary file metadata', 'Data loss prevention', 'Mail server', 'Netflow/Enclave netflow',
      'Network protocol analysis', 'Office 365 trace logs', 'Packet capture', 'PowerShell logs', 'SSL/TLS inspection',
      'Third-party application logs', 'Web proxy', 'Windows Error Reporting',
    ].sort());
  });
});
