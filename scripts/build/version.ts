/** One ATT&CK version: bundle text → mapping → artifact files, checked against the schemas. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readActors } from '../attack/actors.ts';
import { parseBundleJson, readBundle, type StixBundle } from '../attack/stix.ts';
import { buildVersionArtifacts, type IndexEntry, type SourceRecord } from '../artifacts/build.ts';
import { GROUPS_FILE, groupsArtifact, withGroupsFile } from '../artifacts/groups.ts';
import { validateArtifact } from '../artifacts/schemas.ts';
import { publishedLayerFiles } from '../coverage/layers.ts';
import { mapVersion } from '../mapping/map.ts';
import type { VersionMapping } from '../mapping/types.ts';
import { DOMAIN } from '../lib/domain.ts';
import { BuildError } from './errors.ts';
import type { SharedSources, Verified } from './shared.ts';


export interface BuiltVersion {
  mapping: VersionMapping;
  files: Map<string, string>;
  bytes: Map<string, Buffer>;
  entry: IndexEntry;
}

/** Maps one parsed bundle and checks its artifacts against the schemas; throws naming the file and field. */
export function buildOneVersion(version: string, bundle: StixBundle, shared: Pick<SharedSources, 'catalog' | 'rules' | 'ruleProblems'>, sources: SourceRecord[], includeDeprecated: boolean): BuiltVersion {
  const { mapping, groups } = mapBundle(version, bundle, shared, includeDeprecated);
  const groupProblems = validateArtifact(GROUPS_FILE, groups);
  if (groupProblems.length > 0) throw new BuildError(`ATT&CK ${version}: ${GROUPS_FILE} does not match its schema: ${groupProblems.join('; ')}`);
  // Navigator heat maps (all events, and one per log) are published beside the data, listed in the manifest.
  const derived = withGroupsFile(groups, publishedLayerFiles);
  const { files, bytes, json, counts } = buildVersionArtifacts(mapping, sources, derived);
  for (const [name, value] of json) {
    const problems = validateArtifact(name, value);
    if (problems.length > 0) throw new BuildError(`ATT&CK ${version}: ${name} does not match its schema: ${problems.join('; ')}`);
  }
  return { mapping, files, bytes, entry: { version, era: mapping.era, path: `${DOMAIN}/${version}`, counts } };
}

/**
 * The mapping and groups.json of a parsed bundle. Its own function so that the bundle is garbage
 * before the artifacts are written (the build's memory peak).
 */
function mapBundle(version: string, bundle: StixBundle, shared: Pick<SharedSources, 'catalog' | 'rules' | 'ruleProblems'>, includeDeprecated: boolean): { mapping: VersionMapping; groups: ReturnType<typeof groupsArtifact> } {
  const mapping = mapVersion(bundle, shared.catalog, version, { includeDeprecated, rules: shared.rules, extraProblems: shared.ruleProblems });
  // groups.json (groups, campaigns, software and the techniques they use) comes from the same parsed bundle.
  return { mapping, groups: groupsArtifact(version, readActors(bundle)) };
}

/**
 * Writes a version's files into its folder of the staging tree. Plain writes, all at once: the
 * staging tree is swapped in whole only after every version built, so no file needs its own rename.
 */
export async function writeVersionFiles(dir: string, files: ReadonlyMap<string, string | Buffer>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all([...files].map(([name, content]) => writeFile(path.join(dir, name), content)));
}

/** One version to build: its verified bundle bytes and where its files go. Structured-cloneable, for worker threads. */
export interface VersionJob {
  version: string;
  label: string;
  bundle: Uint8Array;
  sources: SourceRecord[];
  includeDeprecated: boolean;
  dir: string;
}

/**
 * The job's bundle, decoded and parsed; the job lets go of its bytes. Its own function so that the
 * bytes and the text (up to 46 MB each) are garbage before the mapping starts: they were most of
 * the build's peak memory above the floor's.
 */
function takeBundle(job: VersionJob): StixBundle {
  // Nested calls, so that no frame still holds the bytes while the text is parsed, nor the text
  // (two bytes a character once one is not ASCII: 92 MB for 18.1) while the typed records are read.
  return readBundle(parseBundleJson(takeText(job), job.label), job.label);
}

/** The job's bundle as text; the job lets go of its bytes. */
function takeText(job: VersionJob): string {
  const bytes = job.bundle;
  job.bundle = new Uint8Array(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The job of a verified bundle: its bytes, and its record first among the version's sources. */
export function versionJob(bundle: Verified, o: Omit<VersionJob, 'bundle'>): VersionJob {
  return { ...o, bundle: bundle.fetched.bytes, sources: [bundle.record, ...o.sources] };
}

/**
 * Builds a job's version and writes its files; resolves with its index entry. Takes the job's bundle
 * bytes (see takeBundle). `onParsed` is called once the bundle's text and JSON are garbage, the
 * moment to fetch the next bundle without holding both at the memory peak.
 */
export async function runVersionJob(job: VersionJob, shared: Pick<SharedSources, 'catalog' | 'rules' | 'ruleProblems'>, onParsed?: () => void): Promise<IndexEntry> {
  const bundle = takeBundle(job);
  onParsed?.();
  const built = buildOneVersion(job.version, bundle, shared, job.sources, job.includeDeprecated);
  await writeVersionFiles(job.dir, built.bytes);
  return built.entry;
}
