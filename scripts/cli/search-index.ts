/**
 * `npm run site:search -- [--site DIR]`: the search index of the rendered site (default: _site/),
 * written by Pagefind from the searchable pages alone (scripts/pages/search-index.ts says why).
 */
import path from 'node:path';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { writeSearchIndex } from '../pages/search-index.ts';
import { isMain, parseCliArgs, runCli } from './errors.ts';

const USAGE = `Usage: npm run site:search -- [--site DIR]

Writes the site's search index (Pagefind) into DIR/pagefind/ from the pages marked searchable.

  --site DIR   the rendered site (default: _site)
  -h, --help   this text
`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseCliArgs(argv, { site: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const t0 = performance.now();
  const r = await writeSearchIndex(path.resolve(values.site ?? path.join(REPO_ROOT, '_site')));
  const summary = /Indexed \d+ pages?/.exec(r.output)?.[0] ?? 'indexed';
  process.stderr.write(`search index: ${summary} of ${r.indexedFiles} marked HTML files (${r.htmlFiles} in the site) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (isMain(import.meta.url)) await runCli(main);
