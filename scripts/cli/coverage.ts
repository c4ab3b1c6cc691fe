/**
 * `npm run coverage -- --events Security:4688,Sysmon:1 [--events-file FILE] [--attack V|latest]
 *   [--data DIR] [--format md|csv|json] [--layer FILE] [--top N] [--min-grade related|named|confirmed]`
 * `npm run coverage -- [--auditpol FILE] [--sysmon FILE] [--preset NAME] [--events …]
 *   [--layer FILE] [--layer-diff FILE] …` (coverage from real configuration, issue #7)
 *
 * Thin shell over scripts/coverage/: read the data, the event list and the configuration files,
 * print the report, write the layers.
 */
import path from 'node:path';
import { stringifyJson } from '../lib/json.ts';
import { plural } from '../lib/plural.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import {
  buildAdviceDiffLayer,
  buildConfigLayer,
  buildCoverageLayer,
  computeConfigCoverage,
  computeCoverage,
  CoverageError,
  DEFAULT_TOP,
  type EventToken,
  eventCatalog,
  formatConfigReport,
  formatReport,
  gradeSummary,
  GRADES,
  isFormat,
  isGrade,
  type Grade,
  isPreset,
  type NavigatorLayer,
  PRESETS,
  presetSettings,
  validateLayer,
  parseEventsArg,
  resolveEventList,
  type CoverageFormat,
} from '../coverage/index.ts';
import { loadConfigVersion, loadVersionData, readCollected, readEventsFile } from '../coverage/load.ts';
import { writeFileAtomic } from '../sources/atomic.ts';
import { type CliIo, isMain, parseCliArgs, processIo, runCli, runCommand, UsageError } from './errors.ts';

const USAGE = `Usage: npm run coverage -- --events LIST [options]
       npm run coverage -- --auditpol FILE --sysmon FILE [--preset NAME] [options]

Which Windows ATT&CK techniques the events you collect are mapped to, per tactic and by the grade of the
link (confirmed by a detection rule, named by ATT&CK, related through a data component: mapped, not
detected), and which events to add next.
With configuration files: what your audit policy and Sysmon configuration collect, and what to switch on next
(audit subcategories with their auditpol commands, Sysmon event types with a configuration snippet).

  --events LIST       events you collect, LOG:ID separated by commas: Security:4688,Sysmon:1
                      (logs by short name, alias or channel: sysmon, WinEventLog:Security, …; repeatable)
  --events-file FILE  one event per line, # comments, blank lines ignored ("-" reads stdin; repeatable)
  --auditpol FILE     the CSV of auditpol /get /category:* /r (any language; repeatable)
  --sysmon FILE       a Sysmon configuration XML, schema 4.x (repeatable)
  --preset NAME       the Windows default audit policy: ${PRESETS.join(' or ')}
  --layer-diff FILE   also write a Navigator layer of what the top N recommendations would gain
  --attack VERSION    ATT&CK version: 18.1, 18 (newest 18.x) or latest (default: latest)
  --data DIR          data folder with index.json (default: the repository's data/)
  --format FORMAT     md (default), csv or json
  --layer FILE        also write an ATT&CK Navigator layer (format 4.5) of the coverage to FILE,
                      scored by grade (confirmed 3, named 2, related 1; 0 mapped, not collected)
  --top N             length of the next-best list / advice (default: ${DEFAULT_TOP}; 0 for none)
  --min-grade GRADE   only links of this grade or better count: related (default: every link),
                      named (an ATT&CK analytic names the event, or a detection rule uses it) or
                      confirmed (a public detection rule uses the event for the technique)
  -h, --help          this text
`;

export interface CoverageArgs {
  events: string[];
  eventsFiles: string[];
  attack: string;
  dataDir: string;
  format: CoverageFormat;
  layer: string | undefined;
  top: number;
  auditpol: string[];
  sysmon: string[];
  presets: string[];
  layerDiff: string | undefined;
  minGrade: Grade;
}

/** True when the configuration report (issue #7) is asked for rather than the event-list report. */
export function isConfigMode(a: CoverageArgs): boolean {
  return a.auditpol.length > 0 || a.sysmon.length > 0 || a.presets.length > 0 || a.layerDiff !== undefined;
}

export function parseCoverageArgs(argv: string[]): { help: true } | { help: false; args: CoverageArgs } {
  const { values } = parseCliArgs(
    argv,
    {
      events: { type: 'string', multiple: true },
      'events-file': { type: 'string', multiple: true },
      attack: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      layer: { type: 'string' },
      top: { type: 'string' },
      auditpol: { type: 'string', multiple: true },
      sysmon: { type: 'string', multiple: true },
      preset: { type: 'string', multiple: true },
      'layer-diff': { type: 'string' },
      'min-grade': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return { help: true };
  const events = values.events ?? [];
  const eventsFiles = values['events-file'] ?? [];
  const auditpol = values.auditpol ?? [];
  const sysmon = values.sysmon ?? [];
  const presets = values.preset ?? [];
  if (events.length === 0 && eventsFiles.length === 0 && auditpol.length === 0 && sysmon.length === 0 && presets.length === 0) {
    throw new UsageError(`give the events you collect with --events or --events-file, or your configuration with --auditpol, --sysmon or --preset\n\n${USAGE}`);
  }
  for (const p of presets) if (!isPreset(p)) throw new UsageError(`--preset: "${p}" is not ${PRESETS.join(' or ')}`);
  for (const [flag, v] of [['--auditpol', auditpol], ['--sysmon', sysmon]] as const) if (v.some((f) => f.trim() === '')) throw new UsageError(`${flag} needs a file name`);
  if (values['layer-diff'] !== undefined && values['layer-diff'].trim() === '') throw new UsageError('--layer-diff needs a file name');
  const format = values.format ?? 'md';
  if (!isFormat(format)) throw new UsageError(`--format: "${format}" is not md, csv or json`);
  const topText = values.top ?? String(DEFAULT_TOP);
  if (!/^\d+$/.test(topText.trim())) throw new UsageError(`--top: "${topText}" is not a whole number ≥ 0`);
  if (values.layer !== undefined && values.layer.trim() === '') throw new UsageError('--layer needs a file name');
  const minGrade = (values['min-grade'] ?? 'related').trim().toLowerCase();
  if (!isGrade(minGrade)) throw new UsageError(`--min-grade: "${values['min-grade']}" is not ${GRADES.join(', ')}`);
  return {
    help: false,
    args: {
      events,
      eventsFiles,
      attack: values.attack ?? 'latest',
      dataDir: path.resolve(values.data ?? path.join(REPO_ROOT, 'data')),
      format,
      layer: values.layer,
      top: Number(topText),
      auditpol,
      sysmon,
      presets,
      layerDiff: values['layer-diff'],
      minGrade,
    },
  };
}

async function writeLayer(flag: string, file: string, layer: NavigatorLayer, what: string, io: CliIo): Promise<void> {
  const problems = validateLayer(layer);
  if (problems.length > 0) throw new CoverageError(`${flag}: the layer is not valid: ${problems.slice(0, 5).join('; ')}`, problems);
  try {
    await writeFileAtomic(file, stringifyJson(layer));
  } catch (e) {
    throw new CoverageError(`${flag}: cannot write ${file}: ${(e as Error).message}`);
  }
  io.stderr(`wrote Navigator layer ${file} (${what})\n`);
}

/** Coverage from configuration files (issue #7). */
async function configMain(a: CoverageArgs, io: CliIo): Promise<void> {
  const { data, details } = await loadConfigVersion(a.dataDir, a.attack);
  const inputs = await readCollected(a, data, details, io.stdin);
  const presets = a.presets.filter(isPreset);
  const notes = presets.map((p) => {
    const s = presetSettings(details, p);
    const ms = s.filter((x) => x.from === 'microsoft').map((x) => x.subcategory.name);
    return (
      `preset ${p}: per-subcategory defaults voted from OSSEM's ${p.endsWith('client') ? 'client' : 'server'}_default of each Security event` +
      (ms.length > 0 ? `; ${ms.join(', ')} from Microsoft's Audit Policy Recommendations (no OSSEM value)` : '') +
      '; other subcategories No Auditing'
    );
  });
  const report = computeConfigCoverage(data, details, inputs, { top: a.top, notes, minGrade: a.minGrade });
  for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
  io.stdout(formatConfigReport(report, a.format));
  const t = report.totals;
  if (a.layer !== undefined) await writeLayer('--layer', a.layer, buildConfigLayer(data, report), `${gradeSummary(t)}, ${t.partial} partial of ${t.mapped} mapped techniques`, io);
  if (a.layerDiff !== undefined) {
    const changed = new Set(report.advice.flatMap((x) => GRADES.flatMap((g) => x.gained[g]))).size;
    const n = report.advice.length;
    await writeLayer('--layer-diff', a.layerDiff, buildAdviceDiffLayer(data, report, { top: a.top }), `${plural(changed, 'technique')} gained by ${plural(n, 'recommendation')}`, io);
  }
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const parsed = parseCoverageArgs(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return;
  }
  const a = parsed.args;
  if (isConfigMode(a)) {
    await configMain(a, io);
    return;
  }
  const data = await loadVersionData(a.dataDir, a.attack);
  const tokens: EventToken[] = [...a.events.flatMap(parseEventsArg), ...(await Promise.all(a.eventsFiles.map((f) => readEventsFile(f, io.stdin)))).flat()];
  const keys = resolveEventList(tokens, eventCatalog(data));
  const report = computeCoverage(data, keys, { top: a.top, minGrade: a.minGrade });
  io.stdout(formatReport(report, a.format));
  const t = report.totals;
  if (a.layer !== undefined) await writeLayer('--layer', a.layer, buildCoverageLayer(data, report), `${gradeSummary(t)} of ${t.mapped} mapped techniques`, io);
}

/** Runs `npm run coverage -- ARGV` in this process and returns its exit status (what a test calls; the command is the same). */
export function coverageCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(() => main(argv, io), io.stderr);
}

if (isMain(import.meta.url)) await runCli(() => main(process.argv.slice(2), processIo));
