/**
 * `npm run plan -- [--attack V] (--group NAME | --campaign NAME | --software NAME | --techniques LIST |
 *   --layer FILE | --tactic NAME)… [--auditpol FILE] [--sysmon FILE] [--preset NAME] [--events LIST]
 *   [--min-grade G] [--top N] [--format md|csv|json] [--layer-out FILE] [--layer-dark FILE]`
 *
 * Thin shell over scripts/plan/: parse the arguments, read the files, print the plan, write the layers.
 */
import path from 'node:path';
import { writeFileAtomic } from '../sources/atomic.ts';
import { stringifyJson } from '../lib/json.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { DEFAULT_TOP, GRADES, type Grade, type NavigatorLayer, PlanError, PRESETS, validateLayer } from '../plan/core.ts';
import { formatPlan, isPlanFormat, type PlanFormat } from '../plan/format.ts';
import { readCollected } from '../plan/inputs.ts';
import { buildDarkLayer, buildPlanLayer } from '../plan/layers.ts';
import { loadPlanVersion, readLayerFile } from '../plan/load.ts';
import { computePlan } from '../plan/plan.ts';
import { resolveTarget } from '../plan/targets.ts';
import { type CliIo, isMain, parseCliArgs, processIo, runCli, runCommand, UsageError } from './errors.ts';

const USAGE = `Usage: npm run plan -- --group NAME [options]

A threat-informed Windows logging plan: for the techniques of the groups, campaigns, software or Navigator
layer you name, the audit subcategories (with their auditpol command), Sysmon event types (with a
configuration snippet) and switches to turn on, strongest first, each with the techniques it makes
visible by grade (confirmed, named, related: mapped, not detected) and the share of the target after it;
then the techniques no Windows event can show. Combine any of the targets:

  --group NAME        a group by ATT&CK ID, name or alias: G0016, APT29, "Cozy Bear" (repeatable)
  --campaign NAME     a campaign: C0024, "SolarWinds Compromise" (repeatable)
  --software NAME     malware or a tool: S0154, "Cobalt Strike" (repeatable)
  --with-software     groups and campaigns: add the techniques of the software they use
  --techniques LIST   technique IDs: T1003.001,T1059.001 (repeatable)
  --layer FILE        an ATT&CK Navigator layer (JSON, formats 3.x–4.x): its enabled techniques with a score
                      above 0 (or a colour or comment), within its platform filter (repeatable)
  --tactic NAME       alone: every technique of the tactic; with other targets: only those in it (repeatable)

What is collected already (the coverage command's inputs; the plan lists only what is missing):
  --auditpol FILE     the CSV of auditpol /get /category:* /r (repeatable)
  --sysmon FILE       a Sysmon configuration XML (repeatable)
  --preset NAME       the Windows default audit policy: ${PRESETS.join(' or ')}
  --events LIST       events you collect, LOG:ID: Security:4688,Sysmon:1 (repeatable)
  --events-file FILE  one event per line, # comments (repeatable)

Output:
  --attack VERSION    ATT&CK version: 18.1, 18 (newest 18.x) or latest (default: latest)
  --data DIR          data folder with index.json (default: the repository's data/)
  --format FORMAT     md (default), csv or json
  --top N             number of steps (default: ${DEFAULT_TOP}; 0: counts only)
  --min-grade GRADE   only links of this grade or better count: related (default), named or confirmed
  --layer-out FILE    write a Navigator layer of the target as the plan leaves it (score = grade; 0 not visible)
  --layer-dark FILE   write a Navigator layer of what stays dark (1 beyond the steps, 0 no Windows event)
  -h, --help          this text
`;

export interface PlanArgs {
  attack: string;
  dataDir: string;
  groups: string[];
  campaigns: string[];
  software: string[];
  withSoftware: boolean;
  techniques: string[];
  layers: string[];
  tactics: string[];
  auditpol: string[];
  sysmon: string[];
  presets: string[];
  events: string[];
  eventsFiles: string[];
  format: PlanFormat;
  top: number;
  minGrade: Grade;
  layerOut: string | undefined;
  layerDark: string | undefined;
}

export function parsePlanArgs(argv: string[]): { help: true } | { help: false; args: PlanArgs } {
  const many = { type: 'string', multiple: true } as const;
  const { values } = parseCliArgs(
    argv,
    {
      attack: { type: 'string' },
      data: { type: 'string' },
      group: many,
      campaign: many,
      software: many,
      'with-software': { type: 'boolean' },
      techniques: many,
      layer: many,
      tactic: many,
      auditpol: many,
      sysmon: many,
      preset: many,
      events: many,
      'events-file': many,
      format: { type: 'string' },
      top: { type: 'string' },
      'min-grade': { type: 'string' },
      'layer-out': { type: 'string' },
      'layer-dark': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return { help: true };
  const list = (v: string[] | undefined, flag: string): string[] => {
    const out = v ?? [];
    if (out.some((x) => x.trim() === '')) throw new UsageError(`${flag} needs a value`);
    return out;
  };
  const args = {
    groups: list(values.group, '--group'),
    campaigns: list(values.campaign, '--campaign'),
    software: list(values.software, '--software'),
    techniques: list(values.techniques, '--techniques'),
    layers: list(values.layer, '--layer'),
    tactics: list(values.tactic, '--tactic'),
    auditpol: list(values.auditpol, '--auditpol'),
    sysmon: list(values.sysmon, '--sysmon'),
    presets: list(values.preset, '--preset'),
    events: list(values.events, '--events'),
    eventsFiles: list(values['events-file'], '--events-file'),
  };
  if ([args.groups, args.campaigns, args.software, args.techniques, args.layers, args.tactics].every((x) => x.length === 0)) {
    throw new UsageError(`give a target: --group, --campaign, --software, --techniques, --layer or --tactic\n\n${USAGE}`);
  }
  for (const p of args.presets) if (!(PRESETS as readonly string[]).includes(p)) throw new UsageError(`--preset: "${p}" is not ${PRESETS.join(' or ')}`);
  const format = values.format ?? 'md';
  if (!isPlanFormat(format)) throw new UsageError(`--format: "${format}" is not md, csv or json`);
  const topText = values.top ?? String(DEFAULT_TOP);
  if (!/^\d+$/.test(topText.trim())) throw new UsageError(`--top: "${topText}" is not a whole number ≥ 0`);
  const minGrade = (values['min-grade'] ?? 'related').trim().toLowerCase();
  if (!(GRADES as readonly string[]).includes(minGrade)) throw new UsageError(`--min-grade: "${values['min-grade']}" is not ${GRADES.join(', ')}`);
  for (const flag of ['layer-out', 'layer-dark'] as const) if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag} needs a file name`);
  return {
    help: false,
    args: {
      ...args,
      attack: values.attack ?? 'latest',
      dataDir: path.resolve(values.data ?? path.join(REPO_ROOT, 'data')),
      withSoftware: values['with-software'] === true,
      format,
      top: Number(topText),
      minGrade: minGrade as Grade,
      layerOut: values['layer-out'],
      layerDark: values['layer-dark'],
    },
  };
}

async function writeLayer(flag: string, file: string, layer: NavigatorLayer, io: CliIo): Promise<void> {
  const problems = validateLayer(layer);
  if (problems.length > 0) throw new PlanError(`${flag}: the layer is not valid: ${problems.slice(0, 5).join('; ')}`);
  try {
    await writeFileAtomic(file, stringifyJson(layer));
  } catch (e) {
    throw new PlanError(`${flag}: cannot write ${file}: ${(e as Error).message}`);
  }
  io.stderr(`wrote Navigator layer ${file} (${layer.name})\n`);
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const parsed = parsePlanArgs(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return;
  }
  const a = parsed.args;
  const { version, catalog } = await loadPlanVersion(a.dataDir, a.attack);
  const layers = await Promise.all(a.layers.map(async (f) => ({ source: f, layer: await readLayerFile(f) })));
  const target = resolveTarget(catalog, { groups: a.groups, campaigns: a.campaigns, software: a.software, techniques: a.techniques, layers, tactics: a.tactics, withSoftware: a.withSoftware });
  const inputs = await readCollected(a, version.data, version.details);
  const report = computePlan(version, target, { top: a.top, minGrade: a.minGrade, inputs });
  for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
  io.stdout(formatPlan(report, a.format));
  if (a.layerOut !== undefined) await writeLayer('--layer-out', a.layerOut, buildPlanLayer(version.data, report), io);
  if (a.layerDark !== undefined) await writeLayer('--layer-dark', a.layerDark, buildDarkLayer(version.data, report), io);
}

/** Runs `npm run plan -- ARGV` in this process and returns its exit status (what a test calls; the command is the same). */
export function planCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(() => main(argv, io), io.stderr);
}

if (isMain(import.meta.url)) await runCli(() => main(process.argv.slice(2), processIo));
