/**
 * `npm run data -- [--attack V[,V…]|latest|all] [--mirror DIR | --mirror-url URL | --offline]
 *   [--out DIR] [--layout stix-data|cti] [--update-lock] [--lock FILE] [--cache DIR] [--include-deprecated]`
 */
import path from 'node:path';
import { DOMAIN } from '../lib/domain.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { readLock } from '../sources/lock.ts';
import type { SourceMode } from '../sources/types.ts';
import type { AttackLayout } from '../sources/upstream.ts';
import { type CliIo, isMain, parseCliArgs, processIo, runCli, runCommand, UsageError } from './errors.ts';
import { BuildError, runBuild } from '../build/run.ts';

export const DEFAULT_LOCK = path.join(REPO_ROOT, 'scripts', 'sources.lock.json');

const USAGE = `Usage: npm run data -- [options]

Builds the Windows event ↔ ATT&CK mapping artifacts into OUT/enterprise-attack/<version>/.

  --attack LIST      versions to build: 18.1, 17.1,18.1, latest, all (default: the lock's attackVersions)
  --out DIR          output folder (default: data)
  --mirror DIR       read every upstream URL from a local folder laid out by URL path (air-gapped)
  --mirror-url URL   fetch every upstream URL from an HTTP server laid out by URL path
  --offline          use only the download cache; never touch the network
  --layout NAME      ATT&CK bundle layout: stix-data (attack-stix-data, default) or cti (mitre/cti tags)
  --update-lock      accept changed or new upstream files and re-pin them in the lock file
  --lock FILE        lock file (default: scripts/sources.lock.json)
  --cache DIR        download cache (default: .cache/sources)
  --include-deprecated  keep revoked and deprecated ATT&CK objects
  --allow-shrink     install a version that lost more than half its rows or techniques (refused by default)
  --build-cache DIR  the build cache: versions whose inputs and build code are unchanged are copied
                     from it (default: .cache/builds)
  --no-cache         build every version, even one whose inputs are in the build cache
  --jobs N           versions built at once in worker threads (default 1: in this thread)
  --check            rebuild in a temporary folder and compare with OUT; exit 1 listing stale files
  -h, --help         this text
`;

export function parseDataArgs(argv: string[]): { help: true } | { help: false; options: {
  attack: string[]; outDir: string; mode: SourceMode; layout: AttackLayout; updateLock: boolean; lockPath: string; includeDeprecated: boolean; check: boolean; jobs: number | undefined; allowShrink: boolean; buildCache: string | undefined;
} } {
  const { values } = parseCliArgs(
    argv,
    {
      attack: { type: 'string', multiple: true },
      out: { type: 'string' },
      mirror: { type: 'string' },
      'mirror-url': { type: 'string' },
      offline: { type: 'boolean' },
      layout: { type: 'string' },
      'update-lock': { type: 'boolean' },
      lock: { type: 'string' },
      cache: { type: 'string' },
      'include-deprecated': { type: 'boolean' },
      check: { type: 'boolean' },
      jobs: { type: 'string' },
      'allow-shrink': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'build-cache': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return { help: true };
  const modes = [values.mirror !== undefined, values['mirror-url'] !== undefined, values.offline === true].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --mirror, --mirror-url and --offline');
  if (values.check && values['update-lock']) throw new UsageError('--check compares with the pinned sources; it cannot be combined with --update-lock');
  const cacheDir = path.resolve(values.cache ?? path.join(REPO_ROOT, '.cache', 'sources'));
  const mode: SourceMode =
    values.mirror !== undefined
      ? { kind: 'mirror', dir: path.resolve(values.mirror) }
      : values['mirror-url'] !== undefined
        ? { kind: 'mirror-url', baseUrl: values['mirror-url'].replace(/\/+$/, ''), cacheDir }
        : values.offline
          ? { kind: 'offline', cacheDir }
          : { kind: 'network', cacheDir };
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs: "${values.jobs}" is not a whole number of 1 or more`);
  const layout = values.layout ?? 'stix-data';
  if (layout !== 'stix-data' && layout !== 'cti') throw new UsageError(`--layout: "${layout}" is not stix-data or cti`);
  return {
    help: false,
    options: {
      attack: (values.attack ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean),
      outDir: path.resolve(values.out ?? path.join(REPO_ROOT, 'data')),
      mode,
      layout,
      updateLock: values['update-lock'] === true,
      lockPath: path.resolve(values.lock ?? DEFAULT_LOCK),
      includeDeprecated: values['include-deprecated'] === true,
      check: values.check === true,
      jobs,
      allowShrink: values['allow-shrink'] === true,
      // Unchanged versions are copied from the content-addressed build cache (scripts/build/cache.ts).
      buildCache: values['no-cache'] === true ? undefined : path.resolve(values['build-cache'] ?? path.join(REPO_ROOT, '.cache', 'builds')),
    },
  };
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const parsed = parseDataArgs(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return;
  }
  const o = parsed.options;
  const lock = await readLock(o.lockPath);
  const log = (line: string): void => io.stderr(`${line}\n`);
  const result = await runBuild({ ...o, lock, log });
  if (o.check) {
    if (result.stale.length > 0) {
      throw new BuildError(`${o.outDir} is stale: ${result.stale.length} file(s) differ from a fresh build (${result.stale.slice(0, 8).join(', ')}${result.stale.length > 8 ? ', …' : ''}); run npm run data and commit the result`);
    }
    log(`${o.outDir} is up to date for ${result.versions.join(', ')}`);
    return;
  }
  log(`wrote ${result.versions.length} version(s) to ${path.join(o.outDir, DOMAIN)}`);
}

/** Runs `npm run data -- ARGV` in this process and returns its exit status (what a test calls; the command is the same). */
export function dataCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(() => main(argv, io), io.stderr);
}

if (isMain(import.meta.url)) await runCli(() => main(process.argv.slice(2), processIo));
