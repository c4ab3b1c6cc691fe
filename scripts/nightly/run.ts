/**
 * The nightly update, step by step:
 *
 *   1. fetch the ATT&CK index (a conditional request when the cache has a copy);
 *   2. plan: the lock's versions plus any release newer than the newest one we have;
 *   3. rebuild them into a staging folder inside the data folder, re-pinning changed upstream files
 *      in a copy of the lock (`--update-lock` semantics, by the pipeline's own runBuild);
 *   4. compare with the data folder (scripts/diff);
 *   5. if anything changed: swap the changed versions in, rewrite index.json, then write the lock.
 *
 * Every failure before step 5 (fetch, checksum, parse, schema, a suspicious shrink) throws and
 * leaves the data folder and the lock exactly as they were. The report is returned, not written.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAttackIndex } from '../sources/attack-index.ts';
import { createFetcher } from '../sources/fetcher.ts';
import { readLock, serializeLock, verifyAgainstLock, writeLock } from '../sources/lock.ts';
import type { FetchTuning, LockFile, SourceMode } from '../sources/types.ts';
import { ARCHIVES, ATTACK_INDEX_URL } from '../sources/upstream.ts';
import { BuildError, runBuild } from '../build/run.ts';
import { diffArtifacts, selectVersions } from '../diff/diff.ts';
import { loadArtifacts, LoadError } from '../diff/load.ts';
import { GITHUB_BODY_LIMIT, renderMarkdown } from '../diff/markdown.ts';
import type { ChangeReport, DataSet, VersionDiff } from '../diff/types.ts';
import { nightlyMoves } from './apply.ts';
import { install as installStaged, installCommitted, recoverInstall, stageFile } from '../build/install.ts';
import { shrinkMessage, shrinkProblems } from '../build/shrink.ts';
import { archiveChangeText, diffLocks, lockChanged, planVersions, type ArchiveChange, type LockChanges } from './plan.ts';

/** Expected nightly failures; a BuildError, so the CLI prints one `error:` line and exits 1. */
export class NightlyError extends BuildError {}

export interface NightlyOptions {
  mode: SourceMode;
  dataDir: string;
  lockPath: string;
  /** Accept a rebuilt version with less than half the rows or techniques of the committed one. */
  allowShrink?: boolean;
  /** The content-addressed build cache folder: versions whose inputs did not change are copied, not rebuilt. */
  buildCache?: string;
  tuning?: Partial<FetchTuning>;
  log?: (line: string) => void;
}

export interface NightlyResult {
  /** data/ or the lock changed (and both were updated). */
  changed: boolean;
  /** Versions rebuilt, oldest first. */
  versions: string[];
  newReleases: string[];
  report: ChangeReport;
  lockChanges: LockChanges;
  /** Detection rules that came and went in the rebuilt versions that were already in data/ (distinct by source and ID). */
  rules: { added: number; removed: number };
  /** The change report as Markdown, within GitHub's body limit (the nightly PR body). */
  markdown: string;
  /** One line for logs and the PR title. */
  summary: string;
  title: string;
}


async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function onlySchemas(data: DataSet): DataSet {
  return { ...data, rootFiles: Object.fromEntries(Object.entries(data.rootFiles).filter(([k]) => k.startsWith('schemas/'))) };
}

function reportShrinkProblems(report: ChangeReport): string[] {
  return report.compared.flatMap((d) => shrinkProblems(d.newVersion, { rows: d.counts.rows.old, techniques: d.counts.techniques.old }, { rows: d.counts.rows.new, techniques: d.counts.techniques.new }));
}

/** `splunk-escu: b13b314a → 0f3c9e21 (Splunk Security Content, [compare](https://github.com/…/compare/old...new))` */
function archiveLine(a: ArchiveChange): string {
  const source = (ARCHIVES as Record<string, { repo: string; title: string } | undefined>)[a.name];
  if (!source) return archiveChangeText(a);
  const compare = a.old !== null && a.new !== null ? `, [compare](https://github.com/${source.repo}/compare/${a.old}...${a.new})` : '';
  return `${archiveChangeText(a)} (${source.title}${compare})`;
}

function lockIntro(c: LockChanges, before: LockFile, after: LockFile, indexOrigin: string): string {
  const lines = [`ATT&CK index: ${indexOrigin}.`];
  if (c.versionsChanged) lines.push(`Lock: attackVersions ${before.attackVersions.join(', ') || '(none)'} → ${after.attackVersions.join(', ')}.`);
  if (c.archives.length > 0) lines.push(`Lock: archive commits changed (${c.archives.length}): ${c.archives.map(archiveLine).join('; ')}.`);
  const list = (title: string, urls: string[]): void => {
    if (urls.length === 0) return;
    const shown = urls.slice(0, 15).map((u) => `\`${u}\``);
    lines.push(`${title} (${urls.length}): ${shown.join(', ')}${urls.length > shown.length ? `, … and ${urls.length - shown.length} more` : ''}.`);
  };
  list('Lock: re-pinned', c.changed);
  list('Lock: newly pinned', c.added);
  list('Lock: no longer pinned', c.removed);
  if (c.added.length + c.changed.length + c.removed.length + c.archives.length === 0) lines.push('Lock: every upstream file is as pinned.');
  return lines.join('\n\n');
}

/**
 * Rules that came and went in the versions compared with their committed copy (new releases are
 * compared with the previous release, which says nothing about upstream's rules): distinct by
 * source and ID, so a rule placed in several versions counts once.
 */
function ruleTotals(report: ChangeReport): { added: number; removed: number } {
  const key = (r: { source: string; id: string }): string => `${r.source}\u0000${r.id}`;
  const added = new Set(report.compared.flatMap((d) => d.rules.added.map(key)));
  const removed = new Set(report.compared.flatMap((d) => d.rules.removed.map(key)));
  return { added: added.size, removed: removed.size };
}

function describe(report: ChangeReport, c: LockChanges): { summary: string; title: string } {
  const added = report.versionsAdded.map((v) => v.version);
  const changed = report.compared.filter((d: VersionDiff) => !d.identical).map((d) => d.newVersion);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`ATT&CK ${added.join(', ')} new`);
  if (changed.length > 0) parts.push(`ATT&CK ${changed.join(', ')} changed`);
  const rules = ruleTotals(report);
  if (rules.added + rules.removed > 0) parts.push(`detection rules +${rules.added} / −${rules.removed}`);
  for (const a of c.archives) parts.push(archiveChangeText(a));
  const pins = c.changed.length + c.added.length + c.removed.length;
  if (pins > 0) parts.push(`${pins} upstream file${pins === 1 ? '' : 's'} re-pinned`);
  const title =
    added.length > 0 ? `Upstream update: ATT&CK ${added.join(', ')}` : changed.length > 0 ? `Upstream update: ATT&CK ${changed.join(', ')} changed` : 'Upstream update: sources re-pinned';
  return { summary: parts.join('; '), title };
}

export async function runNightly(opts: NightlyOptions): Promise<NightlyResult> {
  const log = opts.log ?? (() => {});
  if (!(await isDir(opts.dataDir))) throw new NightlyError(`--data ${opts.dataDir}: no such folder; the nightly updates an existing data folder (create it with npm run data)`);
  const lockBefore = await readLock(opts.lockPath);
  const lock: LockFile = structuredClone(lockBefore);

  // 1. The index, revalidated against the cache (If-None-Match / If-Modified-Since).
  const fetcher = createFetcher(opts.mode, opts.tuning);
  let indexText: string;
  let indexOrigin: string;
  try {
    const index = await fetcher.get(ATTACK_INDEX_URL);
    verifyAgainstLock(lock, index, { update: true, lockPath: opts.lockPath });
    indexText = index.bytes.toString('utf8');
    indexOrigin = { download: 'downloaded', 'not-modified': 'not modified since the last run (304)', cache: 'from the cache', mirror: 'read from the mirror folder' }[index.origin];
  } finally {
    await fetcher.close();
  }
  const released = parseAttackIndex(indexText, `ATT&CK index ${ATTACK_INDEX_URL}`).map((r) => r.version);
  log(`index.json: ${released.length} Enterprise versions (${indexOrigin})`);

  // 2. The plan.
  let oldData: DataSet;
  try {
    oldData = await loadArtifacts(opts.dataDir, path.relative(process.cwd(), opts.dataDir) || '.');
  } catch (e) {
    if (e instanceof LoadError) throw new NightlyError(`--data: ${e.message}`);
    throw e;
  }
  const plan = planVersions(lock.attackVersions, oldData.versions.map((v) => v.version), released);
  if (plan.versions.length === 0) throw new NightlyError(`nothing to build: the lock ${opts.lockPath} lists no attackVersions and the ATT&CK index lists no version`);
  log(`rebuilding ATT&CK ${plan.versions.join(', ')}${plan.newReleases.length > 0 ? ` (new: ${plan.newReleases.join(', ')})` : ''}`);

  // 3. Build into staging (inside the data folder: same file system, so installing is a rename).
  const staging = path.join(opts.dataDir, `.nightly-${process.pid}-${Date.now()}`);
  const built = path.join(staging, 'build');
  // A nightly or build killed during its install is finished first; leftovers of killed runs go.
  await recoverInstall(opts.dataDir);
  try {
    await mkdir(staging, { recursive: true });
    await runBuild({
      attack: plan.versions,
      layout: 'stix-data',
      mode: opts.mode,
      outDir: built,
      lock,
      lockPath: path.join(staging, 'sources.lock.json'),
      updateLock: true,
      includeDeprecated: false,
      ...(opts.tuning ? { tuning: opts.tuning } : {}),
      ...(opts.buildCache ? { buildCache: opts.buildCache } : {}),
      // The pipeline reports writing the staging copy of the lock; the real one is written below.
      log: (line) => {
        if (!line.startsWith('lock: ')) log(line);
      },
    });

    // 4. Compare what was rebuilt with what is committed.
    const newData = await loadArtifacts(built, 'upstream rebuild');
    const report = diffArtifacts(onlySchemas(selectVersions(oldData, plan.versions)), onlySchemas(newData));
    if (report.versionsRemoved.length > 0) throw new NightlyError(`nightly: the rebuild lacks ATT&CK ${report.versionsRemoved.map((v) => v.version).join(', ')}; refusing to remove data`);
    const shrink = reportShrinkProblems(report);
    if (shrink.length > 0 && !opts.allowShrink) {
      throw new NightlyError(shrinkMessage(shrink, 'data/'));
    }
    const lockChanges = diffLocks(lockBefore, lock);
    const changed = report.changed || lockChanged(lockChanges);
    const { summary, title } = describe(report, lockChanges);
    const markdown = renderMarkdown(report, {
      title: 'Nightly upstream update',
      intro: lockIntro(lockChanges, lockBefore, lock, indexOrigin),
      maxChars: GITHUB_BODY_LIMIT - 1000,
    });

    // 5. Install: versions first (each atomically), then index and schemas, the lock last.
    if (changed) {
      const install = [...report.versionsAdded.map((v) => v.version), ...report.compared.filter((d) => !d.identical).map((d) => d.newVersion)];
      const trash = path.join(opts.dataDir, `.trash-${process.pid}-${Date.now()}`);
      const moves = await nightlyMoves(built, opts.dataDir, install, staging, trash);
      if (serializeLock(lock) !== serializeLock(lockBefore)) {
        await stageFile(path.join(staging, 'final.lock.json'), serializeLock(lock));
        moves.push({ from: path.join(staging, 'final.lock.json'), to: opts.lockPath, trash: '' });
      }
      await installStaged(opts.dataDir, moves, [trash, staging]);
      log(`installed ${install.length > 0 ? `ATT&CK ${install.join(', ')}` : 'no version'} into ${opts.dataDir}; lock ${lockChanged(lockChanges) ? 'updated' : 'unchanged'}`);
    }
    return {
      changed,
      versions: plan.versions,
      newReleases: plan.newReleases,
      report,
      lockChanges,
      rules: ruleTotals(report),
      markdown,
      summary: changed ? `changed: ${summary || 'artifacts differ'}` : `no change: ATT&CK ${plan.versions.join(', ')} rebuilt from upstream match the data and the lock`,
      title,
    };
  } finally {
    // Once an install is committed (its journal written), its staged files are what finishes it.
    if (!(await installCommitted(opts.dataDir))) await rm(staging, { recursive: true, force: true });
  }
}
