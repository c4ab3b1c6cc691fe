/**
 * The coverage page's browser bundle: scripts/pages/browser/coverage-app.ts with the coverage core
 * (scripts/coverage/index.ts) and its packages (ajv, papaparse), as one minified ES module. The
 * pages CLI writes it to site/_generated/assets/coverage.js (never committed); Eleventy copies it to
 * /assets/coverage.js.
 *
 * esbuild is the bundler tsx already runs on; `platform: 'browser'` makes any Node built-in import
 * (node:fs…) a build error rather than a broken page.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const COVERAGE_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'browser', 'coverage-app.ts');

export class BundleError extends Error {}

export async function bundleCoverageApp(o: { minify?: boolean } = {}): Promise<string> {
  let result;
  try {
    result = await build({
      entryPoints: [COVERAGE_ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: o.minify ?? true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
      banner: { js: '// Built by scripts/pages/bundle.ts from scripts/pages/browser/coverage-app.ts and scripts/coverage/ (npm run site:pages). Do not edit.' },
    });
  } catch (e) {
    throw new BundleError(`cannot bundle ${path.relative(process.cwd(), COVERAGE_ENTRY)} for the browser: ${(e as Error).message}`);
  }
  const out = result.outputFiles[0];
  if (!out) throw new BundleError('esbuild wrote no output');
  return out.text;
}
