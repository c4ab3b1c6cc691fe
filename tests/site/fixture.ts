/**
 * A hand-made data folder of two tiny ATT&CK versions whose upstream text tries to break the site:
 * HTML (`<script>alert(1)</script>`), Markdown (`*`, `_`, `|`) and template syntax (`{{ 7*7 }}`).
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataComponentArtifact, EventArtifact, IndexEntry, TacticArtifact, TechniqueAnalytic, TechniqueArtifact, VersionCounts } from '../../scripts/artifacts/build.ts';
import { stringifyJson } from '../../scripts/lib/json.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { consecutiveVersionDiffs } from '../../scripts/diff/diff.ts';
import type { DataSet, RuleArtifact, VersionData } from '../../scripts/diff/types.ts';
import type { Evidence, Grade } from '../../scripts/mapping/types.ts';
import type { SiteInput, VersionInput } from '../../scripts/pages/types.ts';
import { eventEnable } from '../../scripts/windows/enable.ts';

export const SCRIPT = '<script>alert(1)</script>';
export const EVIL_NAME = `${SCRIPT} Credential Dumping`;
export const MARKDOWN_NAME = '*Bold* _under_ | pipe {{ 7*7 }} {% raw %}';
export const EVIL_DESCRIPTION = `Starts a process ${SCRIPT} and **logs** it`;
export const EVIL_EVENT_NAME = 'Process <img src=x onerror=alert(2)> created';
/** An ATT&CK analytic of 2.0's T9001 that names Sysmon 1, with code spans and markup in its texts. */
export const ANALYTIC: TechniqueAnalytic = {
  ref: 'DET0001/AN0001',
  url: 'https://attack.mitre.org/detectionstrategies/DET0001#AN0001',
  description: `Looks for \`cmd.exe\` spawned by Office ${SCRIPT} *fast*.`,
  mutableElements: [
    { field: 'ParentImage', description: 'Allowlist \`explorer.exe\` <b>parents</b>.' },
    { field: 'TimeWindow', description: 'Five minutes.' },
  ],
};
/** The rules that confirm 2.0's T9001 × Security 4688 (a Splunk one named with markup, a CAR one). */
export const RULES: RuleArtifact[] = [
  {
    source: 'mitre-car',
    id: 'CAR-2013-05-002',
    name: 'Suspicious Run Locations',
    url: 'https://car.mitre.org/analytics/CAR-2013-05-002/',
    status: '',
    techniques: [{ tagged: 'T9001', placed: 'T9001', coverage: 'Low' }],
    events: ['Security:4688'],
  },
  {
    source: 'splunk-escu',
    id: '3742ebfe-64c2-11eb-ae93-0242ac130002',
    name: `Dump LSASS ${SCRIPT}`,
    url: 'https://research.splunk.com/endpoint/3742ebfe-64c2-11eb-ae93-0242ac130002/',
    status: 'production',
    techniques: [{ tagged: 'T9001', placed: 'T9001', coverage: '' }],
    events: ['Security:4688'],
  },
];

function event(key: string, o: Partial<EventArtifact> = {}): EventArtifact {
  const [log = '', eventId = ''] = key.split(':');
  return {
    key,
    log,
    eventId,
    channel: log,
    provider: '',
    name: '',
    description: '',
    auditCategory: '',
    auditSubcategory: '',
    clientDefault: '',
    serverDefault: '',
    enable: eventEnable({ key, log, eventId, auditSubcategory: o.auditSubcategory ?? '', clientDefault: o.clientDefault ?? '', serverDefault: o.serverDefault ?? '' }),
    techniques: [],
    tactics: [],
    dataComponents: [],
    ...o,
  };
}

function technique(id: string, name: string, o: Partial<TechniqueArtifact> = {}): TechniqueArtifact {
  const sub = id.includes('.');
  return {
    id,
    name,
    url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}`,
    tactics: ['execution'],
    platforms: ['Windows'],
    isSubtechnique: sub,
    parent: sub ? (id.split('.')[0] ?? '') : '',
    subtechniques: [],
    dataComponents: [],
    events: [],
    analytics: [],
    ...o,
  };
}

const tactics: TacticArtifact[] = [
  { id: 'TA0002', shortname: 'execution', name: 'Execution', url: 'https://attack.mitre.org/tactics/TA0002', techniques: [], events: [] },
  { id: 'TA0005', shortname: 'defense-evasion', name: 'Defense <b>Evasion</b>', url: 'https://attack.mitre.org/tactics/TA0005', techniques: [], events: [] },
];

const RANK: Record<Grade, number> = { confirmed: 0, named: 1, related: 2 };

function finish(version: string, techniques: TechniqueArtifact[], events: EventArtifact[], dataComponents: DataComponentArtifact[], rules: RuleArtifact[] = []): VersionInput {
  for (const t of techniques) if (t.parent) techniques.find((p) => p.id === t.parent)?.subtechniques.push(t.id);
  for (const e of events) {
    e.techniques = techniques
      .flatMap((t) => t.events.filter((x) => x.key === e.key).map((x) => ({ id: t.id, grade: x.grade, rules: x.rules })))
      .sort((a, b) => RANK[a.grade] - RANK[b.grade] || b.rules - a.rules || (a.id < b.id ? -1 : 1));
    e.tactics = [...new Set(e.techniques.flatMap(({ id }) => techniques.find((t) => t.id === id)?.tactics ?? []))];
  }
  const ts = tactics.map((t) => {
    const ids = techniques.filter((x) => x.tactics.includes(t.shortname)).map((x) => x.id);
    const evs = events
      .map((e) => ({ key: e.key, techniques: e.techniques.filter(({ id }) => ids.includes(id)).length }))
      .filter((e) => e.techniques > 0)
      .sort((a, b) => b.techniques - a.techniques);
    return { ...t, techniques: ids, events: evs };
  });
  const counts: VersionCounts = {
    techniques: techniques.length,
    techniquesWithEvents: techniques.filter((t) => t.events.length > 0).length,
    tactics: ts.length,
    dataComponents: dataComponents.length,
    events: events.length,
    rows: 4,
    links: 4,
    confirmedLinks: techniques.flatMap((t) => t.events).filter((e) => e.grade === 'confirmed').length,
    namedLinks: techniques.flatMap((t) => t.events).filter((e) => e.grade === 'named').length,
    rules: rules.length,
    problems: 0,
  };
  return { version, era: 'data-components', counts, techniques, events, tactics: ts, dataComponents, rules, files: [] };
}

type EvidenceItem = { kind: Evidence; ref: string; detail: string };

/** A technique's event, related through OSSEM-DM unless `extra` evidence (rules, an analytic) makes it stronger. */
const ev = (key: string, name: string, detail: string, extra: EvidenceItem[] = []) => {
  const evidence = [...extra, { kind: 'ossem-dm' as const, ref: 'REL-2022-0001', detail }].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const rules = evidence.filter((x) => x.kind === 'splunk-escu' || x.kind === 'mitre-car').length;
  const grade: Grade = rules > 0 ? 'confirmed' : evidence.some((x) => x.kind === 'attack-analytic') ? 'named' : 'related';
  return { key, log: key.split(':')[0] ?? '', eventId: key.split(':')[1] ?? '', name, grade, rules, evidence };
};
const ruleEvidence = (r: RuleArtifact): EvidenceItem => ({ kind: r.source as Evidence, ref: r.id, detail: r.name });

/** The two versions as the page builders receive them (files are filled in by `writeFixtureData`). */
export function fixtureVersions(): VersionInput[] {
  const procCreation = { dataSource: 'Process', dataComponent: 'Process Creation', dataComponentId: 'DC0032', events: ['Security:4688', 'Sysmon:1'] };
  const api = { dataSource: 'Process', dataComponent: 'OS API <Execution>', dataComponentId: 'DC0021', events: [] };
  const v1 = finish(
    '1.0',
    [
      technique('T9001', EVIL_NAME, { dataComponents: [{ ...procCreation, events: ['Security:4688'] }], events: [ev('Security:4688', 'A new process has been created.', `Process created ${SCRIPT}`)] }),
      technique('T9003', 'Retired Technique', { tactics: ['defense-evasion'], dataComponents: [{ ...procCreation, events: ['Security:4688'] }], events: [ev('Security:4688', 'A new process has been created.', 'Process created Process')] }),
    ],
    [event('Security:4688', { name: 'A new process has been created.', description: EVIL_DESCRIPTION, dataComponents: ['Process Creation'] })],
    [{ id: 'DC0032', name: 'Process Creation', dataSource: 'Process', techniques: ['T9001', 'T9003'], events: ['Security:4688'] }],
  );
  const v2 = finish(
    '2.0',
    [
      technique('T9001', EVIL_NAME, {
        dataComponents: [procCreation],
        events: [
          ev('Security:4688', 'A new process has been created.', `Process created ${SCRIPT}`, RULES.map(ruleEvidence)),
          ev('Sysmon:1', EVIL_EVENT_NAME, 'Process created Process', [{ kind: 'attack-analytic', ref: ANALYTIC.ref, detail: `EventCode=1 <i>x</i>` }]),
        ],
        analytics: [structuredClone(ANALYTIC)],
      }),
      technique('T9001.001', MARKDOWN_NAME, { tactics: ['execution', 'defense-evasion'], dataComponents: [{ ...procCreation, events: ['Sysmon:1'] }], events: [ev('Sysmon:1', EVIL_EVENT_NAME, 'Process created Process')] }),
      technique('T9002', 'Quiet Technique', { dataComponents: [api] }),
    ],
    [
      event('Security:4688', {
        name: 'A new process has been created.',
        description: EVIL_DESCRIPTION,
        auditCategory: 'Detailed Tracking',
        auditSubcategory: 'Process Creation',
        clientDefault: 'No auditing',
        serverDefault: 'No auditing',
        dataComponents: ['Process Creation'],
      }),
      event('Sysmon:1', { channel: 'Microsoft-Windows-Sysmon/Operational', name: EVIL_EVENT_NAME, description: `Sysmon ${SCRIPT}`, dataComponents: ['Process Creation'] }),
    ],
    [
      { id: 'DC0021', name: 'OS API <Execution>', dataSource: 'Process', techniques: ['T9002'], events: [] },
      { id: 'DC0032', name: 'Process Creation', dataSource: 'Process', techniques: ['T9001', 'T9001.001'], events: ['Security:4688', 'Sysmon:1'] },
    ],
    structuredClone(RULES),
  );
  return [v1, v2];
}

/** A version as the change report loads it; the file "hashes" are the files' JSON text. */
export function diffVersionData(v: VersionInput): VersionData {
  const files = {
    'techniques.json': JSON.stringify({ attackVersion: v.version, techniques: v.techniques }),
    'events.json': JSON.stringify({ attackVersion: v.version, events: v.events }),
    'data-components.json': JSON.stringify({ attackVersion: v.version, dataComponents: v.dataComponents }),
    'rules.json': JSON.stringify({ attackVersion: v.version, rules: v.rules }),
  };
  return { version: v.version, era: v.era, counts: v.counts, sources: [], techniques: v.techniques, events: v.events, dataComponents: v.dataComponents, rules: v.rules, files };
}

/** The change reports of consecutive versions, as the pages CLI computes them from a data folder. */
export function fixtureChanges(versions: VersionInput[]): SiteInput['changes'] {
  const data: DataSet = { kind: 'root', label: 'fixture', versions: versions.map(diffVersionData), rootFiles: {} };
  return consecutiveVersionDiffs(data);
}

export function fixtureInput(): SiteInput {
  const versions = fixtureVersions();
  return { versions, latest: '2.0', schemas: [], rootFiles: [], dataLabel: 'fixture', dataDir: '/nonexistent', root: '/', changes: fixtureChanges(versions) };
}

const json = stringifyJson;

/** Writes the fixture as a data folder laid out like data/ (index.json, enterprise-attack/<v>/, schemas/). */
export async function writeFixtureData(dir: string): Promise<void> {
  const entries: IndexEntry[] = [];
  for (const v of fixtureVersions()) {
    const rel = `enterprise-attack/${v.version}`;
    const out = path.join(dir, rel);
    await mkdir(out, { recursive: true });
    const csv = [
      'technique_id,technique,tactics,data_source,data_component,data_component_id,event_log,event_id,event_name,evidence,evidence_ref,detail',
      ...v.techniques.flatMap((t) => t.events.map((e) => [t.id, `"${t.name.replace(/"/g, '""')}"`, t.tactics.join(';'), 'Process', 'Process Creation', 'DC0032', e.log, e.eventId, `"${e.name}"`, 'ossem-dm', 'REL-2022-0001', 'x'].join(','))),
    ].join('\n');
    await writeFile(path.join(out, 'mapping.csv'), `${csv}\n`);
    await writeFile(path.join(out, 'techniques.json'), json({ attackVersion: v.version, techniques: v.techniques }));
    await writeFile(path.join(out, 'events.json'), json({ attackVersion: v.version, events: v.events }));
    await writeFile(path.join(out, 'tactics.json'), json({ attackVersion: v.version, tactics: v.tactics }));
    await writeFile(path.join(out, 'data-components.json'), json({ attackVersion: v.version, dataComponents: v.dataComponents }));
    await writeFile(path.join(out, 'rules.json'), json({ attackVersion: v.version, rules: v.rules }));
    await writeFile(path.join(out, 'report.json'), json({ attackVersion: v.version, era: v.era, skipped: { revoked: 0, deprecated: 0, notWindows: 0 }, problemCounts: {}, problems: [], logSpellings: [] }));
    await writeFile(path.join(out, 'manifest.json'), json({ attackVersion: v.version, era: v.era, counts: v.counts, sources: [], files: [] }));
    entries.push({ version: v.version, era: v.era, path: rel, counts: v.counts });
  }
  await writeFile(path.join(dir, 'index.json'), json({ domain: 'enterprise-attack', latest: '2.0', versions: entries }));
  const schemas = path.join(REPO_ROOT, 'data', 'schemas');
  await mkdir(path.join(dir, 'schemas'), { recursive: true });
  for (const name of await readdir(schemas)) await copyFile(path.join(schemas, name), path.join(dir, 'schemas', name));
}
