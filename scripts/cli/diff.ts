/**
 * `npm run diff -- OLD_DIR NEW_DIR [--json] [--out FILE] [--check] [--title TEXT] [--max-chars N] [--old-label L] [--new-label L]`
 *
 * Each DIR is a version folder (data/enterprise-attack/17.1) or a data root (data/). Prints the
 * change report as Markdown (or JSON with --json). With --check, exits 1 when the two differ (after
 * printing the report): the staleness check of CI. When $GITHUB_OUTPUT is set, appends changed=true|false.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffArtifacts, DiffError } from '../diff/diff.ts';
import { loadArtifacts } from '../diff/load.ts';
import { renderJson, renderMarkdown } from '../diff/markdown.ts';
import { setGithubOutputs } from '../nightly/github.ts';
import { type CliIo, isMain, parseCliArgs, processIo, runCli, runCommand, UsageError } from './errors.ts';

const USAGE = `Usage: npm run diff -- OLD_DIR NEW_DIR [options]

Compares two artifact folders: two version folders (data/enterprise-attack/17.1 data/enterprise-attack/18.1)
or two data roots (data/ and a rebuild: every version present in both, plus versions added and removed).

  --json          print the full report as JSON (nothing capped)
  --out FILE      write the report to FILE instead of stdout
  --check         exit 1 when the folders differ (the report is still written)
  --title TEXT    heading of the Markdown report (default: "Change report")
  --max-chars N   shrink the Markdown until it fits N characters (GitHub bodies: 65536)
  --old-label TEXT, --new-label TEXT   how the report names the two folders (default: their paths)
  -h, --help      this text
`;

export interface DiffCliOptions {
  oldDir: string;
  newDir: string;
  json: boolean;
  out: string | null;
  check: boolean;
  title: string | undefined;
  maxChars: number | undefined;
  oldLabel: string;
  newLabel: string;
}

export function parseDiffArgs(argv: string[]): { help: true } | { help: false; options: DiffCliOptions } {
  const parsed = parseCliArgs(
    argv,
    {
      json: { type: 'boolean' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      title: { type: 'string' },
      'max-chars': { type: 'string' },
      'old-label': { type: 'string' },
      'new-label': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 2) throw new UsageError(`expected two folders (OLD_DIR NEW_DIR), got ${positionals.length}\n\n${USAGE}`);
  let maxChars: number | undefined;
  if (values['max-chars'] !== undefined) {
    maxChars = Number(values['max-chars']);
    if (!Number.isInteger(maxChars) || maxChars < 1000) throw new UsageError(`--max-chars: "${values['max-chars']}" is not a whole number of at least 1000`);
  }
  return {
    help: false,
    options: {
      oldDir: positionals[0] as string,
      newDir: positionals[1] as string,
      json: values.json === true,
      out: values.out === undefined ? null : path.resolve(values.out),
      check: values.check === true,
      title: values.title,
      maxChars,
      oldLabel: values['old-label'] ?? (positionals[0] as string),
      newLabel: values['new-label'] ?? (positionals[1] as string),
    },
  };
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const parsed = parseDiffArgs(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return;
  }
  const o = parsed.options;
  const [oldData, newData] = await Promise.all([loadArtifacts(path.resolve(o.oldDir), o.oldLabel), loadArtifacts(path.resolve(o.newDir), o.newLabel)]);
  const report = diffArtifacts(oldData, newData);
  const text = o.json ? renderJson(report) : renderMarkdown(report, { title: o.title, maxChars: o.maxChars });
  if (o.out === null) io.stdout(text);
  else await writeFile(o.out, text);
  await setGithubOutputs({ changed: String(report.changed) });
  if (o.check && report.changed) throw new DiffError(`${o.newDir} differs from ${o.oldDir}; rebuild with npm run data and commit data/ (the report above says what changed)`);
}

/** Runs `npm run diff -- ARGV` in this process and returns its exit status (what a test calls; the command is the same). */
export function diffCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(() => main(argv, io), io.stderr);
}

if (isMain(import.meta.url)) await runCli(() => main(process.argv.slice(2), processIo));
