/**
 * Splunk Security Content (ESCU): `detections/<domain>/*.yml` → detection rules, with each
 * `data_source` name turned into the events it stands for through `data_sources/*.yml`.
 *
 * A data source name ends in its event ID(s) (`Sysmon EventID 1`, `NTLM Operational 8004,8005,8006`);
 * its file's `source` names the channel (`XmlWinEventLog:Security`). Names without a file are resolved
 * through their family (the name without its trailing IDs: `Windows Event Log Defender`), and failing
 * that by event ID alone (`log: ''`), which `resolveRules` settles against the event catalogue.
 */
import { resolveLog } from '../mapping/logs.ts';
import { isMap, loadYaml, OssemError, text, type YamlMap, type YamlValue } from '../ossem/yaml.ts';
import type { DetectionRule, RuleEventRef, RuleTechnique } from './types.ts';

export const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;
const SPLUNK_ID = /^[0-9a-f-]{36}$/;
const DETECTION_PATH = /^detections\/([^/]+)\/[^/]+\.ya?ml$/;
const DATA_SOURCE_PATH = /^data_sources\/[^/]+\.ya?ml$/;
/** `Windows Event Log Security 4688` → family `Windows Event Log Security`, IDs `4688`; `NTLM Operational 8004,8005,8006`. */
const TRAILING_IDS = /^(.*?)\s+(\d+(?:\s*,\s*\d+)*)$/;

/**
 * Splunk `source` spellings of Windows channels that the log alias table does not know: the IIS
 * configuration log is collected as `IIS:Configuration:Operational` (the channel is
 * Microsoft-IIS-Configuration/Operational).
 */
const SPLUNK_CHANNELS: Record<string, string> = {
  'iis:configuration:operational': 'WinEventLog:Microsoft-IIS-Configuration/Operational',
};

/** Words that make a data source name without a file look like a Windows event log. */
const WINDOWS_WORDS = /\b(?:windows|win|wineventlog|xmlwineventlog|sysmon|powershell|ntlm|security|kerberos|defender|eventid|eventcode)\b/i;
/** Words that make it look like another platform or product (only when no Windows word is present). */
const OTHER_PLATFORM_WORDS = /\b(?:linux|macos|osx|mac|auditd|syslog|aws|azure|gcp|google|o365|okta|crowdstrike|kubernetes|github|gitlab|cisco|zeek|bro|suricata|nginx|apache)\b/i;

function fold(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The channel a Splunk `source` names, spelled for `resolveLog`: `XmlWinEventLog:Security` reads as
 * `WinEventLog:Security` (Splunk's XML rendering of the same log).
 */
export function splunkChannel(source: string): string {
  const s = source.trim();
  return SPLUNK_CHANNELS[fold(s)] ?? s.replace(/^xml(?=wineventlog:)/i, '');
}

interface DataSourceFile {
  name: string;
  /** As `splunkChannel` spells it. */
  channel: string;
  /** Whether `resolveLog` takes the channel for a Windows event log. */
  windows: boolean;
  where: string;
}

function splitIds(name: string): { family: string; ids: string[] } | undefined {
  const m = TRAILING_IDS.exec(name.trim());
  if (!m) return undefined;
  return { family: m[1]!, ids: m[2]!.split(',').map((s) => String(Number(s.trim()))) };
}

function readDataSource(body: string, where: string): DataSourceFile {
  const doc = loadYaml(body, where);
  if (!isMap(doc)) throw new OssemError(where, 'expected a mapping (a data source)');
  const name = text(doc, 'name');
  if (!name) throw new OssemError(where, 'missing "name"');
  const source = text(doc, 'source') ?? '';
  const channel = splunkChannel(source);
  return { name, channel, windows: source !== '' && resolveLog(channel) !== undefined, where };
}

/** What one data source name (one side of an `A AND B`) stands for. */
type Resolution = { events: Array<{ log: string; eventId: string }> } | { reason: DetectionRule['unmatched'][number]['reason'] };

class DataSources {
  private readonly byName = new Map<string, DataSourceFile>();
  /** Family (folded) → the files of that family. */
  private readonly byFamily = new Map<string, DataSourceFile[]>();

  constructor(files: DataSourceFile[]) {
    for (const f of files) {
      const k = fold(f.name);
      const prev = this.byName.get(k);
      if (prev) throw new OssemError(f.where, `data source "${f.name}" is also defined in ${prev.where}`);
      this.byName.set(k, f);
      const split = splitIds(f.name);
      if (split) {
        const fam = fold(split.family);
        const list = this.byFamily.get(fam) ?? [];
        list.push(f);
        this.byFamily.set(fam, list);
      }
    }
  }

  resolve(name: string): Resolution {
    const split = splitIds(name);
    const file = this.byName.get(fold(name));
    if (file) {
      if (!file.windows) return { reason: 'not-windows' };
      if (!split) return { reason: 'no-event-id' };
      return { events: split.ids.map((eventId) => ({ log: file.channel, eventId })) };
    }
    if (split) {
      const family = this.byFamily.get(fold(split.family)) ?? [];
      const channels = new Set(family.map((f) => f.channel));
      if (channels.size === 1) {
        const f = family[0]!;
        if (!f.windows) return { reason: 'not-windows' };
        return { events: split.ids.map((eventId) => ({ log: f.channel, eventId })) };
      }
      if (family.length > 0 && family.every((f) => !f.windows)) return { reason: 'not-windows' };
    }
    return guess(name, split?.ids);
  }
}

/**
 * A name with no file and no usable family: one that ends in event IDs and does not name another
 * platform is taken for a Windows event, its log left to the event catalogue (`log: ''`).
 */
function guess(name: string, ids: string[] | undefined): Resolution {
  const windows = WINDOWS_WORDS.test(name);
  if (!windows && OTHER_PLATFORM_WORDS.test(name)) return { reason: 'not-windows' };
  if (ids) return { events: ids.map((eventId) => ({ log: '', eventId })) };
  return { reason: 'unknown-data-source' };
}

function stringList(v: YamlValue | undefined, where: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OssemError(where, `"${field}" should be a list`);
  return v.map((item, i) => {
    if (typeof item === 'string') return item.trim();
    if (typeof item === 'number') return String(item);
    throw new OssemError(where, `"${field}" item ${i + 1} should be text`);
  });
}

function techniques(tags: YamlValue | undefined, where: string): RuleTechnique[] {
  if (tags === undefined || tags === null) return [];
  if (!isMap(tags)) throw new OssemError(where, '"tags" should be a mapping');
  const ids = new Set(stringList(tags['mitre_attack_id'], where, 'tags.mitre_attack_id').filter((t) => TECHNIQUE_ID.test(t)));
  return [...ids].sort(compareText).map((id) => ({ id, coverage: '' }));
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readDetection(doc: YamlMap, domain: string, where: string, sources: DataSources): DetectionRule {
  const id = text(doc, 'id');
  if (!id) throw new OssemError(where, 'missing "id"');
  if (!SPLUNK_ID.test(id)) throw new OssemError(where, `"id" ${JSON.stringify(id.slice(0, 80))} is not a UUID`);
  const name = text(doc, 'name');
  if (!name) throw new OssemError(where, 'missing "name"');
  // One upstream detection spells the key `data_sources`; read it rather than lose its event.
  const raw = doc['data_source'] ?? doc['data_sources'];
  const names = stringList(raw, where, 'data_source');

  const events: RuleEventRef[] = [];
  const seenEvents = new Set<string>();
  const unmatched: DetectionRule['unmatched'] = [];
  const seenUnmatched = new Set<string>();
  for (const full of names) {
    for (const part of full.split(/\s+AND\s+/)) {
      const dsName = part.trim();
      if (dsName === '') continue;
      const r = sources.resolve(dsName);
      if ('reason' in r) {
        const k = `${dsName}\u0000${r.reason}`;
        if (!seenUnmatched.has(k)) {
          seenUnmatched.add(k);
          unmatched.push({ name: dsName, reason: r.reason });
        }
        continue;
      }
      for (const e of r.events) {
        const k = `${e.log}\u0000${e.eventId}`;
        if (seenEvents.has(k)) continue;
        seenEvents.add(k);
        events.push({ ...e, via: dsName });
      }
    }
  }
  return {
    source: 'splunk-escu',
    id,
    name,
    url: `https://research.splunk.com/${domain}/${id}/`,
    status: text(doc, 'status') ?? '',
    techniques: techniques(doc['tags'], where),
    events,
    unmatched,
  };
}

function asText(v: Buffer | string): string {
  return typeof v === 'string' ? v : v.toString('utf8');
}

/**
 * Reads the detections of a Splunk Security Content tree (paths relative to the repository root,
 * as `readTarball` gives them). Deprecated rules and `detections/deprecated/` are skipped; a rule
 * without techniques or data sources is kept with empty lists. `label` names the archive in errors.
 */
export function readSplunk(files: ReadonlyMap<string, Buffer | string>, label: string): DetectionRule[] {
  const paths = [...files.keys()].sort(compareText);
  const sources = new DataSources(paths.filter((p) => DATA_SOURCE_PATH.test(p)).map((p) => readDataSource(asText(files.get(p)!), `${label} ${p}`)));
  const rules: DetectionRule[] = [];
  const byId = new Map<string, string>();
  for (const p of paths) {
    const m = DETECTION_PATH.exec(p);
    if (!m || m[1] === 'deprecated') continue;
    const where = `${label} ${p}`;
    const doc = loadYaml(asText(files.get(p)!), where);
    if (!isMap(doc)) throw new OssemError(where, 'expected a mapping (a detection)');
    if (text(doc, 'status')?.toLowerCase() === 'deprecated') continue;
    const rule = readDetection(doc, m[1]!, where, sources);
    const prev = byId.get(rule.id);
    if (prev) throw new OssemError(where, `detection id ${rule.id} is also used by ${prev}`);
    byId.set(rule.id, p);
    rules.push(rule);
  }
  return rules.sort((a, b) => compareText(a.id, b.id));
}
