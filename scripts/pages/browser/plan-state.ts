/**
 * The plan page's state without the DOM: what is picked, kept in the address
 * (`#group=G0016,G0007&campaign=C0024&software=S0154&techniques=T1003.001&preset=…&min-grade=named&top=5`),
 * the `npm run plan` command that prints the same plan, and the search over names and aliases.
 * Layer files and pasted configurations never go into the address. Pure (no DOM, no node: imports),
 * so Node tests run it as the browser does.
 */
import type { Actor, ActorKind } from '../../attack/actors.ts';
import { DEFAULT_TOP, type Grade, GRADES, isGrade, isPreset, type PresetName, PRESETS } from '../../coverage/index.ts';

export interface PlanState {
  groups: string[];
  campaigns: string[];
  software: string[];
  /** Technique IDs as typed (T1003.001). */
  techniques: string[];
  preset: PresetName | null;
  minGrade: Grade;
  top: number;
}

export const EMPTY_STATE: PlanState = { groups: [], campaigns: [], software: [], techniques: [], preset: null, minGrade: 'related', top: DEFAULT_TOP };

/** The step counts the page offers (the CLI takes any). */
export const TOP_CHOICES = [5, 10, 20, 50] as const;

const KEYS = { groups: 'group', campaigns: 'campaign', software: 'software', techniques: 'techniques' } as const;
/** A value in the address: letters, digits and the few marks of IDs and names; the rest percent-encoded. */
const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

/** The address fragment of a state; '' for the empty state. */
export function encodePlanHash(s: PlanState): string {
  const parts: string[] = [];
  for (const [field, key] of Object.entries(KEYS) as Array<[keyof typeof KEYS, string]>) if (s[field].length > 0) parts.push(`${key}=${s[field].map(enc).join(',')}`);
  if (s.preset) parts.push(`preset=${s.preset}`);
  if (s.minGrade !== 'related') parts.push(`min-grade=${s.minGrade}`);
  if (s.top !== DEFAULT_TOP) parts.push(`top=${s.top}`);
  return parts.length === 0 ? '' : `#${parts.join('&')}`;
}

/** The state of an address fragment, and what in it could not be read. Names are resolved later, by the plan's own resolver. */
export function decodePlanHash(hash: string): { state: PlanState; problems: string[] } {
  const state: PlanState = { ...EMPTY_STATE, groups: [], campaigns: [], software: [], techniques: [] };
  const problems: string[] = [];
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    const field = (Object.keys(KEYS) as Array<keyof typeof KEYS>).find((f) => KEYS[f] === key);
    if (field) {
      for (const item of raw.split(',')) {
        let text: string;
        try {
          text = decodeURIComponent(item.replace(/\+/g, ' ')).trim();
        } catch {
          problems.push(`"${item.slice(0, 40)}" is not valid in the address`);
          continue;
        }
        if (text !== '' && !state[field].includes(text)) state[field].push(text.slice(0, 200));
      }
    } else if (key === 'preset') {
      if (isPreset(raw)) state.preset = raw;
      else if (raw !== '') problems.push(`"${raw.slice(0, 40)}" is not a preset (${PRESETS.join(' or ')})`);
    } else if (key === 'min-grade') {
      if (isGrade(raw)) state.minGrade = raw;
      else problems.push(`"${raw.slice(0, 40)}" is not a grade (${GRADES.join(', ')})`);
    } else if (key === 'top') {
      const n = Number(raw);
      if (/^\d{1,3}$/.test(raw) && n > 0) state.top = n;
      else problems.push(`"${raw.slice(0, 40)}" is not a number of steps`);
    } else {
      problems.push(`"${key.slice(0, 40)}" is not a setting of this page`);
    }
  }
  return { state, problems };
}

/** A shell word: bare when it is only safe characters, else in single quotes. */
const shellWord = (s: string): string => (/^[A-Za-z0-9._,:/=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command that prints the same plan (layers and pasted files named as placeholders). */
export function planCommand(version: string, s: PlanState, o: { layers?: number; auditpol?: boolean; sysmon?: boolean } = {}): string {
  const words = ['npm run plan -- --attack', version];
  for (const g of s.groups) words.push('--group', shellWord(g));
  for (const c of s.campaigns) words.push('--campaign', shellWord(c));
  for (const x of s.software) words.push('--software', shellWord(x));
  if (s.techniques.length > 0) words.push('--techniques', shellWord(s.techniques.join(',')));
  for (let i = 0; i < (o.layers ?? 0); i++) words.push('--layer', i === 0 ? 'layer.json' : `layer${i + 1}.json`);
  if (s.preset) words.push('--preset', s.preset);
  if (o.auditpol) words.push('--auditpol', 'audit.csv');
  if (o.sysmon) words.push('--sysmon', 'sysmon.xml');
  if (s.minGrade !== 'related') words.push('--min-grade', s.minGrade);
  if (s.top !== DEFAULT_TOP) words.push('--top', String(s.top));
  return words.join(' ');
}

/** One entry of the page's list. */
export interface Option {
  kind: ActorKind;
  id: string;
  name: string;
  aliases: string[];
  techniques: number;
  /** Lower-cased, punctuation-free ID, name and aliases, as the plan's resolver compares them. */
  keys: string[];
}

/** The resolver's comparison (scripts/plan/targets.ts): any case, spaces and punctuation ignored. */
export const compact = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

/** What the list reads of an entry (an Actor, or the plan data file's slim one). */
export type OptionSource = Pick<Actor, 'id' | 'name' | 'aliases' | 'revokedBy'> & { techniques: readonly unknown[] };

/** One collator for the sort: localeCompare(…, 'en') builds one per call, a tenth of a second for the 1,000 entries on a slow phone. */
const BY_NAME = new Intl.Collator('en');

/** The list's entries: live groups, campaigns and software, each kind by name. */
export function pickOptions(c: { groups: readonly OptionSource[]; campaigns: readonly OptionSource[]; software: readonly OptionSource[] }): Option[] {
  const of = (kind: ActorKind, list: readonly OptionSource[]): Option[] =>
    list
      .filter((a) => a.revokedBy === '')
      .map((a) => ({ kind, id: a.id, name: a.name, aliases: a.aliases.filter((x) => x !== a.name), techniques: a.techniques.length, keys: [a.id, a.name, ...a.aliases].map(compact) }))
      .sort((a, b) => BY_NAME.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
  return [...of('group', c.groups), ...of('campaign', c.campaigns), ...of('software', c.software)];
}

/**
 * The entries matching `query`, best first: an ID, name or alias equal to it, then starting with it,
 * then containing it (each tier groups, campaigns, software, by name). Every entry for an empty query.
 */
export function searchOptions(options: readonly Option[], query: string): Option[] {
  const q = compact(query);
  if (q === '') return [...options];
  const tiers: Option[][] = [[], [], []];
  for (const o of options) {
    const tier = o.keys.some((k) => k === q) ? 0 : o.keys.some((k) => k.startsWith(q)) ? 1 : o.keys.some((k) => k.includes(q)) ? 2 : -1;
    if (tier >= 0) tiers[tier]?.push(o);
  }
  return tiers.flat();
}
