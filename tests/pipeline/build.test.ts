/**
 * The whole pipeline against the offline mirror, served by a real HTTP server on 127.0.0.1:
 * every version, byte-identical to the committed data/, and every fetch fault leaving the output as it was.
 */
import { execFile } from 'node:child_process';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, type IndexEntry } from '../../scripts/artifacts/build.ts';
import { runBuild, type BuildOptions } from '../../scripts/build/run.ts';
import { readLock } from '../../scripts/sources/lock.ts';
import type { LockFile } from '../../scripts/sources/types.ts';
import { sourceErrorOf } from '../helpers/expect-source-error.ts';
import { repoRoot, sharedSourcesDir, startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { dataCommand } from '../../scripts/cli/data.ts';
import { inProcess } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';

const run = promisify(execFile);
const DATA = path.join(repoRoot, 'data');
const LOCK = path.join(repoRoot, 'scripts', 'sources.lock.json');
const tmp = tempDirs();
let server: MirrorServer;
let lock: LockFile;
/**
 * One build cache for this file. The first test builds every version cold and fills it; tests whose
 * subject is not the build itself (faults, the lock, "latest", the command line) then copy unchanged
 * versions from it. The comparisons between two ways of building (threads, mirror folder and HTTP)
 * keep at least one side cold.
 */
let buildCache: string;

async function options(over: Partial<BuildOptions>): Promise<BuildOptions> {
  return {
    attack: [],
    layout: 'stix-data',
    mode: { kind: 'mirror-url', baseUrl: server.baseUrl, cacheDir: await tmp.make('cache-') },
    outDir: await tmp.make('out-'),
    lock: structuredClone(lock),
    lockPath: path.join(await tmp.make('lock-'), 'sources.lock.json'),
    updateLock: false,
    includeDeprecated: false,
    tuning: { retries: 1, backoffMs: 10, bodyTimeoutMs: 500, headersTimeoutMs: 2000 },
    buildCache,
    ...over,
  };
}

/** An output folder already holding version 6.3, as data/ would before a failed nightly. */
async function seededOut(): Promise<string> {
  const out = await tmp.make('seeded-');
  await cp(path.join(DATA, 'enterprise-attack', '6.3'), path.join(out, 'enterprise-attack', '6.3'), { recursive: true });
  const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { versions: IndexEntry[] };
  await writeFile(path.join(out, 'index.json'), buildIndex(index.versions.filter((v) => v.version === '6.3')));
  return out;
}

beforeAll(async () => {
  server = await startMirrorServer(sharedSourcesDir());
  lock = await readLock(LOCK);
  buildCache = await tmp.make('pipeline-build-cache-');
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

describe('the committed data/', () => {
  it('is what the pipeline builds for every version of the mirror, fetched over HTTP, byte for byte', async () => {
    const o = await options({ attack: ['all'] });
    const result = await runBuild(o);
    expect(result.versions).toEqual(['6.3', '8.2', '9.0', '10.1', '13.1', '15.1', '17.1', '18.0', '18.1']);
    // Built, not copied: the cache was empty.
    expect(Object.values(result.cache)).toEqual(result.versions.map(() => 'miss'));
    expectSameTree(await tree(o.outDir), await tree(DATA));
  });

  it('is the same built in this thread as in two worker threads', async () => {
    // This thread's build is the first test's (copied from the cache when it ran); the workers build cold.
    const inline = await options({ attack: ['6.3', '9.0', '18.1'], mode: { kind: 'mirror', dir: sharedSourcesDir() }, jobs: 1 });
    const workers = await options({ attack: ['6.3', '9.0', '18.1'], mode: { kind: 'mirror', dir: sharedSourcesDir() }, jobs: 2, buildCache: undefined });
    await runBuild(inline);
    await runBuild(workers);
    expectSameTree(await tree(inline.outDir), await tree(workers.outDir));
  });

  it('is rebuilt identically twice (mirror folder, then HTTP)', async () => {
    // The mirror folder's build is cold; the HTTP one is the first test's (copied from the cache when it ran).
    const a = await options({ attack: ['18.1'], mode: { kind: 'mirror', dir: sharedSourcesDir() }, buildCache: undefined });
    const b = await options({ attack: ['18.1'] });
    await runBuild(a);
    await runBuild(b);
    expectSameTree(await tree(a.outDir), await tree(b.outDir));
  });

  it('maps the mitre/cti tag layout (STIX 2.0) exactly like attack-stix-data (STIX 2.1)', async () => {
    const o = await options({ attack: ['6.3', '18.1'], layout: 'cti' });
    await runBuild(o);
    for (const v of ['6.3', '18.1']) {
      for (const f of ['mapping.csv', 'techniques.json', 'events.json', 'tactics.json', 'data-components.json', 'report.json']) {
        const built = await readFile(path.join(o.outDir, 'enterprise-attack', v, f));
        expect(built.equals(await readFile(path.join(DATA, 'enterprise-attack', v, f))), `${v}/${f}`).toBe(true);
      }
      const manifest = JSON.parse(await readFile(path.join(o.outDir, 'enterprise-attack', v, 'manifest.json'), 'utf8')) as { sources: Array<{ url: string }> };
      expect(manifest.sources.map((s) => s.url)).toContain(`https://raw.githubusercontent.com/mitre/cti/ATT%26CK-v${v}/enterprise-attack/enterprise-attack.json`);
    }
  });

  it('resolves "latest" through index.json', async () => {
    const o = await options({ attack: ['latest'] });
    expect((await runBuild(o)).versions).toEqual(['18.1']);
  });
});

describe('fetch faults', () => {
  it('retries a 500 and then builds', async () => {
    server.faults.fail500('_all_ossem_relationships.yml', 1);
    const o = await options({ attack: ['6.3'] });
    await runBuild(o);
    expect(server.requestsFor('_all_ossem_relationships.yml').map((r) => r.status).slice(-2)).toEqual([500, 200]);
    server.faults.clear();
  });

  it.each([
    ['a lasting 500', (s: MirrorServer) => s.faults.fail500('_all_ossem_relationships.yml', 99), 'http-status'],
    ['a stalled body', (s: MirrorServer) => s.faults.stall('enterprise-attack-6.3.json'), 'timeout'],
    ['a truncated body', (s: MirrorServer) => s.faults.truncate('enterprise-attack-6.3.json'), 'truncated'],
    ['a changed checksum', (s: MirrorServer) => s.faults.override('all_data_sources.yml', '- data_source: X\n  event_id: 1\n'), 'checksum'],
    ['a truncated rules archive', (s: MirrorServer) => s.faults.truncate('splunk/security_content/tar.gz/'), 'truncated'],
    ['a changed rules archive', (s: MirrorServer) => s.faults.override('mitre-attack/car/tar.gz/', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 'checksum'],
  ] as const)('%s fails the build and leaves the output untouched', async (_name, fault, reason) => {
    const out = await seededOut();
    const before = await tree(out);
    fault(server);
    try {
      const o = await options({ attack: ['6.3'], outDir: out });
      const error = await sourceErrorOf(runBuild(o));
      expect(error.reason).toBe(reason);
      expect(error.message).toMatch(/https:\/\/(?:raw\.githubusercontent|codeload\.github)\.com\//);
    } finally {
      server.faults.clear();
    }
    expectSameTree(await tree(out), before);
  });

  it('reports a malformed bundle as one actionable error naming version and URL, output untouched', async () => {
    const out = await seededOut();
    const before = await tree(out);
    server.faults.override('enterprise-attack-8.2.json', '{"type": "bundle", "objects": [');
    try {
      const o = await options({ attack: ['6.3', '8.2'], outDir: out, updateLock: true });
      await expect(runBuild(o)).rejects.toThrow(/^ATT&CK 8\.2 \(https:\/\/raw\.githubusercontent\.com\/.*enterprise-attack-8\.2\.json\): not valid JSON/);
    } finally {
      server.faults.clear();
    }
    expectSameTree(await tree(out), before);
  });

  it('re-pins a changed file with --update-lock', async () => {
    const changed = '- data_source: Windows Registry\n  event_id: 4657\n  provider_name: Microsoft-Windows-Security-Auditing\n  event_channel: Security\n';
    server.faults.override('all_data_sources.yml', changed);
    try {
      const o = await options({ attack: ['6.3'], updateLock: true });
      await runBuild(o);
      const written = await readLock(o.lockPath);
      const legacyUrl = Object.keys(written.files).find((u) => u.endsWith('all_data_sources.yml')) ?? '';
      expect(written.files[legacyUrl]?.size).toBe(Buffer.byteLength(changed));
      expect(written.files[legacyUrl]?.sha256).not.toBe(lock.files[legacyUrl]?.sha256);
    } finally {
      server.faults.clear();
    }
  });

  it('revalidates the cache with If-None-Match and takes the 304', async () => {
    const o = await options({ attack: ['6.3'] });
    await runBuild(o);
    const first = server.requests.length;
    await runBuild({ ...o, outDir: await tmp.make('out2-') });
    const second = server.requests.slice(first).filter((r) => r.path.includes('enterprise-attack-6.3.json'));
    expect(second).toHaveLength(1);
    expect(second[0]?.headers['if-none-match']).toBeTruthy();
    expect(second[0]?.status).toBe(304);
  });
});

// A build as a real process; --check and the failures in this process through dataCommand (the command's parsing, output and exit status).
describe('npm run data (the command line)', () => {
  const data = (argv: string[]) => inProcess(dataCommand, argv);
  const cli = path.join(repoRoot, 'scripts', 'cli', 'data.ts');
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

  it('builds DIR/enterprise-attack/18.1 from a mirror folder', async () => {
    const out = await tmp.make('cli-');
    await run(tsx, [cli, '--attack', '18.1', '--mirror', sharedSourcesDir(), '--out', out, '--build-cache', buildCache], { cwd: repoRoot });
    const files = (await readdir(path.join(out, 'enterprise-attack', '18.1'))).sort();
    expect(files.filter((f) => !f.startsWith('layer-'))).toEqual(['data-components.json', 'events.json', 'groups.json', 'links.csv', 'manifest.json', 'mapping.csv', 'report.json', 'rules.json', 'tactics.json', 'techniques.json']);
    // Navigator heat maps: all events, and one per log.
    expect(files).toContain('layer-all-events.json');
    expect(files).toContain('layer-security.json');
    expect(files).toContain('layer-sysmon.json');
    const manifest = JSON.parse(await readFile(path.join(out, 'enterprise-attack', '18.1', 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> };
    expect(manifest.files.map((f) => f.name)).toContain('layer-sysmon.json');
  });

  it('--check passes on an up-to-date folder and fails naming the stale file', async () => {
    const out = await seededOut();
    await cp(path.join(DATA, 'schemas'), path.join(out, 'schemas'), { recursive: true });
    const argv = ['--attack', '6.3', '--mirror', sharedSourcesDir(), '--out', out, '--check', '--build-cache', buildCache];
    const ok = await data(argv);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/is up to date for 6\.3/);
    const report = path.join(out, 'enterprise-attack', '6.3', 'report.json');
    await writeFile(report, `${await readFile(report, 'utf8')} `);
    const before = await tree(out);
    const failed = await data(argv);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/stale: 1 file\(s\) differ .*enterprise-attack\/6\.3\/report\.json/);
    expectSameTree(await tree(out), before);
  });

  // BASE stands for the test server's URL.
  it.each([
    [['--attack', '99.9', '--mirror-url', 'BASE'], /error: https:\/\/raw\.githubusercontent\.com\/mitre-attack\/attack-stix-data\/master\/enterprise-attack\/enterprise-attack-99\.9\.json/],
    [['--attack', 'newest', '--mirror-url', 'BASE'], /error: --attack: "newest" is not a version/],
    [['--attack', '18.1', '--offline', '--cache', '/nonexistent-cache-dir'], /error: .*cache/i],
  ])('fails with one actionable line and no stack trace: %j', async (args, message) => {
    const out = await tmp.make('cli-fail-');
    const failed = await data([...args.map((a) => (a === 'BASE' ? server.baseUrl : a)), '--out', out]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(message);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(out)).toEqual([]);
  });
});
