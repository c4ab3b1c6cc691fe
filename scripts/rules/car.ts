/**
 * MITRE Cyber Analytics Repository: `analytics/CAR-*.yaml` → detection rules.
 *
 * Events come two ways, merged: (i) the analytic's `data_model_references` (`process/create/exe`)
 * through CAR's own Sysmon sensor mappings (`sensors/sysmon_*.yaml`: object/action → `Mapped to
 * Event 1`); (ii) the event IDs its implementations' code names (`EventCode=1`, `event_id IN [12, 13]`,
 * `EventID: 4688`), filed under Sysmon when the code queries Sysmon and otherwise left to the event
 * catalogue (`log: ''`).
 */
import { resolveLog } from '../mapping/logs.ts';
import { isMap, loadYaml, OssemError, text, type YamlMap, type YamlValue } from '../ossem/yaml.ts';
import { compareText, TECHNIQUE_ID } from './splunk.ts';
import type { DetectionRule, RuleEventRef, RuleTechnique } from './types.ts';

const ANALYTIC_PATH = /^analytics\/CAR-[^/]+\.ya?ml$/;
const SYSMON_SENSOR_PATH = /^sensors\/sysmon_[^/]+\.ya?ml$/i;
const CAR_ID = /^CAR-\d{4}-\d{2}-\d{3}$/;

/** Sysmon's event IDs (1–29, and 255 for its own errors): a 4688 next to a Sysmon index is not a Sysmon event. */
function isSysmonId(id: string): boolean {
  const n = Number(id);
  return (n >= 1 && n <= 29) || n === 255;
}

/** CAR's levels, best first. `Medium` (ten analytics) is CAR's `Moderate` spelled another way. */
const COVERAGE_RANK: Record<string, number> = { High: 3, Moderate: 2, Low: 1, '': 0 };

function coverageLevel(v: string | undefined): string {
  if (!v) return '';
  const t = v.trim();
  if (/^medium$/i.test(t)) return 'Moderate';
  const known = Object.keys(COVERAGE_RANK).find((k) => k.toLowerCase() === t.toLowerCase());
  return known ?? t;
}

function rank(level: string): number {
  return COVERAGE_RANK[level] ?? 0;
}

function asText(v: Buffer | string): string {
  return typeof v === 'string' ? v : v.toString('utf8');
}

function list(v: YamlValue | undefined, where: string, field: string): YamlValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OssemError(where, `"${field}" should be a list`);
  return v;
}

function stringList(v: YamlValue | undefined, where: string, field: string): string[] {
  return list(v, where, field).map((item, i) => {
    if (typeof item === 'string') return item.trim();
    if (typeof item === 'number') return String(item);
    throw new OssemError(where, `"${field}" item ${i + 1} should be text`);
  });
}

/**
 * Sysmon sensor mappings, `object/action` → event IDs, as the union over the sensor versions CAR
 * describes (10.4, 11.0, 13). Union rather than the newest file: Sysmon 13's file splits
 * `registry/edit` into `key_edit` (14) and `value_edit` (13) and drops `edit`, which analytics still
 * reference; Sysmon never withdrew an event type, so an older version's mapping stays true.
 */
export function readSysmonSensors(files: ReadonlyMap<string, Buffer | string>, label: string): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const p of [...files.keys()].filter((k) => SYSMON_SENSOR_PATH.test(k)).sort(compareText)) {
    const where = `${label} ${p}`;
    const doc = loadYaml(asText(files.get(p)!), where);
    if (!isMap(doc)) throw new OssemError(where, 'expected a mapping (a sensor)');
    list(doc['mappings'], where, 'mappings').forEach((m, i) => {
      if (!isMap(m)) throw new OssemError(`${where} mappings[${i}]`, 'not a mapping');
      const object = text(m, 'object');
      const action = text(m, 'action');
      if (!object || !action) throw new OssemError(`${where} mappings[${i}]`, 'missing "object" or "action"');
      const notes = text(m, 'notes') ?? '';
      if (!/^Mapped to Events?\b/i.test(notes)) return;
      const ids = [...notes.matchAll(/\bEvents?\s+(\d+)/gi)].map((x) => String(Number(x[1])));
      const k = `${object.toLowerCase()}/${action.toLowerCase()}`;
      const set = out.get(k) ?? new Set<string>();
      for (const id of ids) set.add(id);
      out.set(k, set);
    });
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort((a, b) => Number(a) - Number(b))]));
}

/** An event-ID field as query languages spell it: `EventCode`, `$EventID`, `event_id`, `winlog.event_id`, `[event_code]`. */
const FIELD = /(?:\$|\[)?\b(?:winlog\.event_id|event\.code|event_?code|event_?id)\b\]?/gi;
const OPERATOR = /\s*(?:==|=|:)\s*|\s+in\s*/iy;
const NUMBER = /["']?(\d+)["']?(?![\w.])/y;
/** `[12, 13, 14]`, `("4688" OR "1")`, `(4688, 1)`: only numbers, quotes, commas and ORs inside. */
const BRACKETS = /[[(]([^\])\n]*)[\])]/y;
/** Sigma's YAML list under `EventID:`. */
const YAML_ITEMS = /(?:-[ \t]*["']?\d+["']?[ \t]*(?:\r?\n[ \t]*|$))+/y;

function at(re: RegExp, s: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(s);
}

/** The event IDs a query's code filters on, with where each was named, in order of appearance. */
function findEventIds(code: string): Array<{ eventId: string; index: number }> {
  const found: Array<{ eventId: string; index: number }> = [];
  const put = (ids: string[], index: number): void => {
    for (const id of ids) found.push({ eventId: String(Number(id)), index });
  };
  for (const f of code.matchAll(FIELD)) {
    const op = at(OPERATOR, code, f.index + f[0].length);
    if (!op) continue;
    const pos = f.index + f[0].length + op[0].length;
    const brackets = at(BRACKETS, code, pos);
    if (brackets) {
      const inner = brackets[1]!;
      if (inner.replace(/\d+|["',\s]|\bOR\b/gi, '') === '') put(inner.match(/\d+/g) ?? [], f.index);
      continue;
    }
    const items = at(YAML_ITEMS, code, pos);
    if (items) {
      put(items[0].match(/\d+/g) ?? [], f.index);
      continue;
    }
    const n = at(NUMBER, code, pos);
    if (n) put([n[1]!], f.index);
  }
  return found;
}

/** The event IDs a query's code filters on, in order of appearance, unique. */
export function eventIdsInCode(code: string): string[] {
  return [...new Set(findEventIds(code).map((f) => f.eventId))];
}

/**
 * A log named in the code: `channel="System"`, `[log_name] == "Security"`, `EventLog:"Security"`,
 * `source="WinEventLog:System"`. Only names the alias table knows count (`WINDOWS-NXLOG-AUDIT` does not).
 */
const CHANNEL = /(?:\$|\[)?\b(channel|log_?name|event_?log|source)\b\]?\s*(?:==|=|:)\s*(?:"([^"\n]+)"|'([^'\n]+)'|([\w\-/:]+))/gi;

function namedLogs(code: string): Array<{ log: string; index: number }> {
  const out: Array<{ log: string; index: number }> = [];
  for (const m of code.matchAll(CHANNEL)) {
    const value = (m[2] ?? m[3] ?? m[4] ?? '').trim();
    const isSource = m[1]!.toLowerCase() === 'source';
    if (isSource && !/^(?:xml)?wineventlog:/i.test(value)) continue;
    const spelled = value.replace(/^xml(?=wineventlog:)/i, '');
    const r = resolveLog(/^wineventlog:/i.test(spelled) ? spelled : `WinEventLog:${spelled}`);
    if (r?.known) out.push({ log: r.log, index: m.index });
  }
  return out;
}

/** Sigma categories that Sigma backends map to Sysmon events. */
const SIGMA_SYSMON_CATEGORY =
  /^\s*category:\s*(?:process_creation|process_access|process_termination|registry_(?:event|add|delete|set|rename)|file_(?:event|delete|change|access|rename|executable_detected)|network_connection|image_load|driver_load|create_remote_thread|dns_query|pipe_created|wmi_event|raw_access_thread|create_stream_hash|clipboard_capture|sysmon_\w+)\s*$/im;

/** Whether the code reads Sysmon: it names it (an index, `$LogName=WINDOWS-SYSMON`, `norm_id=WindowsSysmon`, a macro) or is a Sigma rule on a Sysmon category. */
export function queriesSysmon(code: string): boolean {
  if (/sysmon/i.test(code)) return true;
  return /^\s*product:\s*windows\s*$/im.test(code) && SIGMA_SYSMON_CATEGORY.test(code);
}

/**
 * The events one implementation's code names. A Sysmon event ID (1–29) is Sysmon's when the code
 * queries Sysmon and otherwise left to the catalogue; any other ID takes the log named last before
 * it in the code (`channel="System" event_id=7036`), if any: upstream queries name the log per clause,
 * and a Sysmon index next to `EventCode=4688` does not make 4688 a Sysmon event.
 */
export function implementationEvents(code: string): Array<{ log: string; eventId: string }> {
  const sysmon = queriesSysmon(code);
  const logs = namedLogs(code);
  const out: Array<{ log: string; eventId: string }> = [];
  const seen = new Set<string>();
  for (const { eventId, index } of findEventIds(code)) {
    let log = '';
    if (isSysmonId(eventId)) log = sysmon ? 'Sysmon' : '';
    else log = logs.filter((l) => l.index < index && l.log !== 'Sysmon').at(-1)?.log ?? '';
    const k = `${log}\u0000${eventId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ log, eventId });
  }
  return out;
}

function techniques(v: YamlValue | undefined, where: string): RuleTechnique[] {
  const best = new Map<string, string>();
  const put = (id: string, level: string): void => {
    if (!TECHNIQUE_ID.test(id)) return;
    const cur = best.get(id);
    if (cur === undefined || rank(level) > rank(cur)) best.set(id, level);
  };
  list(v, where, 'coverage').forEach((c, i) => {
    if (!isMap(c)) throw new OssemError(`${where} coverage[${i}]`, 'not a mapping');
    const level = coverageLevel(text(c, 'coverage'));
    const technique = text(c, 'technique');
    if (technique) put(technique, level);
    for (const sub of stringList(c['subtechniques'], `${where} coverage[${i}]`, 'subtechniques')) put(sub, level);
  });
  return [...best.keys()].sort(compareText).map((id) => ({ id, coverage: best.get(id)! }));
}

function readAnalytic(doc: YamlMap, where: string, sensors: ReadonlyMap<string, string[]>): DetectionRule {
  const id = text(doc, 'id');
  if (!id) throw new OssemError(where, 'missing "id"');
  if (!CAR_ID.test(id)) throw new OssemError(where, `"id" ${JSON.stringify(id.slice(0, 80))} is not a CAR ID (CAR-YYYY-MM-NNN)`);
  const name = text(doc, 'title');
  if (!name) throw new OssemError(where, 'missing "title"');
  const windows = stringList(doc['platforms'], where, 'platforms').some((p) => p.toLowerCase() === 'windows');

  const events: RuleEventRef[] = [];
  const seen = new Set<string>();
  const add = (log: string, eventId: string, via: string): void => {
    const k = `${log}\u0000${eventId}`;
    if (seen.has(k)) return;
    seen.add(k);
    events.push({ log, eventId, via });
  };
  const unmatched: DetectionRule['unmatched'] = [];
  const seenUnmatched = new Set<string>();

  // (i) The data model, for analytics that run on Windows: a Linux analytic's process/create is not Sysmon 1.
  for (const ref of stringList(doc['data_model_references'], where, 'data_model_references')) {
    const parts = ref.split('/').map((s) => s.trim().toLowerCase());
    if (parts.length < 2 || parts[0] === '' || parts[1] === '') continue;
    const objectAction = `${parts[0]}/${parts[1]}`;
    const via = `data model ${objectAction}`;
    const ids = windows ? (sensors.get(objectAction) ?? []) : [];
    for (const eventId of ids) add('Sysmon', eventId, via);
    if (ids.length === 0 && !seenUnmatched.has(via)) {
      seenUnmatched.add(via);
      unmatched.push({ name: via, reason: windows ? 'no-event-id' : 'not-windows' });
    }
  }

  // (ii) The implementations' code (Sigma links in this snapshot carry no code; pseudocode often names IDs).
  list(doc['implementations'], where, 'implementations').forEach((impl, i) => {
    if (!isMap(impl)) throw new OssemError(`${where} implementations[${i}]`, 'not a mapping');
    const code = impl['code'];
    if (code === undefined || code === null) return;
    if (typeof code !== 'string') throw new OssemError(`${where} implementations[${i}]`, '"code" should be text');
    const type = text(impl, 'type');
    const via = type ? `implementation (${type})` : 'implementation';
    for (const e of implementationEvents(code)) add(e.log, e.eventId, via);
  });

  return {
    source: 'mitre-car',
    id,
    name,
    url: `https://car.mitre.org/analytics/${id}/`,
    status: '',
    techniques: techniques(doc['coverage'], where),
    events,
    unmatched,
  };
}

/**
 * Reads the analytics of a CAR tree (paths relative to the repository root, as `readTarball` gives
 * them); `label` names the archive in errors. Analytics for other platforms are read too: they get
 * events only when their code names event IDs.
 */
export function readCar(files: ReadonlyMap<string, Buffer | string>, label: string): DetectionRule[] {
  const sensors = readSysmonSensors(files, label);
  const rules: DetectionRule[] = [];
  const byId = new Map<string, string>();
  for (const p of [...files.keys()].filter((k) => ANALYTIC_PATH.test(k)).sort(compareText)) {
    const where = `${label} ${p}`;
    const doc = loadYaml(asText(files.get(p)!), where);
    if (!isMap(doc)) throw new OssemError(where, 'expected a mapping (an analytic)');
    const rule = readAnalytic(doc, where, sensors);
    const prev = byId.get(rule.id);
    if (prev) throw new OssemError(where, `analytic id ${rule.id} is also used by ${prev}`);
    byId.set(rule.id, p);
    rules.push(rule);
  }
  return rules.sort((a, b) => compareText(a.id, b.id));
}
