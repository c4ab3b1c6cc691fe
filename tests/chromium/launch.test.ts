/** The browser lookup order and its error, without starting a browser. */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumSources, launchChromium, launchChromiumServer, SYSTEM_CHROMIUMS } from '../../scripts/chromium/launch.ts';

const DEBIAN = '/usr/bin/chromium';
const onlyDebian = (file: string) => file === DEBIAN;
const none = () => false;
const fakeBrowser = (executable: string) => ({ executable }) as unknown as Browser;

describe('chromiumSources', () => {
  it('takes CHROMIUM_PATH alone when it is set, even with a system Chromium present', () => {
    expect(chromiumSources({ CHROMIUM_PATH: '/opt/chrome/chrome' }, onlyDebian).sources).toEqual([{ kind: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' }]);
    expect(chromiumSources({ CHROMIUM_PATH: '/opt/chrome/chrome', NO_SYSTEM_CHROMIUM: '1' }, onlyDebian).sources).toEqual([{ kind: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' }]);
  });

  it('tries the system Chromiums that exist, in order, then the npm package', () => {
    const all = () => true;
    expect(chromiumSources({}, all).sources).toEqual([...SYSTEM_CHROMIUMS.map((p) => ({ kind: 'system', path: p })), { kind: 'npm' }]);
    const lookup = chromiumSources({ CHROMIUM_PATH: '  ' }, onlyDebian);
    expect(lookup.sources).toEqual([{ kind: 'system', path: DEBIAN }, { kind: 'npm' }]);
    expect(lookup.passed).toContain('CHROMIUM_PATH: not set');
    expect(lookup.passed).toContain('/usr/bin/chromium-browser: not found');
  });

  it('skips the system step when NO_SYSTEM_CHROMIUM=1', () => {
    const lookup = chromiumSources({ NO_SYSTEM_CHROMIUM: '1' }, onlyDebian);
    expect(lookup.sources).toEqual([{ kind: 'npm' }]);
    expect(lookup.passed.join('\n')).toMatch(/system Chromium .*skipped, NO_SYSTEM_CHROMIUM=1/);
    expect(chromiumSources({ NO_SYSTEM_CHROMIUM: '0' }, onlyDebian).sources[0]).toEqual({ kind: 'system', path: DEBIAN });
  });

  it('uses the npm package on a machine with no browser at all', () => {
    expect(chromiumSources({}, none).sources).toEqual([{ kind: 'npm' }]);
  });
});

describe('launchChromium', () => {
  it('starts the first source that works, falling back from a broken system Chromium to the npm package', async () => {
    const tried: string[] = [];
    const launched = await launchChromium({
      env: {},
      exists: onlyDebian,
      npmChromium: async () => '/tmp/unpacked/chromium',
      launch: async (exe) => {
        tried.push(exe);
        if (exe === DEBIAN) throw new Error('snap wrapper');
        return fakeBrowser(exe);
      },
    });
    expect(tried).toEqual([DEBIAN, '/tmp/unpacked/chromium']);
    expect(launched.source).toMatch(/^the npm package @sparticuz\/chromium \(\d+\.\d+\.\d+, unpacked to \/tmp\/unpacked\)$/);
  });

  it('never falls back from CHROMIUM_PATH', async () => {
    const tried: string[] = [];
    const launch = async (exe: string) => {
      tried.push(exe);
      return fakeBrowser(exe);
    };
    await expect(launchChromium({ env: { CHROMIUM_PATH: '/nowhere/chrome' }, exists: onlyDebian, launch })).rejects.toThrow(/CHROMIUM_PATH=\/nowhere\/chrome: not found/);
    expect(tried).toEqual([]);
  });

  it('starts the run’s shared browser server from the same sources, with the same message when none starts', async () => {
    const error = await launchChromiumServer({ env: { CHROMIUM_PATH: '/nowhere/chrome' }, exists: onlyDebian }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^No Chromium could start for the browser tests\. Sources, in order:\n  - CHROMIUM_PATH=\/nowhere\/chrome: not found\nRun `npm ci`/);
  });

  it('fails naming every source and why, when none starts', async () => {
    const error = await launchChromium({
      env: {},
      exists: onlyDebian,
      npmChromium: async () => {
        throw new Error("Cannot find package '@sparticuz/chromium'");
      },
      launch: async () => {
        throw new Error('browserType.launch: Failed to launch');
      },
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('No Chromium could start for the browser tests');
    expect(message).toContain('CHROMIUM_PATH: not set');
    expect(message).toContain('/usr/bin/chromium: browserType.launch: Failed to launch');
    expect(message).toContain('/usr/bin/google-chrome: not found');
    expect(message).toContain("the npm package @sparticuz/chromium: Cannot find package '@sparticuz/chromium'");
    expect(message).toContain('npm ci');

    const skipped = await launchChromium({ env: { NO_SYSTEM_CHROMIUM: '1' }, exists: onlyDebian, npmChromium: async () => Promise.reject(new Error('no space left')) }).catch((e: unknown) => e as Error);
    expect((skipped as Error).message).toMatch(/skipped, NO_SYSTEM_CHROMIUM=1[\s\S]*@sparticuz\/chromium: no space left/);
  });
});
