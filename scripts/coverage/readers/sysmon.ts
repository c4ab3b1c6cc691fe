/**
 * Reads a Sysmon configuration (schema 4.x) and says, per event type, how much of it is logged:
 * - `full`: no include rule, e.g. an empty `<ProcessAccess onmatch="exclude"/>` (everything) or
 *   exclude rules with conditions (everything but the excluded noise);
 * - `partial`: include rules with conditions (only what they match is logged);
 * - `off`: only empty include rules (`<RawAccessRead onmatch="include"/>`: nothing matches);
 * - types without any rule get Sysmon's default (SYSMON_DEFAULT_ON: full, else off).
 * Sysmon logs an event when it matches an include rule (if the type has any) and no exclude rule.
 *
 * Rules may sit directly under `<EventFiltering>` (older configs) or inside `<RuleGroup>`
 * wrappers (`groupRelation="or"|"and"`); `<Rule>` compound rules count as conditions.
 * DTDs and entities are refused (see xml.ts). A document whose root is not `<Sysmon>` is refused,
 * and so is a text longer than MAX_CONFIG_INPUT_BYTES (decode.ts), before it is parsed. At most
 * MAX_WARNINGS warnings are listed, then one line "… and K more warnings".
 *
 * Pure module: no I/O, no node: imports.
 */
import { editDistance } from '../../lib/edit-distance.ts';
import { cmp, CoverageError } from '../types.ts';
import { inputTooLarge, WarningList } from './decode.ts';
import { SYSMON_DEFAULT_ON, SYSMON_ELEMENT_NAMES } from '../../windows/sysmon.ts';
import { parseXml, type XmlElement } from './xml.ts';

export type SysmonState = 'full' | 'partial' | 'off';

export interface SysmonTypeConfig {
  element: string;
  state: SysmonState;
  /** False when the configuration has no rule for the type (Sysmon's default applies). */
  configured: boolean;
  includeRules: number;
  excludeRules: number;
  /** Field conditions inside include / exclude rules (a `<Rule>` counts its fields). */
  includeConditions: number;
  excludeConditions: number;
  /** Lines of the rule elements, for messages. */
  lines: number[];
}

export interface SysmonConfig {
  source: string;
  schemaVersion: string | undefined;
  /** Every filterable element name of SYSMON_ELEMENT_NAMES → its state. */
  types: Map<string, SysmonTypeConfig>;
  warnings: string[];
}

const OPTION_ELEMENTS = new Set([
  'HashAlgorithms',
  'CheckRevocation',
  'DnsLookup',
  'ArchiveDirectory',
  'CaptureClipboard',
  'CopyOnDeletePE',
  'CopyOnDeleteSIDs',
  'CopyOnDeleteExtensions',
  'CopyOnDeleteProcesses',
  'DriverName',
  'FieldSizes',
]);

function closestElements(name: string): string[] {
  const n = name.toLowerCase();
  return SYSMON_ELEMENT_NAMES.map((e) => ({ e, d: editDistance(n, e.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || cmp(a.e, b.e))
    .slice(0, 3)
    .map((x) => x.e);
}

/** Field conditions of a rule element: every descendant element except `<Rule>` wrappers (iterative). */
function countConditions(el: XmlElement): number {
  let n = 0;
  const stack: XmlElement[] = [...el.children];
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (c.name !== 'Rule') n++;
    for (const d of c.children) stack.push(d);
  }
  return n;
}

/** Parses a Sysmon configuration XML. Throws CoverageError (XmlError) for refused or broken input. */
export function parseSysmonConfig(text: string, source = 'Sysmon configuration'): SysmonConfig {
  const tooLarge = inputTooLarge(source, text.length, 'a Sysmon configuration', 'characters');
  if (tooLarge) throw tooLarge;
  const root = parseXml(text, source);
  if (root.name !== 'Sysmon') {
    throw new CoverageError(
      `${source} is not a Sysmon configuration: the root element is <${root.name}>, expected <Sysmon schemaversion="4.x"> (see Sysinternals' Sysmon documentation, "Configuration files")`,
    );
  }
  const warnings = new WarningList();
  const schemaVersion = root.attributes.schemaversion;
  if (schemaVersion === undefined) warnings.add(`<Sysmon> has no schemaversion attribute; read as schema ${'4.x'}`);
  else if (!/^4\.\d+$/.test(schemaVersion.trim())) warnings.add(`schemaversion "${schemaVersion}" is not 4.x; read with the 4.x rules (event types may differ)`);

  const rules = new Map<string, { include: XmlElement[]; exclude: XmlElement[] }>();
  const addRule = (el: XmlElement): void => {
    if (!SYSMON_ELEMENT_NAMES.includes(el.name)) {
      warnings.add(() => `line ${el.line}: unknown event type <${el.name}> ignored; closest: ${closestElements(el.name).join(', ')}`);
      return;
    }
    const raw = el.attributes.onmatch?.trim().toLowerCase();
    let onmatch: 'include' | 'exclude' = 'include';
    if (raw === 'include' || raw === 'exclude') onmatch = raw;
    else warnings.add(`line ${el.line}: <${el.name}> has ${raw === undefined ? 'no onmatch attribute' : `onmatch="${el.attributes.onmatch ?? ''}"`}; read as onmatch="include"`);
    const r = rules.get(el.name) ?? { include: [], exclude: [] };
    r[onmatch].push(el);
    rules.set(el.name, r);
  };

  const filterings = root.children.filter((c) => c.name === 'EventFiltering');
  if (filterings.length === 0) warnings.add('no <EventFiltering> section: Sysmon logs only its default event types');
  if (filterings.length > 1) warnings.add(`${filterings.length} <EventFiltering> sections; their rules are merged`);
  for (const c of root.children) {
    if (c.name === 'EventFiltering' || OPTION_ELEMENTS.has(c.name)) continue;
    if (SYSMON_ELEMENT_NAMES.includes(c.name)) warnings.add(`line ${c.line}: <${c.name}> directly under <Sysmon> is ignored by Sysmon; rules belong in <EventFiltering>`);
    else warnings.add(`line ${c.line}: unknown element <${c.name}> under <Sysmon> ignored`);
  }
  for (const f of filterings) {
    for (const c of f.children) {
      if (c.name === 'RuleGroup') {
        const rel = c.attributes.groupRelation;
        if (rel !== undefined && rel !== 'or' && rel !== 'and') warnings.add(`line ${c.line}: <RuleGroup groupRelation="${rel}"> is neither "or" nor "and"`);
        if (c.children.length === 0) warnings.add(`line ${c.line}: empty <RuleGroup>`);
        for (const r of c.children) addRule(r);
      } else {
        addRule(c);
      }
    }
  }

  const types = new Map<string, SysmonTypeConfig>();
  for (const element of SYSMON_ELEMENT_NAMES) {
    const r = rules.get(element);
    if (!r) {
      types.set(element, {
        element,
        state: SYSMON_DEFAULT_ON.has(element) ? 'full' : 'off',
        configured: false,
        includeRules: 0,
        excludeRules: 0,
        includeConditions: 0,
        excludeConditions: 0,
        lines: [],
      });
      continue;
    }
    const includeConditions = r.include.reduce((n, el) => n + countConditions(el), 0);
    const excludeConditions = r.exclude.reduce((n, el) => n + countConditions(el), 0);
    const state: SysmonState = r.include.length === 0 ? 'full' : includeConditions > 0 ? 'partial' : 'off';
    types.set(element, {
      element,
      state,
      configured: true,
      includeRules: r.include.length,
      excludeRules: r.exclude.length,
      includeConditions,
      excludeConditions,
      lines: [...r.include, ...r.exclude].map((e) => e.line).sort((a, b) => a - b),
    });
  }
  return { source, schemaVersion, types, warnings: warnings.list() };
}

/** One line about a type's state, e.g. `ProcessAccess: partial (include rules with 12 conditions)`. */
export function describeSysmonType(t: SysmonTypeConfig): string {
  if (!t.configured) return `${t.element}: ${t.state === 'full' ? 'logged (Sysmon default, no rule)' : 'not logged (no rule)'}`;
  if (t.state === 'full') return `${t.element}: full${t.excludeConditions > 0 ? ` (all but ${t.excludeConditions} exclude condition(s))` : ' (empty exclude rule)'}`;
  if (t.state === 'partial') return `${t.element}: partial (include rules with ${t.includeConditions} condition(s))`;
  return `${t.element}: not logged (empty include rule)`;
}
