/**
 * The nightly against a real HTTP server on 127.0.0.1 serving the offline mirror, with the ATT&CK
 * index rewritten per test (one more release than the data has, or none) and faults injected.
 * The data folder and the lock are temp copies of a baseline built once from the mirror (17.1 only).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BundleError } from '../../scripts/attack/stix.ts';
import { runBuild } from '../../scripts/build/run.ts';
import { archiveChangeText, diffLocks, lockChanged, planVersions } from '../../scripts/nightly/plan.ts';
import type { VersionDiff } from '../../scripts/diff/types.ts';
import { NightlyError, runNightly, type NightlyOptions } from '../../scripts/nightly/run.ts';
import { SourceError } from '../../scripts/sources/errors.ts';
import { emptyLock, readLock, writeLock } from '../../scripts/sources/lock.ts';
import type { FetchTuning, LockFile } from '../../scripts/sources/types.ts';
import { ARCHIVES, archiveUrl, ATTACK_INDEX_URL, attackBundleUrl, headUrl, OSSEM_DM_URL } from '../../scripts/sources/upstream.ts';
import { mirrorPathFor } from '../../scripts/sources/url.ts';
import { repoRoot, sharedSourcesDir, startMirrorServer, type MirrorServer } from '../helpers/mirror-server.ts';
import { nightlyCommand } from '../../scripts/cli/nightly.ts';
import { inProcess } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { expectSameTree, tree } from '../helpers/tree.ts';
import { overlayMirror, rebuildArchive } from './overlay-mirror.ts';

const run = promisify(execFile);
const tmp = tempDirs();
const FAST: Partial<FetchTuning> = { retries: 1, backoffMs: 10, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };
const INDEX_PATH = '/mitre-attack/attack-stix-data/master/index.json';
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

let server: MirrorServer;
let baseline: string;
/**
 * One build cache for every workspace of this file, filled by the baseline build: a version whose
 * inputs did not change is copied, as in a real nightly (a changed input is rebuilt: tests/build/cache.test.ts).
 */
let buildCache: string;
let sharedIndex: { collections: Array<{ name: string; versions: Array<{ version: string; url: string; modified?: string }> }> };

/** The mirror's index.json with the Enterprise collection cut down to `versions` (unknown ones get a plausible entry). */
function indexListing(versions: string[]): string {
  const doc = structuredClone(sharedIndex);
  for (const c of doc.collections) {
    if (c.name !== 'Enterprise ATT&CK') continue;
    c.versions = versions.map((v) => c.versions.find((x) => x.version === v) ?? { version: v, url: attackBundleUrl(v, 'stix-data'), modified: '2030-01-01T00:00:00.000Z' });
  }
  return `${JSON.stringify(doc, null, 4)}\n`;
}

interface Workspace {
  dataDir: string;
  lockPath: string;
  cacheDir: string;
  options: NightlyOptions;
}

/** A fresh copy of the baseline: data/ with 17.1, and its lock; fetched from `baseUrl` (default: the shared mirror's server). */
async function workspace(baseUrl: string = server.baseUrl): Promise<Workspace> {
  const dir = await tmp.make('nightly-ws-');
  await cp(baseline, dir, { recursive: true });
  const dataDir = path.join(dir, 'data');
  const lockPath = path.join(dir, 'sources.lock.json');
  const cacheDir = path.join(dir, 'cache');
  return { dataDir, lockPath, cacheDir, options: { mode: { kind: 'mirror-url', baseUrl, cacheDir }, dataDir, lockPath, buildCache, tuning: FAST } };
}

/** data/ and the lock, to check that a failure left them untouched. */
async function snapshot(ws: Workspace): Promise<{ data: Map<string, Buffer>; lock: Buffer }> {
  return { data: await tree(ws.dataDir), lock: await readFile(ws.lockPath) };
}

async function expectUntouched(ws: Workspace, before: { data: Map<string, Buffer>; lock: Buffer }): Promise<void> {
  const after = await snapshot(ws);
  expectSameTree(after.data, before.data);
  expect(after.lock.equals(before.lock)).toBe(true);
}

beforeAll(async () => {
  server = await startMirrorServer(sharedSourcesDir());
  sharedIndex = JSON.parse(await readFile(path.join(sharedSourcesDir(), 'raw.githubusercontent.com', ...INDEX_PATH.split('/').filter(Boolean)), 'utf8')) as typeof sharedIndex;
  // The state before the nightly: ATT&CK 17.1 built from the mirror, every file pinned, and the
  // index pinned as listing 17.1 only.
  baseline = await tmp.make('nightly-baseline-');
  buildCache = await tmp.make('nightly-build-cache-');
  const lock: LockFile = emptyLock();
  const lockPath = path.join(baseline, 'sources.lock.json');
  await runBuild({ attack: ['17.1'], layout: 'stix-data', mode: { kind: 'mirror', dir: sharedSourcesDir() }, outDir: path.join(baseline, 'data'), lock, lockPath, updateLock: true, includeDeprecated: false, buildCache });
  const index = indexListing(['17.1']);
  lock.files[ATTACK_INDEX_URL] = { url: ATTACK_INDEX_URL, sha256: sha256(index), size: Buffer.byteLength(index) };
  await writeLock(lockPath, lock);
});

afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

beforeEach(() => {
  server.faults.clear();
  server.requests.length = 0;
});

describe('planVersions and diffLocks', () => {
  it('builds the lock versions plus every release newer than the newest one we have', () => {
    expect(planVersions(['17.1'], ['17.1'], ['18.1', '18.0', '17.1', '9.0'])).toEqual({ versions: ['17.1', '18.0', '18.1'], newReleases: ['18.0', '18.1'] });
    expect(planVersions(['9.0', '17.1'], ['9.0', '17.1'], ['17.1'])).toEqual({ versions: ['9.0', '17.1'], newReleases: [] });
    // A version only in data/ (not in the lock) counts as one we have, but is not rebuilt.
    expect(planVersions(['17.1'], ['17.1', '18.0'], ['18.0', '18.1'])).toEqual({ versions: ['17.1', '18.1'], newReleases: ['18.1'] });
    // 10.1 is newer than 9.0 (numeric order).
    expect(planVersions(['9.0'], [], ['10.1', '9.0'])).toEqual({ versions: ['9.0', '10.1'], newReleases: ['10.1'] });
    expect(planVersions([], [], ['17.1', '18.1'])).toEqual({ versions: ['17.1', '18.1'], newReleases: ['17.1', '18.1'] });
  });

  it('lists re-pinned, newly pinned and dropped files', () => {
    const a = emptyLock(['17.1']);
    a.files['u1'] = { url: 'u1', sha256: '1'.repeat(64), size: 1 };
    a.files['u2'] = { url: 'u2', sha256: '2'.repeat(64), size: 2 };
    const b = structuredClone(a);
    expect(lockChanged(diffLocks(a, b))).toBe(false);
    b.files['u1'] = { url: 'u1', sha256: '9'.repeat(64), size: 1 };
    delete b.files['u2'];
    b.files['u3'] = { url: 'u3', sha256: '3'.repeat(64), size: 3 };
    b.attackVersions.push('18.1');
    expect(diffLocks(a, b)).toEqual({ added: ['u3'], changed: ['u1'], removed: ['u2'], versionsChanged: true, archives: [] });
  });

  it('lists archive sources pinned to another commit', () => {
    const a = emptyLock(['17.1']);
    a.archives = { 'mitre-car': 'c'.repeat(40), 'splunk-escu': 'b13b314aed0e1778335a55620474e7d27289a20a' };
    const b = structuredClone(a);
    expect(lockChanged(diffLocks(a, b))).toBe(false);
    b.archives['splunk-escu'] = '0123456789abcdef0123456789abcdef01234567';
    b.archives['ossem-dd'] = 'd'.repeat(40);
    const c = diffLocks(a, b);
    expect(c.archives).toEqual([
      { name: 'ossem-dd', old: null, new: 'd'.repeat(40) },
      { name: 'splunk-escu', old: 'b13b314aed0e1778335a55620474e7d27289a20a', new: '0123456789abcdef0123456789abcdef01234567' },
    ]);
    // Only the commit changed (the files were not re-pinned in this hand-made pair): still a change.
    expect(lockChanged(c)).toBe(true);
    expect(c.archives.map(archiveChangeText)).toEqual(['ossem-dd: (none) → dddddddd', 'splunk-escu: b13b314a → 01234567']);
  });
});

describe('runNightly', () => {
  it('detects a new ATT&CK release, builds it, writes the change report and updates the lock', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    const index = indexListing(['17.1', '18.1']);
    server.faults.override(INDEX_PATH, index);

    const result = await runNightly(ws.options);

    expect(result.changed).toBe(true);
    expect(result.newReleases).toEqual(['18.1']);
    expect(result.versions).toEqual(['17.1', '18.1']);
    expect(result.summary).toMatch(/^changed: ATT&CK 18\.1 new; 2 upstream files re-pinned$/);
    expect(result.title).toBe('Upstream update: ATT&CK 18.1');
    // data/: 18.1 added, 17.1 untouched byte for byte, index.json lists both, no staging left behind.
    const after = await tree(ws.dataDir);
    for (const [name, bytes] of before.data) {
      if (name.startsWith('enterprise-attack')) expect(bytes.equals(after.get(name) ?? Buffer.alloc(0)), `${name} changed`).toBe(true);
    }
    expect(after.has(path.join('enterprise-attack', '18.1', 'mapping.csv'))).toBe(true);
    const dataIndex = JSON.parse((after.get('index.json') ?? Buffer.alloc(0)).toString('utf8')) as { latest: string; versions: Array<{ version: string }> };
    expect(dataIndex.latest).toBe('18.1');
    expect(dataIndex.versions.map((v) => v.version)).toEqual(['17.1', '18.1']);
    expect((await readdir(ws.dataDir)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await readdir(path.join(ws.dataDir, 'enterprise-attack'))).sort()).toEqual(['17.1', '18.1']);
    // The lock: 18.1 configured and pinned, the new index re-pinned.
    const lock = await readLock(ws.lockPath);
    expect(lock.attackVersions).toEqual(['17.1', '18.1']);
    const bundle18 = lock.files[attackBundleUrl('18.1', 'stix-data')];
    expect(bundle18?.size).toBeGreaterThan(40_000_000);
    expect(lock.files[ATTACK_INDEX_URL]?.sha256).toBe(sha256(index));
    expect(result.lockChanges).toEqual({ added: [attackBundleUrl('18.1', 'stix-data')], changed: [ATTACK_INDEX_URL], removed: [], versionsChanged: true, archives: [] });
    // The report: the new release compared with the previous one.
    expect(result.report.versionsAdded.map((v) => v.version)).toEqual(['18.1']);
    expect(result.report.releases.map((d) => `${d.oldVersion}→${d.newVersion}`)).toEqual(['17.1→18.1']);
    expect(result.report.compared.map((d) => [d.newVersion, d.identical])).toEqual([['17.1', true]]);
    const md = result.markdown;
    expect(md).toContain('## Nightly upstream update');
    expect(md).toContain('**Versions added:** 18.1');
    expect(md).toContain('### ATT&CK 18.1: new, compared with 17.1');
    const release = result.report.releases[0];
    expect(release?.techniques.added.length).toBeGreaterThan(0);
    expect(md).toContain(`| Techniques | ${release?.counts.techniques.old} | ${release?.counts.techniques.new} | +${release?.counts.techniques.delta} |`);
    expect(md).toContain('#### Events per technique:');
    expect(md).toContain(`Lock: newly pinned (1): \`${attackBundleUrl('18.1', 'stix-data')}\``);
    expect(md).toContain('Lock: attackVersions 17.1 → 17.1, 18.1.');
    expect(md).toContain(`Lock: re-pinned (1): \`${ATTACK_INDEX_URL}\``);
    expect(md.length).toBeLessThan(65_536);
  });

  it('reports no change for an unchanged upstream, leaves data/ and the lock byte-identical, and revalidates with conditional requests', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1']));

    const logged: string[] = [];
    const first = await runNightly({ ...ws.options, log: (l) => logged.push(l) });
    expect(first.changed).toBe(false);
    // Nothing new: 17.1 is copied from the build cache, not rebuilt.
    expect(logged.filter((l) => l.startsWith('ATT&CK 17.1:') && l.endsWith('copied from the build cache'))).toHaveLength(1);
    expect(first.newReleases).toEqual([]);
    expect(first.summary).toBe('no change: ATT&CK 17.1 rebuilt from upstream match the data and the lock');
    expect(first.markdown).toMatch(/\nNo change\.\n$/);
    // The archives' branch heads were asked, and name the pinned commits.
    expect(server.requestsFor('/api.github.com/repos/').map((r) => [r.path, r.status]).sort()).toEqual(Object.keys(ARCHIVES).map((name) => [`/${mirrorPathFor(headUrl(name as keyof typeof ARCHIVES))}`, 200]).sort());
    expect(first.lockChanges.archives).toEqual([]);
    expect(first.rules).toEqual({ added: 0, removed: 0 });
    await expectUntouched(ws, before);

    // A second night with the same download cache: every file is revalidated, none downloaded again.
    server.requests.length = 0;
    const second = await runNightly(ws.options);
    expect(second.changed).toBe(false);
    await expectUntouched(ws, before);
    const indexRequests = server.requestsFor(INDEX_PATH);
    const bundleRequests = server.requestsFor('enterprise-attack-17.1.json');
    const dmRequests = server.requestsFor('_all_ossem_relationships.yml');
    for (const r of [...indexRequests, ...bundleRequests, ...dmRequests]) {
      expect(r.headers['if-none-match']).toMatch(/^"[0-9a-f]{64}"$/);
      expect(r.status).toBe(304);
    }
    expect([indexRequests.length, bundleRequests.length, dmRequests.length]).toEqual([1, 1, 1]);
    expect(server.requests.every((r) => r.status === 304)).toBe(true);
    expect(second.markdown).toContain('not modified since the last run (304)');
  });

  it('fails on a server error for the OSSEM-DM file without touching data/ or the lock', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1', '18.1']));
    server.faults.fail500('_all_ossem_relationships.yml', 100);

    const error = await runNightly(ws.options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).url).toBe(OSSEM_DM_URL);
    expect((error as Error).message).toMatch(/500 Internal Server Error; gave up after 2 attempts/);
    await expectUntouched(ws, before);
  });

  it('fails on a truncated ATT&CK bundle (served whole, or cut mid-transfer) without touching data/ or the lock', async () => {
    const gz = await readFile(path.join(sharedSourcesDir(), 'raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-18.1.json.gz'));
    const half = gunzipSync(gz).subarray(0, 2_000_000);
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1', '18.1']));

    server.faults.override('enterprise-attack-18.1.json', half);
    const parsed = await runNightly(ws.options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(parsed).toBeInstanceOf(BundleError);
    expect((parsed as Error).message).toMatch(/ATT&CK 18\.1.*not valid JSON/);
    await expectUntouched(ws, before);

    server.faults.clear();
    server.faults.override(INDEX_PATH, indexListing(['17.1', '18.1']));
    server.faults.truncate('enterprise-attack-18.1.json');
    const cut = await runNightly(ws.options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(cut).toBeInstanceOf(SourceError);
    expect((cut as SourceError).reason).toBe('truncated');
    await expectUntouched(ws, before);
  });

  it('refuses to replace a version with one that lost most of its mapping (an upstream serving an empty bundle)', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1']));
    server.faults.override('enterprise-attack-17.1.json', JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects: [] }));
    const error = await runNightly(ws.options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NightlyError);
    expect((error as Error).message).toMatch(/ATT&CK 17\.1 would go from \d+ to 0 mapping rows; ATT&CK 17\.1 would go from \d+ to 0 techniques: refusing to update data/);
    await expectUntouched(ws, before);
  });
});

describe('runNightly and a new commit of an archive source', () => {
  const OLD = 'b13b314aed0e1778335a55620474e7d27289a20a';
  const NEW = createHash('sha1').update('splunk security_content, a later commit').digest('hex');
  const HAND_MADE_ID = 'f00dfeed-0000-4000-8000-00000000c0de';
  const HAND_MADE_NAME = 'Hand-made LSASS Handle Request by a Test Tool';
  const HAND_MADE = [
    `name: ${HAND_MADE_NAME}`,
    `id: ${HAND_MADE_ID}`,
    'version: 1',
    "date: '2030-01-01'",
    'author: winevents-attack-map tests',
    'status: production',
    'type: TTP',
    'description: A detection written for the nightly test; it opens a handle to lsass.exe.',
    'data_source:',
    '- Sysmon EventID 10',
    "search: '`sysmon` EventCode=10 TargetImage=*lsass.exe SourceImage=*testtool.exe'",
    'tags:',
    '  mitre_attack_id:',
    '  - T1003.001',
    '  security_domain: endpoint',
    '',
  ].join('\n');

  let overlay: MirrorServer;
  /** Splunk rules each the only rule behind one link that other evidence keeps alive: the link, and the grade it falls to. */
  let dropped: Array<{ id: string; technique: string; event: string; fallsTo: string }>;
  let newTarball: Buffer;

  beforeAll(async () => {
    expect(OLD).toBe((await readLock(path.join(baseline, 'sources.lock.json'))).archives['splunk-escu']);
    const links = Papa.parse<Record<string, string>>(await readFile(path.join(baseline, 'data', 'enterprise-attack', '17.1', 'links.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    const candidates = links.filter((l) => {
      const kinds = (l['evidence'] ?? '').split(';');
      return l['grade'] === 'confirmed' && l['rule_count'] === '1' && kinds.includes('splunk-escu') && !kinds.includes('mitre-car') && kinds.length > 1;
    });
    const oldTarball = path.join(sharedSourcesDir(), mirrorPathFor(archiveUrl('splunk-escu', OLD)));
    dropped = [];
    newTarball = await rebuildArchive(oldTarball, 'security_content', OLD, NEW, async (root) => {
      // Detection ID → file, to drop the chosen ones.
      const files = new Map<string, string>();
      for (const domain of await readdir(path.join(root, 'detections'))) {
        for (const name of await readdir(path.join(root, 'detections', domain))) {
          const file = path.join(root, 'detections', domain, name);
          const id = /^id: *([0-9a-f-]{36}) *$/m.exec(await readFile(file, 'utf8'))?.[1];
          if (id) files.set(id, file);
        }
      }
      for (const l of candidates) {
        const id = l['rules'] ?? '';
        const file = files.get(id);
        if (!file || dropped.some((d) => d.id === id)) continue;
        await rm(file);
        dropped.push({ id, technique: l['technique_id'] ?? '', event: `${l['event_log']}:${l['event_id']}`, fallsTo: (l['evidence'] ?? '').split(';').includes('attack-analytic') ? 'named' : 'related' });
        if (dropped.length === 3) break;
      }
      await writeFile(path.join(root, 'detections', 'endpoint', 'hand_made_lsass_handle_request.yml'), HAND_MADE);
    });
    expect(dropped).toHaveLength(3);
    const dir = await tmp.make('nightly-overlay-');
    await overlayMirror(sharedSourcesDir(), dir, {
      [mirrorPathFor(ATTACK_INDEX_URL)]: indexListing(['17.1']),
      [mirrorPathFor(headUrl('splunk-escu'))]: NEW,
      [mirrorPathFor(archiveUrl('splunk-escu', NEW))]: newTarball,
    });
    overlay = await startMirrorServer(dir);
  });

  afterAll(async () => {
    await overlay?.close();
  });

  it('pins the new commit, rebuilds with its rules, and reports the rules that came and went and the commit change', async () => {
    const ws = await workspace(overlay.baseUrl);
    const before = await snapshot(ws);
    const oldUrl = archiveUrl('splunk-escu', OLD);
    const newUrl = archiveUrl('splunk-escu', NEW);

    const result = await runNightly(ws.options);

    // The lock: the new commit pinned, its archive pinned by checksum, the old archive gone.
    const lock = await readLock(ws.lockPath);
    expect(lock.archives['splunk-escu']).toBe(NEW);
    expect(lock.files[newUrl]).toEqual({ url: newUrl, sha256: sha256(newTarball), size: newTarball.length });
    expect(lock.files[oldUrl]).toBeUndefined();
    expect(lock.archives['mitre-car']).toBe(JSON.parse(before.lock.toString('utf8')).archives['mitre-car']);
    expect(result.lockChanges).toEqual({ added: [newUrl], changed: [], removed: [oldUrl], versionsChanged: false, archives: [{ name: 'splunk-escu', old: OLD, new: NEW }] });

    // data/: 17.1 rebuilt from the new archive.
    expect(result.changed).toBe(true);
    const after = await tree(ws.dataDir);
    const rulesFile = path.join('enterprise-attack', '17.1', 'rules.json');
    expect(after.get(rulesFile)?.equals(before.data.get(rulesFile) ?? Buffer.alloc(0))).toBe(false);
    const manifest = JSON.parse((after.get(path.join('enterprise-attack', '17.1', 'manifest.json')) ?? Buffer.alloc(0)).toString('utf8')) as { sources: Array<{ role: string; url: string }> };
    expect(manifest.sources.find((s) => s.role === 'splunk-escu')?.url).toBe(newUrl);
    const rules = JSON.parse((after.get(rulesFile) ?? Buffer.alloc(0)).toString('utf8')) as { rules: Array<{ id: string }> };
    expect(rules.rules.map((r) => r.id)).toContain(HAND_MADE_ID);
    expect(rules.rules.map((r) => r.id)).not.toContain(dropped[0]?.id);

    // The report: the hand-made rule added, the dropped ones removed, their links regraded.
    const d = result.report.compared[0] as VersionDiff;
    expect(d.newVersion).toBe('17.1');
    expect(d.rules.added).toEqual([{ source: 'splunk-escu', id: HAND_MADE_ID, name: HAND_MADE_NAME, url: `https://research.splunk.com/endpoint/${HAND_MADE_ID}/`, techniques: ['T1003.001'], events: ['Sysmon:10'] }]);
    expect(d.rules.removed.map((r) => r.id)).toEqual(dropped.map((x) => x.id).sort());
    expect(d.rules.removed.every((r) => r.source === 'splunk-escu' && r.name !== '')).toBe(true);
    expect(d.rules.bySource.find((s) => s.source === 'splunk-escu')).toMatchObject({ added: 1, removed: 3 });
    expect(d.rules.bySource.find((s) => s.source === 'mitre-car')).toMatchObject({ added: 0, removed: 0 });
    for (const x of dropped) {
      expect(d.grades.changed.find((c) => c.technique.id === x.technique && c.event.key === x.event)).toMatchObject({ old: 'confirmed', new: x.fallsTo, oldRules: 1, newRules: 0 });
    }
    expect(result.rules).toEqual({ added: 1, removed: 3 });
    const short = NEW.slice(0, 8);
    expect(result.summary).toBe(`changed: ATT&CK 17.1 changed; detection rules +1 / −3; splunk-escu: b13b314a → ${short}; 2 upstream files re-pinned`);
    expect(result.title).toBe('Upstream update: ATT&CK 17.1 changed');
    const md = result.markdown;
    expect(md).toContain(`Lock: archive commits changed (1): splunk-escu: b13b314a → ${short} (Splunk Security Content, [compare](https://github.com/splunk/security_content/compare/${OLD}...${NEW})).`);
    expect(md).toContain(`Lock: newly pinned (1): \`${newUrl}\``);
    expect(md).toContain(`Lock: no longer pinned (1): \`${oldUrl}\``);
    expect(md).toContain('#### Detection rules: 1 added, 3 removed');
    expect(md).toContain(`| Splunk Security Content | [${HAND_MADE_ID}](https://research.splunk.com/endpoint/${HAND_MADE_ID}/) | ${HAND_MADE_NAME} | T1003.001 | Sysmon:10 |`);
    for (const r of d.rules.removed) expect(md).toContain(`[${r.id}](${r.url})`);
    expect(md).toMatch(/#### Link grades: \d+ links? regraded \(.*\d+ confirmed → (named|related)/);
    expect(md).toContain('**Versions changed:** 17.1 (rules +1 / −3, ');

    // The next night: upstream still at the new commit, nothing to do.
    const again = await snapshot(ws);
    const second = await runNightly(ws.options);
    expect(second.changed).toBe(false);
    expect(second.lockChanges.archives).toEqual([]);
    await expectUntouched(ws, again);
  });
});

// A changed run as a real process (stdout, GitHub outputs); the failures in this process through nightlyCommand (the command's parsing, output and exit status).
describe('npm run nightly', () => {
  const nightly = (argv: string[]) => inProcess(nightlyCommand, argv);
  const cli = path.join(repoRoot, 'scripts', 'cli', 'nightly.ts');
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

  it('prints a one-line summary, writes the report, and sets the GitHub step outputs', async () => {
    const ws = await workspace();
    server.faults.override(INDEX_PATH, indexListing(['17.1', '18.1']));
    const outputs = path.join(ws.dataDir, '..', 'github_output');
    await writeFile(outputs, '');
    const report = path.join(ws.dataDir, '..', 'out', 'nested', 'report.md');
    const json = path.join(ws.dataDir, '..', 'report.json');
    const { stdout } = await run(tsx, [cli, '--mirror-url', server.baseUrl, '--data', ws.dataDir, '--lock', ws.lockPath, '--report', report, '--json', json, '--cache', ws.cacheDir, '--build-cache', buildCache], {
      env: { ...process.env, GITHUB_OUTPUT: outputs },
    });
    expect(stdout).toBe('nightly: changed: ATT&CK 18.1 new; 2 upstream files re-pinned\n');
    const out = await readFile(outputs, 'utf8');
    expect(out).toContain('changed=true\n');
    expect(out).toContain('new-releases=18.1\n');
    expect(out).toContain('title=Upstream update: ATT&CK 18.1\n');
    expect(await readFile(report, 'utf8')).toContain('### ATT&CK 18.1: new, compared with 17.1');
    expect((JSON.parse(await readFile(json, 'utf8')) as { versionsAdded: unknown[] }).versionsAdded).toHaveLength(1);
  });

  it('exits 1 with one error line when a listed release cannot be fetched, leaving data/ and the lock untouched', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1', '99.9']));
    const outputs = path.join(ws.dataDir, '..', 'github_output');
    await writeFile(outputs, '');
    vi.stubEnv('GITHUB_OUTPUT', outputs);
    const failure = await nightly(['--mirror-url', server.baseUrl, '--data', ws.dataDir, '--lock', ws.lockPath, '--report', path.join(ws.dataDir, '..', 'report.md'), '--cache', ws.cacheDir, '--build-cache', buildCache]).finally(() => vi.unstubAllEnvs());
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*enterprise-attack-99\.9\.json.*404 Not Found/);
    expect(await readFile(outputs, 'utf8')).toBe('');
    await expectUntouched(ws, before);
    await expect(readFile(path.join(ws.dataDir, '..', 'report.md'))).rejects.toThrow(/ENOENT/);
  });

  it('exits 1 with one clear error line when an archive branch head is not a commit SHA, leaving data/ and the lock untouched', async () => {
    const ws = await workspace();
    const before = await snapshot(ws);
    server.faults.override(INDEX_PATH, indexListing(['17.1']));
    server.faults.override(`/${mirrorPathFor(headUrl('splunk-escu'))}`, '<!DOCTYPE html>\n<title>Rate limited</title>\n');
    const failure = await nightly(['--mirror-url', server.baseUrl, '--data', ws.dataDir, '--lock', ws.lockPath, '--report', path.join(ws.dataDir, '..', 'report.md'), '--cache', ws.cacheDir, '--build-cache', buildCache]);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    const lines = failure.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(lines.at(-1)).toBe(`error: Splunk Security Content: ${headUrl('splunk-escu')} did not answer with a commit SHA (got "<!DOCTYPE html>\\n<title>Rate limited</title>")`);
    await expectUntouched(ws, before);
    await expect(readFile(path.join(ws.dataDir, '..', 'report.md'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a data folder that does not exist', async () => {
    const ws = await workspace();
    const failure = await nightly(['--mirror-url', server.baseUrl, '--data', path.join(ws.dataDir, 'nope'), '--lock', ws.lockPath, '--cache', ws.cacheDir, '--build-cache', buildCache]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^error: --data .*nope: no such folder/m);
  });
});
