/**
 * The one way the tests (and npm run lighthouse) start a browser: headless Chromium through playwright-core, from the first
 * of these sources that starts.
 *
 *   1. `CHROMIUM_PATH`, when set: that binary and nothing else (an explicit choice never falls back).
 *   2. A system Chromium or Chrome (SYSTEM_CHROMIUMS), unless `NO_SYSTEM_CHROMIUM=1`.
 *   3. The Chromium shipped inside the npm package @sparticuz/chromium (a devDependency, so
 *      `npm ci` brings it: no root, no apt-get, no download at run time), unpacked once per
 *      package version into `<tmpdir>/sparticuz-chromium-<version>-<uid>/`.
 *
 * When none starts, launchChromium throws one error naming every source tried and why each failed:
 * the browser tests fail, never skip.
 *
 *   const { browser, source } = await launchChromium();
 *   const { server, source } = await launchChromiumServer();   // one browser for several processes
 */

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserServer, chromium } from 'playwright-core';

/** System browsers looked for, in order (Debian's chromium first). */
export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Flags for every source. `--no-sandbox`: the tests run as root on CI and in containers without user
 * namespaces, and load only pages served from this machine. The network flags keep Chromium from
 * calling out at start (this machine has no network: without them it retries refused connections).
 * Not @sparticuz/chromium's own `chromium.args`: they are for AWS Lambda and include
 * `--single-process` and `--disable-web-security`, which would change what the tests check.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const NPM_PACKAGE = '@sparticuz/chromium';

export type ChromiumSource = { kind: 'CHROMIUM_PATH'; path: string } | { kind: 'system'; path: string } | { kind: 'npm' };

export interface ChromiumLookup {
  /** Sources to try, in order. */
  sources: ChromiumSource[];
  /** Sources passed over without trying, and why (for the error when none starts). */
  passed: string[];
}

/** The lookup order, without starting anything. */
export function chromiumSources(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = existsSync): ChromiumLookup {
  const explicit = env['CHROMIUM_PATH']?.trim();
  if (explicit) return { sources: [{ kind: 'CHROMIUM_PATH', path: explicit }], passed: [] };
  const passed = ['CHROMIUM_PATH: not set'];
  const sources: ChromiumSource[] = [];
  if (env['NO_SYSTEM_CHROMIUM'] === '1') {
    passed.push(`system Chromium (${SYSTEM_CHROMIUMS.join(', ')}): skipped, NO_SYSTEM_CHROMIUM=1`);
  } else {
    for (const file of SYSTEM_CHROMIUMS) {
      if (exists(file)) sources.push({ kind: 'system', path: file });
      else passed.push(`${file}: not found`);
    }
  }
  sources.push({ kind: 'npm' });
  return { sources, passed };
}

export function describeSource(source: ChromiumSource): string {
  if (source.kind === 'CHROMIUM_PATH') return `CHROMIUM_PATH=${source.path}`;
  if (source.kind === 'system') return source.path;
  return `the npm package ${NPM_PACKAGE}`;
}

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
  /** Starts the browser at `executablePath` (tests replace it; defaults to playwright-core). */
  launch?: (executablePath: string, env: NodeJS.ProcessEnv) => Promise<Browser>;
  /** The path of @sparticuz/chromium's binary, unpacked (tests replace it). */
  npmChromium?: () => Promise<string>;
}

export interface LaunchedChromium {
  browser: Browser;
  /** Which source started, e.g. `/usr/bin/chromium` or `the npm package @sparticuz/chromium (147.0.0)`. */
  source: string;
}

/** Starts headless Chromium from the first source that works; throws naming every source tried. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  const { started, source } = await startFirst(options, options.launch ?? defaultLaunch);
  return { browser: started, source };
}

export interface LaunchedChromiumServer {
  /** Chromium as a server: clients connect with `chromium.connect(server.wsEndpoint())`. */
  server: BrowserServer;
  source: string;
}

/**
 * The same Chromium, from the same sources, as a server that several processes connect to (the
 * test run's one browser: tests/helpers/global-setup.ts).
 */
export async function launchChromiumServer(options: Omit<LaunchOptions, 'launch'> = {}): Promise<LaunchedChromiumServer> {
  const { started, source } = await startFirst(options, (executablePath, env) =>
    chromium.launchServer({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000, env: env as Record<string, string> }),
  );
  return { server: started, source };
}

/** `start` on the first source that works; throws naming every source tried and why each failed. */
async function startFirst<T>(options: LaunchOptions, start: (executablePath: string, env: NodeJS.ProcessEnv) => Promise<T>): Promise<{ started: T; source: string }> {
  const env = options.env ?? process.env;
  const npmChromium = options.npmChromium ?? unpackNpmChromium;
  const { sources, passed } = chromiumSources(env, options.exists);
  const failures: string[] = [];
  for (const source of sources) {
    let label = describeSource(source);
    try {
      let executable: string;
      let launchEnv = env;
      if (source.kind === 'npm') {
        executable = await npmChromium();
        label += ` (${npmVersion()}, unpacked to ${path.dirname(executable)})`;
        launchEnv = withFonts(env, path.dirname(executable));
      } else {
        executable = source.path;
        if (!(options.exists ?? existsSync)(executable)) throw new Error('not found');
      }
      return { started: await start(executable, launchEnv), source: label };
    } catch (error) {
      failures.push(`${label}: ${firstLines(error)}`);
    }
  }
  throw new Error(
    [
      'No Chromium could start for the browser tests. Sources, in order:',
      ...[...passed, ...failures].map((line) => `  - ${line}`),
      `Run \`npm ci\` (it installs ${NPM_PACKAGE}, whose Chromium runs without root), or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
    ].join('\n'),
  );
}

function defaultLaunch(executablePath: string, env: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000, env: env as Record<string, string> });
}

function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').slice(0, 6).join('\n      ');
}

function npmVersion(): string {
  const entry = createRequire(import.meta.url).resolve(NPM_PACKAGE);
  const pkg = JSON.parse(readFileSync(path.resolve(path.dirname(entry), '../../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Unpacks @sparticuz/chromium's binary (with its fonts and SwiftShader libraries) once per package
 * version. The package itself unpacks into `os.tmpdir()` and reuses whatever `chromium` it finds
 * there, even a half-written one or another version's; so it unpacks here into a fresh folder
 * (through TMPDIR, read when executablePath() is called), which is renamed into place only once
 * complete: a parallel or interrupted run never sees a partial binary.
 */
export async function unpackNpmChromium(): Promise<string> {
  const dir = path.join(os.tmpdir(), `sparticuz-chromium-${npmVersion()}-${process.getuid?.() ?? 'user'}`);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return path.join(dir, 'chromium');
  const { default: npm } = await import('@sparticuz/chromium');
  const staging = await mkdtemp(`${dir}.partial-`);
  try {
    const before = process.env['TMPDIR'];
    process.env['TMPDIR'] = staging;
    let unpacking: Promise<string>;
    try {
      // executablePath() reads os.tmpdir() synchronously before its first await.
      unpacking = npm.executablePath();
    } finally {
      if (before === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = before;
    }
    const executable = await unpacking;
    if (path.dirname(executable) !== staging) throw new Error(`${NPM_PACKAGE} unpacked to ${executable}, not into ${staging}`);
    await writeFile(path.join(staging, '.complete'), `${NPM_PACKAGE} ${npmVersion()}\n`);
    if (existsSync(done)) {
      await rm(staging, { recursive: true, force: true }); // another run finished first
    } else {
      if (existsSync(dir)) await rm(dir, { recursive: true, force: true }); // a leftover without .complete
      await rename(staging, dir);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another run may have finished first: its folder is complete.
    if (!existsSync(done)) throw error;
  }
  return path.join(dir, 'chromium');
}

/**
 * Without a system fontconfig (/etc/fonts/fonts.conf), pages would render with no font at all: point
 * fontconfig at the Open Sans that @sparticuz/chromium ships, unpacked beside its binary.
 */
function withFonts(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  if (env['FONTCONFIG_FILE'] || env['FONTCONFIG_PATH'] || existsSync('/etc/fonts/fonts.conf')) return env;
  return { ...env, FONTCONFIG_FILE: writeFontsConf(dir) };
}

function writeFontsConf(dir: string): string {
  const file = path.join(dir, 'fonts', 'project-fonts.conf');
  if (!existsSync(file)) {
    const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const conf = `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${xml(path.join(dir, 'fonts', 'fonts'))}</dir>\n  <cachedir>${xml(path.join(dir, 'fonts-cache'))}</cachedir>\n</fontconfig>\n`;
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, conf);
    renameSync(temp, file);
  }
  return file;
}
