/**
 * The coverage page's configuration inputs, without the DOM: reading a pasted or chosen auditpol
 * CSV and Sysmon XML with the coverage CLI's own parsers (scripts/coverage/readers/), saying what was
 * read (or why not) in plain words, combining them with the ticked events and the audit preset the
 * way `npm run coverage -- --events … --auditpol … --sysmon … --preset …` does, and the texts the
 * page shows about the result. Pure (no DOM, no node: imports), so Node tests run it as the
 * browser does.
 */
import {
  type Advice,
  type AdviceKind,
  type AuditPolicy,
  computeConfigCoverage,
  type ConfigCoverageReport,
  type ConfigEvent,
  type ConfigEventReport,
  type ConfigInputs,
  DEFAULT_TOP,
  gainText,
  type Grade,
  minGradeWords,
  type PresetName,
  presetPolicy,
  presetSettings,
  parseAuditpolCsv,
  parseSysmonConfig,
  type SysmonConfig,
  type VersionData,
} from '../../coverage/index.ts';
import { pluralGrouped as plural } from '../../lib/plural.ts';

export type ConfigKind = 'auditpol' | 'sysmon';

/** Larger files are not read: an auditpol export is a few kB, a big Sysmon configuration under 1 MB. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** Chosen files are decoded exactly as the CLI decodes them. */
export { decodeText as decodeFileBytes } from '../../coverage/readers/decode.ts';

/** Why a file is not read before parsing (too big); null when it may be read. */
export function fileTooBig(name: string, size: number): string | null {
  if (size <= MAX_CONFIG_BYTES) return null;
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${name} is ${mb(size)}: larger than the ${mb(MAX_CONFIG_BYTES)} this page reads. An auditpol export or a Sysmon configuration is much smaller; is it the right file?`;
}

export interface ReadOk<T> {
  ok: true;
  value: T;
  /** One sentence: what was read. */
  summary: string;
  /** Problems with single rows or elements (unknown subcategories with the closest names, …). */
  warnings: string[];
  /** How it was read (localised names matched by GUID, missing subcategories, defaults). */
  notes: string[];
}

export interface ReadFailed {
  ok: false;
  /** What happened, in plain words, and what to do. */
  headline: string;
  /** The parser's own message (file, line, details). */
  detail: string;
}

export type ReadResult<T> = ReadOk<T> | ReadFailed;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The plain-words headline for a parser error (the parser's message follows it as the detail). */
export function plainInputError(kind: ConfigKind, message: string, text = ''): string {
  if (/<!(DOCTYPE|ENTITY)> is not accepted/.test(message)) {
    return 'Refused: the file declares a document type (DTD) or entities. This page never reads them, because they can pull in local files (XXE) or grow without bound. Remove the <!DOCTYPE …> block and try again.';
  }
  if (kind === 'auditpol' && /<\s*Sysmon\b/i.test(text)) return 'This looks like a Sysmon configuration: put it in the Sysmon box below instead.';
  if (kind === 'sysmon' && /subcategory guid|inclusion setting/i.test(text)) return 'This looks like auditpol output: put it in the audit policy box instead.';
  if (/is not a Sysmon configuration/.test(message)) return 'This is XML, but not a Sysmon configuration: a Sysmon configuration starts with <Sysmon schemaversion="4.…">.';
  if (/not well-formed XML/.test(message)) return 'This is not well-formed XML, so it was not read. The line number below says where it breaks.';
  if (/not valid CSV/.test(message)) return 'This is not valid CSV, so it was not read: a quoted field is not closed. Copy the whole output of the command again.';
  if (/table output, not CSV/.test(message)) return 'This is the table that auditpol prints without /r. Run auditpol /get /category:* /r to get CSV, and paste that.';
  if (kind === 'auditpol') return 'This does not look like the output of auditpol /get /category:* /r, so it was not read.';
  return 'This Sysmon configuration was not read.';
}

function failed(kind: ConfigKind, e: unknown, text: string): ReadFailed {
  const detail = messageOf(e);
  return { ok: false, headline: plainInputError(kind, detail, text), detail };
}


/** Reads auditpol CSV text with the CLI's parser; null for blank text. */
export function readAuditpol(text: string, source: string): ReadResult<AuditPolicy> | null {
  if (text.trim() === '') return null;
  let policy: AuditPolicy;
  try {
    policy = parseAuditpolCsv(text, source);
  } catch (e) {
    return failed('auditpol', e, text);
  }
  const audited = [...policy.entries.values()].filter((e) => e.success || e.failure).length;
  const summary = `Read ${plural(policy.entries.size, 'audit subcategory', 'audit subcategories')}${policy.machine ? ` of ${policy.machine}` : ''}: ${audited} audited.`;
  return { ok: true, value: policy, summary, warnings: [...policy.warnings], notes: [...policy.notes] };
}

/** Reads a Sysmon configuration with the CLI's parser (DTDs and entities refused); null for blank text. */
export function readSysmon(text: string, source: string): ReadResult<SysmonConfig> | null {
  if (text.trim() === '') return null;
  let config: SysmonConfig;
  try {
    config = parseSysmonConfig(text, source);
  } catch (e) {
    return failed('sysmon', e, text);
  }
  const types = [...config.types.values()];
  const of = (s: string): string[] => types.filter((t) => t.state === s).map((t) => t.element);
  const partial = of('partial');
  const summary =
    `Read a Sysmon configuration (schema ${config.schemaVersion ?? 'not given'}): ${plural(of('full').length, 'event type')} logged in full, ` +
    `${partial.length} filtered by include rules (partial${partial.length > 0 ? `: ${partial.join(', ')}` : ''}), ${of('off').length} off.`;
  const notes: string[] = [];
  const unconfigured = types.filter((t) => !t.configured && t.state === 'full').map((t) => t.element);
  if (unconfigured.length > 0) notes.push(`No rule for ${unconfigured.join(', ')}: counted as logged (Sysmon's default for these types).`);
  return { ok: true, value: config, summary, warnings: [...config.warnings], notes };
}

/** Everything the page combines: the ticks, the audit preset and the two configuration inputs. */
export interface PageInputs {
  ticked: readonly string[];
  preset: PresetName | null;
  auditpol: AuditPolicy | null;
  sysmon: SysmonConfig | null;
}

export function hasInput(p: PageInputs): boolean {
  return p.ticked.length > 0 || p.preset !== null || p.auditpol !== null || p.sysmon !== null;
}

/** How a preset was derived, as the CLI notes it in its report. */
export function presetNote(details: readonly ConfigEvent[], preset: PresetName): string {
  const ms = presetSettings(details, preset)
    .filter((x) => x.from === 'microsoft')
    .map((x) => x.subcategory.name);
  return (
    `preset ${preset}: per-subcategory defaults voted from OSSEM's ${preset.endsWith('client') ? 'client' : 'server'}_default of each Security event` +
    (ms.length > 0 ? `; ${ms.join(', ')} from Microsoft's Audit Policy Recommendations (no OSSEM value)` : '') +
    '; other subcategories No Auditing'
  );
}

/** The page's inputs as the CLI's: `--events` (the ticks), `--auditpol`, `--preset`, `--sysmon`. */
export function configInputs(details: readonly ConfigEvent[], p: PageInputs): { inputs: ConfigInputs; notes: string[] } {
  return {
    inputs: {
      events: [...p.ticked],
      auditpol: p.auditpol ? [p.auditpol] : [],
      presets: p.preset ? [presetPolicy(details, p.preset)] : [],
      sysmon: p.sysmon ? [p.sysmon] : [],
    },
    notes: p.preset ? [presetNote(details, p.preset)] : [],
  };
}

/** The configuration coverage report of the page's inputs (as the CLI computes it, `--min-grade` included); null when there is none. */
export function pageReport(data: VersionData, details: readonly ConfigEvent[], p: PageInputs, top = DEFAULT_TOP, minGrade: Grade = 'related'): ConfigCoverageReport | null {
  if (!hasInput(p)) return null;
  const { inputs, notes } = configInputs(details, p);
  return computeConfigCoverage(data, details, inputs, { top, notes, minGrade });
}

export type TagKind = 'ticked' | 'auditpol' | 'preset' | 'sysmon';

export interface EventTag {
  kind: TagKind;
  /** The short text shown: `ticked`, `auditpol`, `preset`, `sysmon` or `sysmon partial`. */
  label: string;
  partial: boolean;
  /** Why, for a tooltip: `Process Creation: Success`, `ProcessAccess: partial (include rules …)`. */
  title: string;
}

const TAG_ORDER: readonly TagKind[] = ['ticked', 'auditpol', 'preset', 'sysmon'];

/** Which inputs collect an event, one tag per kind of input (the CLI's `events` input is the ticks). */
export function eventTags(e: Pick<ConfigEventReport, 'sources'>): EventTag[] {
  const out: EventTag[] = [];
  for (const kind of TAG_ORDER) {
    const sources = e.sources.filter((s) => (kind === 'ticked' ? s.input === 'events' : s.input === kind));
    if (sources.length === 0) continue;
    const partial = sources.every((s) => s.partial);
    out.push({
      kind,
      label: partial ? `${kind} partial` : kind,
      partial,
      title: kind === 'ticked' ? 'ticked in the list' : sources.map((s) => `${s.source}: ${s.detail}`).join('; '),
    });
  }
  return out;
}

export interface CollectedCounts {
  events: number;
  /** Events collected only partially (filtered Sysmon types and nothing else). */
  partial: number;
  byInput: Record<TagKind, number>;
}

export function collectedCounts(r: ConfigCoverageReport): CollectedCounts {
  const byInput: Record<TagKind, number> = { ticked: 0, auditpol: 0, preset: 0, sysmon: 0 };
  for (const e of r.events) for (const t of eventTags(e)) byInput[t.kind]++;
  return { events: r.events.length, partial: r.events.filter((e) => e.status === 'partial').length, byInput };
}

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

const INPUT_WORDS: Record<TagKind, string> = { ticked: 'ticked', auditpol: 'through the audit policy', preset: 'through the preset', sysmon: 'through Sysmon' };

/** `with a mapped event`, or at a minimum grade `with an event mapped at grade named or better`. */
const mappedWords = (min: Grade): string => (min === 'related' ? 'with a mapped event' : `with an event mapped at ${minGradeWords(min)}`);

/**
 * The sentence of the live status line: confirmed + named first (the headline of the CLI's
 * report), then related (when related links count), then partial. `mapped` and `minGrade` are the
 * version's count at the page's minimum grade (used when there is no report).
 */
export function statusText(r: ConfigCoverageReport | null, mapped: number, minGrade: Grade = 'related'): string {
  if (!r) return `Nothing collected yet: tick the events you collect, paste your configuration or start from a preset. 0 of ${mapped} techniques ${mappedWords(minGrade)} have a collected event mapped to them.`;
  const t = r.totals;
  const c = collectedCounts(r);
  const onlyTicks = c.byInput.auditpol + c.byInput.preset + c.byInput.sysmon === 0;
  const what = onlyTicks
    ? `${plural(c.byInput.ticked, 'event')} ticked`
    : `${plural(c.events, 'event')} collected (${TAG_ORDER.filter((k) => c.byInput[k] > 0)
        .map((k) => `${c.byInput[k]} ${INPUT_WORDS[k]}`)
        .join(', ')})`;
  const partial = t.partial > 0 ? `; ${plural(t.partial, 'technique')} more only partially (filtered Sysmon event types)` : '';
  const strong = t.confirmed + t.named;
  const related = r.minGrade === 'related' ? `; ${t.related} more only related (${t.seen} at any grade, ${pct(t.seen, t.mapped)})` : ` (links of ${minGradeWords(r.minGrade)} only)`;
  return (
    `${what}: ${strong} of ${t.mapped} techniques ${mappedWords(r.minGrade)} have a collected event mapped to them by a confirmed or named link (${pct(strong, t.mapped)}): ` +
    `${t.confirmed} confirmed, ${t.named} named${related}${partial}. ${t.total} Windows techniques in all.`
  );
}

export const ADVICE_KIND_LABELS: Record<AdviceKind, string> = {
  'audit-subcategory': 'audit subcategory',
  'sysmon-event-type': 'Sysmon event type',
  switch: 'switch',
  event: 'single event',
};

/** `Turn on audit subcategory Logon (success)`: the core's title with a capital. */
export function adviceHeading(a: Pick<Advice, 'title'>): string {
  return a.title.charAt(0).toUpperCase() + a.title.slice(1);
}

/** `+5 confirmed, +2 named; 12 new techniques, 5 partial → seen; 400 confirmed or named after (85.1%), 430 at any grade` */
export function adviceGain(a: Pick<Advice, 'gained' | 'adds' | 'upgrades' | 'seenAfter' | 'after'>, mapped: number): string {
  const up = a.upgrades.length > 0 ? `, ${a.upgrades.length} partial → seen` : '';
  const strong = a.after.confirmed + a.after.named;
  return `${gainText(a.gained)}; ${plural(a.adds.length, 'new technique')}${up}; ${strong} confirmed or named after (${pct(strong, mapped)}), ${a.seenAfter} at any grade`;
}

/**
 * The text to show and copy for a recommendation: the Sysmon snippet laid out one element per
 * line, or the commands one per line; '' when there is nothing to run.
 */
export function adviceCode(a: Pick<Advice, 'kind' | 'commands' | 'snippet'>): string {
  if (a.kind === 'sysmon-event-type' && a.snippet) return prettyXml(a.snippet);
  return a.commands.join('\n');
}

/** Lays out a snippet of nested elements without text (`<a><b><c/></b></a>`) one element per line. */
export function prettyXml(xml: string): string {
  const tags = xml.match(/<[^>]+>/g);
  if (!tags || tags.join('') !== xml.trim()) return xml;
  let depth = 0;
  const lines: string[] = [];
  for (const tag of tags) {
    if (tag.startsWith('</')) depth = Math.max(0, depth - 1);
    lines.push(`${'  '.repeat(depth)}${tag}`);
    if (!tag.startsWith('</') && !tag.endsWith('/>') && !tag.startsWith('<?') && !tag.startsWith('<!')) depth++;
  }
  return lines.join('\n');
}

/** The names of the page's downloads (the current-state layer keeps the old page's name). */
export function downloadNames(version: string): { layer: string; adviceLayer: string; csv: string } {
  return { layer: `coverage-attack-${version}-layer.json`, adviceLayer: `coverage-attack-${version}-advice-layer.json`, csv: `coverage-attack-${version}.csv` };
}
