/**
 * `npm run coverage -- --events Security:4688,Sysmon:1 [--events-file FILE] [--attack V|latest]
 *   [--data DIR] [--format md|csv|json] [--layer FILE] [--top N]`
 *
 * Thin shell over scripts/coverage/: read the data and the event list, print the report, write the layer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringifyJson } from '../artifacts/json.ts';
import {
  buildCoverageLayer,
  computeCoverage,
  CoverageError,
  DEFAULT_TOP,
  type EventToken,
  eventCatalog,
  formatReport,
  isFormat,
  parseEventsArg,
  parseEventsFile,
  resolveEventList,
  type CoverageFormat,
} from '../coverage/index.ts';
import { loadVersionData } from '../coverage/load.ts';
import { writeFileAtomic } from '../sources/atomic.ts';
import { runCli, UsageError } from './errors.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `Usage: npm run coverage -- --events LIST [options]

Which Windows ATT&CK techniques the events you collect can show, per tactic, and which events to add next.

  --events LIST       events you collect, LOG:ID separated by commas: Security:4688,Sysmon:1
                      (logs by short name, alias or channel: sysmon, WinEventLog:Security, …; repeatable)
  --events-file FILE  one event per line, # comments, blank lines ignored ("-" reads stdin; repeatable)
  --attack VERSION    ATT&CK version: 18.1, 18 (newest 18.x) or latest (default: latest)
  --data DIR          data folder with index.json (default: the repository's data/)
  --format FORMAT     md (default), csv or json
  --layer FILE        also write an ATT&CK Navigator layer (format 4.5) of the coverage to FILE
  --top N             length of the next-best-events list (default: ${DEFAULT_TOP}; 0 for none)
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
}

export function parseCoverageArgs(argv: string[]): { help: true } | { help: false; args: CoverageArgs } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        events: { type: 'string', multiple: true },
        'events-file': { type: 'string', multiple: true },
        attack: { type: 'string' },
        data: { type: 'string' },
        format: { type: 'string' },
        layer: { type: 'string' },
        top: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { help: true };
  const events = values.events ?? [];
  const eventsFiles = values['events-file'] ?? [];
  if (events.length === 0 && eventsFiles.length === 0) throw new UsageError(`give the events you collect with --events or --events-file\n\n${USAGE}`);
  const format = values.format ?? 'md';
  if (!isFormat(format)) throw new UsageError(`--format: "${format}" is not md, csv or json`);
  const topText = values.top ?? String(DEFAULT_TOP);
  if (!/^\d+$/.test(topText.trim())) throw new UsageError(`--top: "${topText}" is not a whole number ≥ 0`);
  if (values.layer !== undefined && values.layer.trim() === '') throw new UsageError('--layer needs a file name');
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
    },
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function readEventsFile(file: string): Promise<EventToken[]> {
  try {
    const body = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    return parseEventsFile(body, file === '-' ? 'stdin' : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CoverageError(code === 'ENOENT' ? `--events-file: ${file} does not exist` : `--events-file: cannot read ${file}: ${(e as Error).message}`);
  }
}

async function main(): Promise<void> {
  const parsed = parseCoverageArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const a = parsed.args;
  const data = await loadVersionData(a.dataDir, a.attack);
  const tokens: EventToken[] = [...a.events.flatMap(parseEventsArg), ...(await Promise.all(a.eventsFiles.map(readEventsFile))).flat()];
  const keys = resolveEventList(tokens, eventCatalog(data));
  const report = computeCoverage(data, keys, { top: a.top });
  process.stdout.write(formatReport(report, a.format));
  if (a.layer !== undefined) {
    const layer = buildCoverageLayer(data, report);
    try {
      await writeFileAtomic(a.layer, stringifyJson(layer));
    } catch (e) {
      throw new CoverageError(`--layer: cannot write ${a.layer}: ${(e as Error).message}`);
    }
    process.stderr.write(`wrote Navigator layer ${a.layer} (${report.totals.seen} of ${report.totals.mapped} mapped techniques seen)\n`);
  }
}

/** runCli handles usage errors (exit 2); coverage errors are reported the same way with exit 1. */
export async function runCoverageCli(): Promise<void> {
  await runCli(async () => {
    try {
      await main();
    } catch (e) {
      if (!(e instanceof CoverageError)) throw e;
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 1;
    }
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runCoverageCli();
}
