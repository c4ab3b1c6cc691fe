/**
 * Installs a staged build into the data folder, all or nothing, with one commit point:
 *
 *   1. the caller has written everything to install into a staging folder inside the data folder
 *      (same file system, so every move is a rename);
 *   2. a journal, `<data>/.install-journal.json`, listing every move is written atomically: the
 *      commit point;
 *   3. the moves run: a version folder already installed goes to a trash folder, the staged one takes
 *      its place; files (index.json, schemas, the lock) are renamed over their targets;
 *   4. the journal is removed, then the trash and the staging folder.
 *
 * A run killed before 2 leaves the data folder as it was; `recoverInstall`, which every build and
 * nightly runs first, removes its leftovers. A run killed after 2 is finished by `recoverInstall`:
 * each move is skipped when already done, so finishing twice is harmless.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOMAIN } from '../lib/domain.ts';
import { stringifyJson } from '../lib/json.ts';
import { exists, writeFileAtomic } from '../sources/atomic.ts';
import { BuildError } from './errors.ts';

export const JOURNAL = '.install-journal.json';

/** Folders a build or nightly leaves only while it runs (or when killed). */
const LEFTOVER = /^\.(?:staging|nightly|trash|old)-/;

export interface Move {
  /** Staged path (absolute). */
  from: string;
  /** Installed path (absolute). */
  to: string;
  /** For a folder: where the folder it replaces goes first (absolute); '' for a file. */
  trash: string;
}

interface Journal {
  moves: Move[];
  cleanup: string[];
}

/** Test hook: called before each step of the install ("journal", then "move 0", "move 1"…, then "cleanup"). */
export type StepHook = (step: string) => void | Promise<void>;

function isJournal(v: unknown): v is Journal {
  if (typeof v !== 'object' || v === null) return false;
  const j = v as Record<string, unknown>;
  const str = (x: unknown): boolean => typeof x === 'string';
  return Array.isArray(j['moves']) && j['moves'].every((m) => typeof m === 'object' && m !== null && str((m as Move).from) && str((m as Move).to) && str((m as Move).trash)) && Array.isArray(j['cleanup']) && j['cleanup'].every(str);
}

/** A rename, or a copy then rename where the target is on another file system (a lock outside the data folder). */
async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const temp = `${to}.${process.pid}.install.tmp`;
    await copyFile(from, temp);
    await rename(temp, to);
    await rm(from, { force: true });
  }
}

/** One move, idempotent: nothing to do once `from` is gone. */
async function runMove(m: Move): Promise<void> {
  if (!(await exists(m.from))) return;
  if (m.trash) {
    if (await exists(m.to)) {
      await mkdir(path.dirname(m.trash), { recursive: true });
      await rm(m.trash, { recursive: true, force: true });
      await rename(m.to, m.trash);
    }
    await mkdir(path.dirname(m.to), { recursive: true });
    await rename(m.from, m.to);
  } else {
    await moveFile(m.from, m.to);
  }
}

async function finish(dataDir: string, journal: Journal, hook?: StepHook): Promise<void> {
  for (let i = 0; i < journal.moves.length; i++) {
    await hook?.(`move ${i}`);
    await runMove(journal.moves[i] as Move);
  }
  await hook?.('cleanup');
  await rm(path.join(dataDir, JOURNAL), { force: true });
  for (const dir of journal.cleanup) await rm(dir, { recursive: true, force: true });
}

/**
 * Installs `moves` (staged → installed) into `dataDir` all or nothing. `cleanup` lists folders to
 * delete once done (the staging and trash folders).
 */
export async function install(dataDir: string, moves: Move[], cleanup: string[], hook?: StepHook): Promise<void> {
  for (const m of moves) if (!(await exists(m.from))) throw new BuildError(`install: ${m.from} was not staged`);
  const journal: Journal = { moves, cleanup };
  await hook?.('journal');
  await writeFileAtomic(path.join(dataDir, JOURNAL), stringifyJson(journal));
  await finish(dataDir, journal, hook);
}

/** Whether an install into `dataDir` is committed and not yet finished (its journal is there). */
export async function installCommitted(dataDir: string): Promise<boolean> {
  return exists(path.join(dataDir, JOURNAL));
}

/**
 * Run first by every build of `dataDir`: finishes an install a killed run had committed to, then
 * removes what killed runs left behind (staging, trash and old folders, temp files).
 */
export async function recoverInstall(dataDir: string): Promise<{ finished: boolean; removed: string[] }> {
  let finished = false;
  const journalPath = path.join(dataDir, JOURNAL);
  if (await exists(journalPath)) {
    let journal: unknown;
    try {
      journal = JSON.parse(await readFile(journalPath, 'utf8'));
    } catch {
      journal = undefined;
    }
    // A journal is written atomically, so a broken one was not written by us: say so, touch nothing.
    if (!isJournal(journal)) throw new BuildError(`${journalPath} is not an install journal this build wrote; look at it, then delete it`);
    await finish(dataDir, journal);
    finished = true;
  }
  const removed: string[] = [];
  for (const dir of [dataDir, path.join(dataDir, DOMAIN)]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!LEFTOVER.test(name) && !/\.tmp$/.test(name)) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      removed.push(path.join(dir, name));
    }
  }
  return { finished, removed };
}

/** Writes a staged file (a plain write: the staging folder is not visible until installed). */
export async function stageFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
