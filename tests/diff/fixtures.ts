/**
 * Hand-made artifact folders for the change-report tests: a small mapping described in a few lines,
 * turned into real artifact files by the pipeline's own writer (buildVersionArtifacts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildIndex, buildVersionArtifacts, type IndexEntry, type SourceRecord } from '../../scripts/artifacts/build.ts';
import { gradeLinks, linkKey } from '../../scripts/mapping/grade.ts';
import type { EventInfo, MappingRow, PlacedRule, VersionMapping } from '../../scripts/mapping/types.ts';

/** A detection rule of the fixture: a `confirmed` row per technique × event, and an entry of rules.json. */
export interface SpecRule {
  source: 'splunk-escu' | 'mitre-car';
  id: string;
  name: string;
  techniques: string[];
  events: string[];
}

export interface Spec {
  version: string;
  /** Technique ID → name. */
  techniques: Record<string, string>;
  /** [technique ID, event key like Security:4688, data component name]. */
  links: Array<[string, string, string]>;
  /** Event key → name (default: "Event <key>"). */
  eventNames?: Record<string, string>;
  /** Data component name → DC ID (default: none). */
  componentIds?: Record<string, string>;
  /** Data component name → data source (default: "Source of <name>"). */
  dataSources?: Record<string, string>;
  /** sha256 of the ATT&CK bundle recorded in the manifest (default: 64 × "a"). */
  bundleSha256?: string;
  /** Detection rules (default: none). Their techniques must be in `techniques`. */
  rules?: SpecRule[];
  /** [technique ID, event key] pairs that an ATT&CK analytic names: `named` rows. */
  named?: Array<[string, string]>;
}

export function mappingOf(spec: Spec): VersionMapping {
  const techniques = Object.entries(spec.techniques).map(([id, name]) => ({
    id,
    name,
    url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}`,
    tactics: ['execution'],
    platforms: ['Windows'],
    isSubtechnique: id.includes('.'),
    parent: id.includes('.') ? id.split('.')[0] ?? '' : '',
  }));
  const rules = spec.rules ?? [];
  const named = spec.named ?? [];
  const keys = [...new Set([...spec.links.map(([, key]) => key), ...rules.flatMap((r) => r.events), ...named.map(([, key]) => key)])];
  const events: EventInfo[] = keys.map((key) => {
    const [log = '', eventId = ''] = key.split(':');
    return {
      key,
      log,
      eventId,
      channel: log,
      provider: '',
      name: spec.eventNames?.[key] ?? `Event ${key}`,
      description: '',
      auditCategory: '',
      auditSubcategory: '',
      clientDefault: '',
      serverDefault: '',
    };
  });
  const row = (techniqueId: string, key: string, fields: Pick<MappingRow, 'dataSource' | 'dataComponent' | 'evidence' | 'evidenceRef' | 'detail'>): MappingRow => {
    const [log = '', eventId = ''] = key.split(':');
    return { techniqueId, technique: spec.techniques[techniqueId] ?? '', tactics: ['execution'], dataComponentId: '', eventLog: log, eventId, eventName: spec.eventNames?.[key] ?? `Event ${key}`, grade: '', ...fields };
  };
  const extra: MappingRow[] = [
    ...rules.flatMap((r) => r.techniques.flatMap((t) => r.events.map((key) => row(t, key, { dataSource: '', dataComponent: '', evidence: r.source, evidenceRef: r.id, detail: r.name })))),
    ...named.map(([t, key]) => row(t, key, { dataSource: '', dataComponent: '', evidence: 'attack-analytic', evidenceRef: 'DET0001/AN0001', detail: '' })),
  ];
  const placed: PlacedRule[] = rules.map((r) => ({
    source: r.source,
    id: r.id,
    name: r.name,
    url: r.source === 'mitre-car' ? `https://car.mitre.org/analytics/${r.id}/` : `https://research.splunk.com/endpoint/${r.id}/`,
    status: r.source === 'mitre-car' ? '' : 'production',
    techniques: r.techniques.map((t) => ({ tagged: t, placed: t, coverage: '' })),
    events: [...r.events],
  }));
  const base: MappingRow[] = spec.links.map(([techniqueId, key, component]) => {
    const [log = '', eventId = ''] = key.split(':');
    return {
      techniqueId,
      technique: spec.techniques[techniqueId] ?? '',
      tactics: ['execution'],
      dataSource: spec.dataSources?.[component] ?? `Source of ${component}`,
      dataComponent: component,
      dataComponentId: spec.componentIds?.[component] ?? '',
      eventLog: log,
      eventId,
      eventName: spec.eventNames?.[key] ?? `Event ${key}`,
      evidence: 'ossem-dm',
      evidenceRef: 'REL-0001',
      detail: '',
      grade: 'related',
    };
  });
  const rows = [...base, ...extra];
  const links = gradeLinks(rows);
  for (const r of rows) r.grade = links.get(linkKey(r.techniqueId, `${r.eventLog}:${r.eventId}`))?.grade ?? '';
  return {
    attackVersion: spec.version,
    era: 'data-components',
    tactics: [{ id: 'TA0002', shortname: 'execution', name: 'Execution', url: 'https://attack.mitre.org/tactics/TA0002' }],
    techniques,
    rows,
    events,
    problems: [],
    logSpellings: [],
    skipped: { revoked: 0, deprecated: 0, notWindows: 0 },
    rules: placed,
    links,
  };
}

function sourcesOf(spec: Spec): SourceRecord[] {
  return [
    {
      role: 'attack-bundle',
      url: `https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-${spec.version}.json`,
      sha256: spec.bundleSha256 ?? 'a'.repeat(64),
      size: 1000,
    },
  ];
}

/** Writes one version folder; returns its index entry. */
export async function writeVersion(dir: string, spec: Spec): Promise<IndexEntry> {
  const mapping = mappingOf(spec);
  const { files, counts } = buildVersionArtifacts(mapping, sourcesOf(spec));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) await writeFile(path.join(dir, name), text);
  return { version: spec.version, era: mapping.era, path: `enterprise-attack/${spec.version}`, counts };
}

/** Writes a data root (`enterprise-attack/<v>/…` and index.json) holding every spec. */
export async function writeRoot(root: string, specs: Spec[]): Promise<void> {
  const entries: IndexEntry[] = [];
  for (const spec of specs) entries.push(await writeVersion(path.join(root, 'enterprise-attack', spec.version), spec));
  await mkdir(path.join(root, 'enterprise-attack'), { recursive: true });
  await writeFile(path.join(root, 'index.json'), entries.length > 0 ? buildIndex(entries) : '{}\n');
}

/** A small base mapping that the tests change one aspect at a time. */
export function baseSpec(version = '17.1'): Spec {
  return {
    version,
    techniques: { T1003: 'OS Credential Dumping', 'T1003.001': 'LSASS Memory', T1059: 'Command and Scripting Interpreter', T1070: 'Indicator Removal' },
    links: [
      ['T1003', 'Security:4656', 'Process Access'],
      ['T1003.001', 'Sysmon:10', 'Process Access'],
      ['T1059', 'Security:4688', 'Process Creation'],
      ['T1059', 'Sysmon:1', 'Process Creation'],
      ['T1070', 'Security:1102', 'Log Deletion'],
    ],
    eventNames: { 'Security:4688': 'A new process has been created.', 'Sysmon:1': 'Process creation', 'Security:1102': 'The audit log was cleared.' },
  };
}

export function clone(spec: Spec): Spec {
  return structuredClone(spec);
}
