/**
 * The build, step by step: sources → OSSEM catalogue → per version: bundle → mapping → artifacts.
 * Everything is written into a temporary folder beside the output and swapped in only when every
 * requested version has built and validated, so a failed build leaves the previous output as it was.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle } from '../attack/stix.ts';
import { buildIndex, buildVersionArtifacts, compareVersions, type IndexEntry, type SourceRecord } from '../artifacts/build.ts';
import { stringifyJson } from '../artifacts/json.ts';
import { PUBLISHED_SCHEMAS, validateArtifact } from '../artifacts/schemas.ts';
import { publishedLayerFiles } from '../coverage/layers.ts';
import { buildCatalog, type OssemCatalog } from '../mapping/catalog.ts';
import { mapVersion } from '../mapping/map.ts';
import type { VersionMapping } from '../mapping/types.ts';
import { DD_EAGER_PROVIDERS, isDdEventPath, readDdArchive } from '../ossem/dd-archive.ts';
import { resolveRules } from '../mapping/rules.ts';
import type { Problem } from '../mapping/types.ts';
import { readCar } from '../rules/car.ts';
import { readSplunk } from '../rules/splunk.ts';
import type { ResolvedRule } from '../rules/types.ts';
import { readTarball } from '../sources/tar.ts';
import { parseDm } from '../ossem/dm.ts';
import { parseLegacy } from '../ossem/legacy.ts';
import { parseAttackIndex } from '../sources/attack-index.ts';
import { exists, writeFileAtomic } from '../sources/atomic.ts';
import { createFetcher, type Fetcher } from '../sources/fetcher.ts';
import { verifyAgainstLock, writeLock } from '../sources/lock.ts';
import type { Fetched, FetchTuning, LockFile, SourceMode } from '../sources/types.ts';
import { ARCHIVE_NAMES, ARCHIVES, archiveUrl, ATTACK_INDEX_URL, attackBundleUrl, headUrl, OSSEM_DM_URL, OSSEM_LEGACY_URL, type ArchiveName, type AttackLayout } from '../sources/upstream.ts';

export const DOMAIN = 'enterprise-attack';

export class BuildError extends Error {}

export interface BuildOptions {
  /** Versions, `latest`, `all`; empty means the lock's configured versions. */
  attack: string[];
  layout: AttackLayout;
  mode: SourceMode;
  outDir: string;
  lock: LockFile;
  lockPath: string;
  updateLock: boolean;
  includeDeprecated: boolean;
  /** Build into a temporary folder and compare with the output instead of replacing it. */
  check?: boolean;
  tuning?: Partial<FetchTuning>;
  log?: (line: string) => void;
}

export interface BuildResult {
  versions: string[];
  /** With `check`: output files (relative to the output folder) that differ from a fresh build, or are missing. */
  stale: string[];
}

/** Files of the staged build that are missing from the output folder or differ from it. */
async function compareWithOutput(staging: string, outDir: string, rel: string[]): Promise<string[]> {
  const stale: string[] = [];
  for (const r of rel) {
    const fresh = await readFile(path.join(staging, r));
    const current = await readFile(path.join(outDir, r)).catch(() => undefined);
    if (!current || !current.equals(fresh)) stale.push(r);
  }
  return stale;
}

interface Verified {
  fetched: Fetched;
  record: SourceRecord;
}

function verify(opts: BuildOptions, fetched: Fetched, role: string): Verified {
  const entry = verifyAgainstLock(opts.lock, fetched, { update: opts.updateLock, lockPath: opts.lockPath });
  return { fetched, record: { role, url: entry.url, sha256: entry.sha256, size: entry.size } };
}


/** The commit of an archive source: the lock's pin; with --update-lock, the branch head GitHub names now. */
async function archiveCommit(opts: BuildOptions, fetcher: Fetcher, name: ArchiveName): Promise<string> {
  const pinned = opts.lock.archives[name];
  if (pinned && !opts.updateLock) return pinned;
  if (!opts.updateLock) throw new BuildError(`${ARCHIVES[name].title}: the lock ${opts.lockPath} pins no commit for the archive "${name}"; rerun with --update-lock to pin the branch head`);
  const head = (await fetcher.get(headUrl(name))).bytes.toString('utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(head)) throw new BuildError(`${ARCHIVES[name].title}: ${headUrl(name)} did not answer with a commit SHA (got ${JSON.stringify(head.slice(0, 60))})`);
  return head;
}

export interface SharedSources {
  catalog: OssemCatalog;
  rules: ResolvedRule[];
  /** Problems of the rules that concern no single version (not Windows, unresolved); every version reports them. */
  ruleProblems: Problem[];
  sources: SourceRecord[];
}

/** OSSEM, OSSEM-DD and the detection rules: fetched, verified and parsed once per build, not once per version. */
export async function loadShared(opts: BuildOptions, fetcher: Fetcher): Promise<SharedSources> {
  const commits = new Map<ArchiveName, string>();
  for (const name of ARCHIVE_NAMES) commits.set(name, await archiveCommit(opts, fetcher, name));
  const urlOf = (name: ArchiveName): string => archiveUrl(name, commits.get(name) ?? '');
  const fetched = await fetcher.getMany([OSSEM_LEGACY_URL, OSSEM_DM_URL, ...ARCHIVE_NAMES.map(urlOf)]);
  const take = (url: string, role: string): Verified => {
    const f = fetched.get(url);
    if (!f) throw new BuildError(`${role}: ${url} was not fetched`);
    return verify(opts, f, role);
  };
  const legacy = take(OSSEM_LEGACY_URL, 'ossem-legacy');
  const dm = take(OSSEM_DM_URL, 'ossem-dm');
  const archive = (name: ArchiveName, keep: (p: string) => boolean): { record: SourceRecord; files: Map<string, Buffer> } => {
    const v = take(urlOf(name), name);
    return { record: v.record, files: readTarball(v.fetched.bytes, `${ARCHIVES[name].title} ${v.fetched.url}`, keep) };
  };
  const dd = archive('ossem-dd', isDdEventPath);
  const splunk = archive('splunk-escu', (p) => /^(?:detections\/[^/]+|data_sources)\/[^/]+\.ya?ml$/.test(p));
  const car = archive('mitre-car', (p) => /^(?:analytics|sensors|data_model)\/[^/]+\.ya?ml$/.test(p));
  const ddArchive = readDdArchive(dd.files, `OSSEM-DD ${urlOf('ossem-dd')}`, (provider) => DD_EAGER_PROVIDERS.has(provider));
  const catalog = buildCatalog(
    parseDm(dm.fetched.bytes.toString('utf8'), `OSSEM-DM ${OSSEM_DM_URL}`),
    parseLegacy(legacy.fetched.bytes.toString('utf8'), `OSSEM legacy ${OSSEM_LEGACY_URL}`),
    ddArchive.eager,
    ddArchive.lookup,
  );
  const raw = [...readSplunk(splunk.files, `Splunk Security Content ${urlOf('splunk-escu')}`), ...readCar(car.files, `MITRE CAR ${urlOf('mitre-car')}`)];
  const resolved = resolveRules(raw, catalog.events);
  if (opts.updateLock) {
    for (const name of ARCHIVE_NAMES) {
      const keep = urlOf(name);
      const prefix = archiveUrl(name, '');
      // An archive of an older commit is no longer read: unpin it.
      for (const url of Object.keys(opts.lock.files)) if (url.startsWith(prefix) && url !== keep) delete opts.lock.files[url];
      opts.lock.archives[name] = commits.get(name) ?? '';
    }
  }
  return { catalog, rules: resolved.rules, ruleProblems: resolved.problems, sources: [legacy.record, dm.record, dd.record, splunk.record, car.record] };
}

async function resolveVersions(opts: BuildOptions, fetcher: Fetcher): Promise<string[]> {
  const wanted = opts.attack.length > 0 ? opts.attack : opts.lock.attackVersions;
  if (wanted.length === 0) throw new BuildError('no ATT&CK version to build: pass --attack VERSION[,VERSION…] (or latest, all), or list attackVersions in the lock file');
  const needsIndex = wanted.some((w) => w === 'latest' || w === 'all');
  let released: string[] = [];
  if (needsIndex) {
    const f = verify(opts, await fetcher.get(ATTACK_INDEX_URL), 'attack-index');
    released = parseAttackIndex(f.fetched.bytes.toString('utf8'), `ATT&CK index ${ATTACK_INDEX_URL}`)
      .map((r) => r.version)
      .sort(compareVersions);
    if (released.length === 0) throw new BuildError(`ATT&CK index ${ATTACK_INDEX_URL}: lists no Enterprise version`);
  }
  const out = new Set<string>();
  for (const w of wanted) {
    if (w === 'all') released.forEach((v) => out.add(v));
    else if (w === 'latest') out.add(released.at(-1) ?? '');
    else if (/^\d+\.\d+$/.test(w)) out.add(w);
    else throw new BuildError(`--attack: "${w}" is not a version (like 18.1), "latest" or "all"`);
  }
  return [...out].sort(compareVersions);
}

export interface BuiltVersion {
  mapping: VersionMapping;
  files: Map<string, string>;
  entry: IndexEntry;
}

/** Maps one bundle and checks its artifacts against the schemas; throws naming the file and field. */
export function buildOneVersion(version: string, bundleText: string, label: string, shared: Pick<SharedSources, 'catalog' | 'rules' | 'ruleProblems'>, sources: SourceRecord[], includeDeprecated: boolean): BuiltVersion {
  const bundle = parseBundle(bundleText, label);
  const mapping = mapVersion(bundle, shared.catalog, version, { includeDeprecated, rules: shared.rules, extraProblems: shared.ruleProblems });
  // Navigator heat maps (all events, and one per log) are published beside the data, listed in the manifest.
  const { files, json, counts } = buildVersionArtifacts(mapping, sources, publishedLayerFiles);
  for (const [name, value] of json) {
    const problems = validateArtifact(name, value);
    if (problems.length > 0) throw new BuildError(`ATT&CK ${version}: ${name} does not match its schema: ${problems.join('; ')}`);
  }
  return { mapping, files, entry: { version, era: mapping.era, path: `${DOMAIN}/${version}`, counts } };
}

/** Index entries of versions already in the output folder that this build does not replace. */
async function keptEntries(outDir: string, replaced: Set<string>): Promise<IndexEntry[]> {
  const dir = path.join(outDir, DOMAIN);
  if (!(await exists(dir))) return [];
  const kept: IndexEntry[] = [];
  for (const v of await readdir(dir)) {
    if (replaced.has(v) || v.startsWith('.')) continue;
    const manifestPath = path.join(dir, v, 'manifest.json');
    if (!(await exists(manifestPath))) continue;
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { attackVersion: string; era: IndexEntry['era']; counts: IndexEntry['counts'] };
    kept.push({ version: m.attackVersion, era: m.era, path: `${DOMAIN}/${m.attackVersion}`, counts: m.counts });
  }
  return kept;
}

export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  const fetcher = createFetcher(opts.mode, opts.tuning);
  const staging = path.join(opts.outDir, `.staging-${process.pid}-${Date.now()}`);
  try {
    const versions = await resolveVersions(opts, fetcher);
    const shared = await loadShared(opts, fetcher);
    const { catalog, sources } = shared;
    log(`OSSEM: ${catalog.events.size} events known, ${catalog.dmByComponent.size} data components in OSSEM-DM; ${shared.rules.length} detection rules`);
    const entries: IndexEntry[] = [];
    // Fetch (and gunzip, on libuv's thread pool) the next bundle while this one is mapped.
    const fetchBundle = (version: string): Promise<Fetched> => {
      const p = fetcher.get(attackBundleUrl(version, opts.layout));
      // A rejected prefetch is awaited (and reported) only when its turn comes.
      p.catch(() => {});
      return p;
    };
    let next = versions[0] === undefined ? undefined : fetchBundle(versions[0]);
    for (let i = 0; i < versions.length; i++) {
      const version = versions[i] ?? '';
      const current = next ?? fetchBundle(version);
      const following = versions[i + 1];
      next = following === undefined ? undefined : fetchBundle(following);
      const url = attackBundleUrl(version, opts.layout);
      const bundle = verify(opts, await current, 'attack-bundle');
      const built = buildOneVersion(version, bundle.fetched.bytes.toString('utf8'), `ATT&CK ${version} (${url})`, shared, [bundle.record, ...sources], opts.includeDeprecated);
      const dir = path.join(staging, DOMAIN, version);
      await mkdir(dir, { recursive: true });
      for (const [name, content] of built.files) await writeFileAtomic(path.join(dir, name), content);
      entries.push(built.entry);
      const c = built.entry.counts;
      log(`ATT&CK ${version}: ${c.techniques} Windows techniques, ${c.techniquesWithEvents} with events, ${c.events} events, ${c.rows} rows (${built.entry.era})`);
    }
    // Everything built and validated: swap the new versions in, then rewrite index and schemas.
    const replaced = new Set(versions);
    const all = [...(await keptEntries(opts.outDir, replaced)), ...entries];
    const index = buildIndex(all);
    const indexProblems = validateArtifact('index.json', JSON.parse(index));
    if (indexProblems.length > 0) throw new BuildError(`index.json does not match its schema: ${indexProblems.join('; ')}`);
    if (opts.check) {
      await writeFileAtomic(path.join(staging, 'index.json'), index);
      for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await writeFileAtomic(path.join(staging, 'schemas', name), stringifyJson(schema));
      const rel = ['index.json', ...Object.keys(PUBLISHED_SCHEMAS).map((n) => path.join('schemas', n))];
      for (const version of versions) for (const name of await readdir(path.join(staging, DOMAIN, version))) rel.push(path.join(DOMAIN, version, name));
      return { versions, stale: await compareWithOutput(staging, opts.outDir, rel) };
    }
    await mkdir(path.join(opts.outDir, DOMAIN), { recursive: true });
    for (const version of versions) {
      const target = path.join(opts.outDir, DOMAIN, version);
      const old = path.join(opts.outDir, DOMAIN, `.old-${version}-${process.pid}`);
      if (await exists(target)) await rename(target, old);
      await rename(path.join(staging, DOMAIN, version), target);
      await rm(old, { recursive: true, force: true });
    }
    for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) await writeFileAtomic(path.join(opts.outDir, 'schemas', name), stringifyJson(schema));
    await writeFileAtomic(path.join(opts.outDir, 'index.json'), index);
    if (opts.updateLock) {
      opts.lock.attackVersions = [...new Set([...opts.lock.attackVersions, ...versions])].sort(compareVersions);
      await writeLock(opts.lockPath, opts.lock);
      log(`lock: ${opts.lockPath} updated`);
    }
    return { versions, stale: [] };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await fetcher.close();
  }
}
