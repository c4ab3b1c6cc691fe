/**
 * Built sites shared by every test file of a run (tests/helpers/fixtures.ts): each is built once,
 * by the first file that asks, with the real commands (`buildSite` in ./helpers.ts). Read-only.
 *
 *   const site = await fullSite();                      // the committed data/, with search
 *   const site = await sharedSite('site-x', writeData);  // your own data folder, written once
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { sharedFixture } from '../helpers/fixtures.ts';
import { buildSite, type BuiltSite } from './helpers.ts';

export interface SharedSiteOptions {
  /** The base path the site is served from (default `/`). */
  base?: string;
}

/**
 * The site built from `data`: a data folder's path, or a function writing one into the folder it is
 * given (called once per run). `name` is the fixture's name: one name, one set of inputs.
 */
export async function sharedSite(name: string, data: string | ((dir: string) => Promise<void>), o: SharedSiteOptions = {}): Promise<BuiltSite> {
  const dir = await sharedFixture(name, async (fixture) => {
    let dataDir = typeof data === 'string' ? data : path.join(fixture, 'data');
    if (typeof data !== 'string') await data(dataDir);
    dataDir = path.resolve(dataDir);
    const built = await buildSite(path.join(fixture, 'work'), dataDir, o);
    await writeFile(path.join(fixture, 'seconds.json'), JSON.stringify(built.seconds));
  });
  const seconds = JSON.parse(await readFile(path.join(dir, 'seconds.json'), 'utf8')) as BuiltSite['seconds'];
  return { dir: path.join(dir, 'work', '_site'), generated: path.join(dir, 'work', 'site', '_generated'), seconds };
}

/** The whole site of the committed data/ (every version, with Pagefind's index). */
export function fullSite(): Promise<BuiltSite> {
  return sharedSite('site-full', path.join(REPO_ROOT, 'data'));
}
