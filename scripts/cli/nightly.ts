/**
 * `npm run nightly -- [--mirror-url URL | --mirror DIR] [--data DIR] [--lock FILE] [--report FILE]
 *   [--json FILE] [--cache DIR] [--allow-shrink]`
 *
 * Checks upstream (the ATT&CK index and every pinned file, by conditional requests against the
 * download cache), rebuilds the lock's versions plus any new ATT&CK release, and when the result
 * differs from the data folder, installs it and re-pins the lock. Prints one summary line; in
 * GitHub Actions also sets the step outputs `changed`, `summary`, `title` and `new-releases`.
 * Any failure exits 1 with an `error:` line and leaves the data folder and the lock untouched.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderJson } from '../diff/markdown.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { setGithubOutputs } from '../nightly/github.ts';
import { runNightly } from '../nightly/run.ts';
import type { SourceMode } from '../sources/types.ts';
import { DEFAULT_LOCK } from './data.ts';
import { type CliIo, isMain, parseCliArgs, processIo, runCli, runCommand, UsageError } from './errors.ts';

const USAGE = `Usage: npm run nightly -- [options]

Rebuilds the lock's ATT&CK versions and any new release from upstream, compares the result with the
data folder, and when anything changed installs it and re-pins the lock (exit 0 either way).

  --mirror-url URL  fetch upstream files from an HTTP server laid out by URL path (default: the network)
  --mirror DIR      read upstream files from a local folder laid out by URL path
  --data DIR        the data folder to update (default: data)
  --lock FILE       lock file (default: scripts/sources.lock.json)
  --report FILE     write the Markdown change report there (the nightly pull request's body)
  --json FILE       write the full change report as JSON there
  --cache DIR       download cache, for conditional requests (default: .cache/sources)
  --allow-shrink    accept a version losing more than half its rows or techniques
  --build-cache DIR the build cache: versions whose inputs and build code are unchanged are copied
                    from it (default: .cache/builds)
  --no-cache        rebuild every version, even one whose inputs are in the build cache
  -h, --help        this text
`;

export interface NightlyCliOptions {
  mode: SourceMode;
  dataDir: string;
  lockPath: string;
  reportPath: string | null;
  jsonPath: string | null;
  allowShrink: boolean;
  buildCache: string | undefined;
}

export function parseNightlyArgs(argv: string[]): { help: true } | { help: false; options: NightlyCliOptions } {
  const { values } = parseCliArgs(
    argv,
    {
      'mirror-url': { type: 'string' },
      mirror: { type: 'string' },
      data: { type: 'string' },
      lock: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'string' },
      cache: { type: 'string' },
      'allow-shrink': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'build-cache': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return { help: true };
  if (values.mirror !== undefined && values['mirror-url'] !== undefined) throw new UsageError('choose one of --mirror and --mirror-url');
  const cacheDir = path.resolve(values.cache ?? path.join(REPO_ROOT, '.cache', 'sources'));
  const mode: SourceMode =
    values.mirror !== undefined
      ? { kind: 'mirror', dir: path.resolve(values.mirror) }
      : values['mirror-url'] !== undefined
        ? { kind: 'mirror-url', baseUrl: values['mirror-url'].replace(/\/+$/, ''), cacheDir }
        : { kind: 'network', cacheDir };
  return {
    help: false,
    options: {
      mode,
      dataDir: path.resolve(values.data ?? path.join(REPO_ROOT, 'data')),
      lockPath: path.resolve(values.lock ?? DEFAULT_LOCK),
      reportPath: values.report === undefined ? null : path.resolve(values.report),
      jsonPath: values.json === undefined ? null : path.resolve(values.json),
      allowShrink: values['allow-shrink'] === true,
      buildCache: values['no-cache'] === true ? undefined : path.resolve(values['build-cache'] ?? path.join(REPO_ROOT, '.cache', 'builds')),
    },
  };
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const parsed = parseNightlyArgs(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return;
  }
  const o = parsed.options;
  const log = (line: string): void => io.stderr(`${line}\n`);
  // Output folders first: a bad path must fail before data/ is touched, not after.
  for (const file of [o.reportPath, o.jsonPath]) if (file !== null) await mkdir(path.dirname(file), { recursive: true });
  const result = await runNightly({ mode: o.mode, dataDir: o.dataDir, lockPath: o.lockPath, allowShrink: o.allowShrink, ...(o.buildCache ? { buildCache: o.buildCache } : {}), log });
  if (o.reportPath !== null) await writeFile(o.reportPath, result.markdown);
  if (o.jsonPath !== null) await writeFile(o.jsonPath, renderJson(result.report));
  io.stdout(`nightly: ${result.summary}\n`);
  await setGithubOutputs({
    changed: String(result.changed),
    summary: result.summary,
    title: result.title,
    'new-releases': result.newReleases.join(','),
  });
}

/** Runs `npm run nightly -- ARGV` in this process and returns its exit status (what a test calls; the command is the same). */
export function nightlyCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(() => main(argv, io), io.stderr);
}

if (isMain(import.meta.url)) await runCli(() => main(process.argv.slice(2), processIo));
