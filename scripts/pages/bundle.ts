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
import { ExpectedError } from '../lib/expected-error.ts';
import { REPO_ROOT } from '../lib/repo-root.ts';
import { COVERAGE_SCRIPT } from './coverage.ts';
import { PLAN_SCRIPT } from './plan.ts';
import type { GeneratedFile } from './types.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const COVERAGE_ENTRY = path.join(HERE, 'browser', 'coverage-app.ts');
/** The plan page's script (scripts/plan/ with the coverage core), bundled the same way to site/_generated/assets/plan.js. */
export const PLAN_ENTRY = path.join(HERE, 'browser', 'plan-app.ts');

/** The coverage page's script cannot be bundled (named apart from the STIX BundleError of scripts/attack/stix.ts). */
export class BrowserBundleError extends ExpectedError {}

export interface Bundle {
  code: string;
  /** The source files in the bundle, relative to the repository (esbuild's metafile). */
  inputs: string[];
  /** Imports left to the browser to resolve: none, the bundle stands alone. */
  external: string[];
}

export function bundleCoverageApp(o: { minify?: boolean } = {}): Promise<Bundle> {
  return bundleApp(COVERAGE_ENTRY, o);
}

export function bundlePlanApp(o: { minify?: boolean } = {}): Promise<Bundle> {
  return bundleApp(PLAN_ENTRY, o);
}

/** Both pages' scripts as the generated files the pages CLIs write (site/_generated/assets/coverage.js and plan.js). */
export async function pageScripts(): Promise<GeneratedFile[]> {
  const [coverage, plan] = await Promise.all([bundleCoverageApp(), bundlePlanApp()]);
  return [
    { path: COVERAGE_SCRIPT, text: coverage.code },
    { path: PLAN_SCRIPT, text: plan.code },
  ];
}

async function bundleApp(entry: string, o: { minify?: boolean }): Promise<Bundle> {
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: o.minify ?? true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
      metafile: true,
      banner: { js: `// Built by scripts/pages/bundle.ts from ${path.relative(REPO_ROOT, entry).split(path.sep).join('/')} and the cores it imports (npm run site:pages). Do not edit.` },
    });
  } catch (e) {
    throw new BrowserBundleError(`cannot bundle ${path.relative(REPO_ROOT, entry)} for the browser: ${(e as Error).message}`);
  }
  const out = result.outputFiles[0];
  if (!out) throw new BrowserBundleError('esbuild wrote no output');
  const inputs = Object.keys(result.metafile.inputs).sort();
  const external = [...new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)))].sort();
  if (external.length > 0) throw new BrowserBundleError(`the bundle of ${path.relative(REPO_ROOT, entry)} would import ${external.join(', ')} at run time; a browser cannot`);
  return { code: out.text, inputs, external };
}
