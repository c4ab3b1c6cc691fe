/**
 * The sources every version shares: OSSEM legacy and OSSEM-DM, the OSSEM-DD archive and the
 * detection-rule archives (Splunk Security Content, MITRE CAR). Fetched and verified once per build
 * (`fetchShared`, on the main thread), then parsed (`parseShared`, pure: the same bytes give the same
 * catalogue and rules, so a worker thread can parse its own copy from the bytes alone).
 */
import type { SourceRecord } from '../artifacts/build.ts';
import { buildCatalog, type OssemCatalog } from '../mapping/catalog.ts';
import { resolveRules } from '../mapping/rules.ts';
import type { Problem } from '../mapping/types.ts';
import { DD_EAGER_PROVIDERS, isDdEventPath, readDdArchive } from '../ossem/dd-archive.ts';
import { parseDm } from '../ossem/dm.ts';
import { parseLegacy } from '../ossem/legacy.ts';
import { readCar } from '../rules/car.ts';
import { readSplunk } from '../rules/splunk.ts';
import type { ResolvedRule } from '../rules/types.ts';
import type { Fetcher } from '../sources/fetcher.ts';
import { verifyAgainstLock } from '../sources/lock.ts';
import { readTarball } from '../sources/tar.ts';
import type { Fetched, LockFile } from '../sources/types.ts';
import { ARCHIVE_NAMES, ARCHIVES, archiveUrl, headUrl, OSSEM_DM_URL, OSSEM_LEGACY_URL, type ArchiveName } from '../sources/upstream.ts';
import { BuildError } from './errors.ts';

/** What verifying against the lock needs; `updateLock` re-pins instead of failing. */
export interface LockOptions {
  lock: LockFile;
  lockPath: string;
  updateLock: boolean;
}

export interface Verified {
  fetched: Fetched;
  record: SourceRecord;
}

export function verify(opts: LockOptions, fetched: Fetched, role: string): Verified {
  const entry = verifyAgainstLock(opts.lock, fetched, { update: opts.updateLock, lockPath: opts.lockPath });
  return { fetched, record: { role, url: entry.url, sha256: entry.sha256, size: entry.size } };
}

/** The commit of an archive source: the lock's pin; with --update-lock, the branch head GitHub names now. */
async function archiveCommit(opts: LockOptions, fetcher: Fetcher, name: ArchiveName): Promise<string> {
  const pinned = opts.lock.archives[name];
  if (pinned && !opts.updateLock) return pinned;
  if (!opts.updateLock) throw new BuildError(`${ARCHIVES[name].title}: the lock ${opts.lockPath} pins no commit for the archive "${name}"; rerun with --update-lock to pin the branch head`);
  const head = (await fetcher.get(headUrl(name))).bytes.toString('utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(head)) throw new BuildError(`${ARCHIVES[name].title}: ${headUrl(name)} did not answer with a commit SHA (got ${JSON.stringify(head.slice(0, 60))})`);
  return head;
}

/** The verified bytes of the shared sources, with their manifest records. Structured-cloneable. */
export interface SharedInputs {
  legacy: { url: string; bytes: Uint8Array };
  dm: { url: string; bytes: Uint8Array };
  archives: Record<ArchiveName, { url: string; bytes: Uint8Array }>;
  sources: SourceRecord[];
}

export interface SharedSources {
  catalog: OssemCatalog;
  rules: ResolvedRule[];
  /** Problems of the rules that concern no single version (not Windows, unresolved); every version reports them. */
  ruleProblems: Problem[];
  sources: SourceRecord[];
}

/** Fetches and verifies the shared sources; with --update-lock, pins the archives' branch heads. */
export async function fetchShared(opts: LockOptions, fetcher: Fetcher): Promise<SharedInputs> {
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
  const archives = Object.fromEntries(ARCHIVE_NAMES.map((name) => [name, take(urlOf(name), name)])) as Record<ArchiveName, Verified>;
  if (opts.updateLock) {
    for (const name of ARCHIVE_NAMES) {
      const keep = urlOf(name);
      const prefix = archiveUrl(name, '');
      // An archive of an older commit is no longer read: unpin it.
      for (const url of Object.keys(opts.lock.files)) if (url.startsWith(prefix) && url !== keep) delete opts.lock.files[url];
      opts.lock.archives[name] = commits.get(name) ?? '';
    }
  }
  const bytes = (v: Verified): { url: string; bytes: Uint8Array } => ({ url: v.fetched.url, bytes: v.fetched.bytes });
  return {
    legacy: bytes(legacy),
    dm: bytes(dm),
    archives: Object.fromEntries(ARCHIVE_NAMES.map((n) => [n, bytes(archives[n])])) as SharedInputs['archives'],
    sources: [legacy.record, dm.record, ...ARCHIVE_NAMES.map((n) => archives[n].record)],
  };
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Unpacks and parses the shared sources: the OSSEM catalogue and the detection rules resolved to events. */
export function parseShared(inputs: SharedInputs): SharedSources {
  const { legacy, dm, archives } = inputs;
  const unpack = (name: ArchiveName, keep: (p: string) => boolean): Map<string, Buffer> => readTarball(asBuffer(archives[name].bytes), `${ARCHIVES[name].title} ${archives[name].url}`, keep);
  const dd = readDdArchive(unpack('ossem-dd', isDdEventPath), `OSSEM-DD ${archives['ossem-dd'].url}`, (provider) => DD_EAGER_PROVIDERS.has(provider));
  const catalog = buildCatalog(
    parseDm(asBuffer(dm.bytes).toString('utf8'), `OSSEM-DM ${dm.url}`),
    parseLegacy(asBuffer(legacy.bytes).toString('utf8'), `OSSEM legacy ${legacy.url}`),
    dd.eager,
    dd.lookup,
  );
  const splunk = unpack('splunk-escu', (p) => /^(?:detections\/[^/]+|data_sources)\/[^/]+\.ya?ml$/.test(p));
  const car = unpack('mitre-car', (p) => /^(?:analytics|sensors|data_model)\/[^/]+\.ya?ml$/.test(p));
  const raw = [...readSplunk(splunk, `Splunk Security Content ${archives['splunk-escu'].url}`), ...readCar(car, `MITRE CAR ${archives['mitre-car'].url}`)];
  const resolved = resolveRules(raw, catalog.events);
  return { catalog, rules: resolved.rules, ruleProblems: resolved.problems, sources: inputs.sources };
}

/** The last shared sources parsed in this thread, by the checksums of their inputs. */
let lastParsed: { key: string; shared: SharedSources } | undefined;

/**
 * `parseShared`, but a process that builds again from the same verified bytes (a test worker
 * builds up to a dozen times a file) reuses the catalogue and rules it parsed last time instead of
 * unpacking three archives again: about a second a build. Safe because parsing is pure and the
 * builds only read what it returns (every version of one build already shares it). One set is
 * kept, so memory stays that of one build.
 */
export function parseSharedOnce(inputs: SharedInputs): SharedSources {
  const key = JSON.stringify(inputs.sources.map((s) => [s.role, s.url, s.sha256, s.size]));
  if (lastParsed?.key !== key) lastParsed = { key, shared: parseShared(inputs) };
  return { ...lastParsed.shared, sources: inputs.sources };
}

export async function loadShared(opts: LockOptions, fetcher: Fetcher): Promise<SharedSources> {
  return parseShared(await fetchShared(opts, fetcher));
}
