/**
 * The whole site, built once from the committed data/ into a temporary folder (pages CLI,
 * Eleventy, Pagefind), then checked: every page exists, no internal link is broken, the pages are
 * well formed, and a real browser (Debian's Chromium) can search, browse and download.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataComponentArtifact, EventArtifact, TacticArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import { REPO_ROOT } from '../../scripts/cli/pages.ts';
import { dataComponentSlug, eventSlug } from '../../scripts/pages/urls.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { buildSite, type BuiltSite, checkLinks, fileFor, serveStatic, walk } from './helpers.ts';

const DATA = path.join(REPO_ROOT, 'data');
const OUTPUT = path.join(REPO_ROOT, 'test-output');
const CHROMIUM = '/usr/bin/chromium';
const temps = tempDirs();
let site: BuiltSite;

const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { latest: string; versions: Array<{ version: string }> };
const LATEST = index.latest;
const OLDEST = index.versions[0]?.version ?? '';

async function artifacts(version: string) {
  const read = async <T>(name: string): Promise<T> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', version, name), 'utf8')) as T;
  return {
    techniques: (await read<{ techniques: TechniqueArtifact[] }>('techniques.json')).techniques,
    events: (await read<{ events: EventArtifact[] }>('events.json')).events,
    tactics: (await read<{ tactics: TacticArtifact[] }>('tactics.json')).tactics,
    dataComponents: (await read<{ dataComponents: DataComponentArtifact[] }>('data-components.json')).dataComponents,
  };
}

beforeAll(async () => {
  site = await buildSite(path.join(await temps.make('site-full-'), 'work'), DATA);
  const s = site.seconds;
  process.stderr.write(`site build: pages ${s.pages.toFixed(1)} s, eleventy ${s.eleventy.toFixed(1)} s, pagefind ${s.pagefind.toFixed(1)} s, total ${s.total.toFixed(1)} s\n`);
}, 240_000);
afterAll(() => temps.cleanup());

describe('pages', () => {
  const missing = async (base: string, version: string): Promise<string[]> => {
    const a = await artifacts(version);
    const urls = [
      base,
      `${base}techniques/`,
      `${base}tactics/`,
      `${base}events/`,
      `${base}data-components/`,
      ...a.techniques.map((t) => `${base}techniques/${t.id}/`),
      ...a.tactics.map((t) => `${base}tactics/${t.id}/`),
      ...a.events.map((e) => `${base}events/${eventSlug(e.key)}/`),
      ...a.dataComponents.map((c) => `${base}data-components/${dataComponentSlug(c.name)}/`),
    ];
    expect(urls.length).toBeGreaterThan(200);
    const out: string[] = [];
    for (const u of urls) if (!(await fileFor(site.dir, u))) out.push(u);
    return out;
  };

  it(`has a page for every technique, tactic, event and data component of the latest version (${LATEST}) at the root`, async () => {
    expect(await missing('/', LATEST)).toEqual([]);
    expect(await fileFor(site.dir, '/events/security-4688/')).not.toBeNull();
    expect(await fileFor(site.dir, '/techniques/T1112/')).not.toBeNull();
  });

  it(`has them again under /v/${LATEST}/`, async () => {
    expect(await missing(`/v/${LATEST}/`, LATEST)).toEqual([]);
  });

  it(`has them for the oldest version (${OLDEST}) under /v/${OLDEST}/`, async () => {
    expect(await missing(`/v/${OLDEST}/`, OLDEST)).toEqual([]);
  });

  it('shows a technique with its events grouped by log, in tables with captions', async () => {
    const html = await readFile(path.join(site.dir, 'techniques', 'T1003.001', 'index.html'), 'utf8');
    expect(html).toMatch(/<h1><span class="id">T1003\.001<\/span> LSASS Memory<\/h1>/);
    expect(html).toMatch(/<caption>Security log: \d+ events? that show T1003\.001<\/caption>/);
    expect(html).toMatch(/<caption>Sysmon log: \d+ events? that show T1003\.001<\/caption>/);
    expect(html).toContain('href="/events/sysmon-10/"');
    expect(html).toContain('auditpol /set /subcategory:');
    expect(html).toContain('href="https://attack.mitre.org/techniques/T1003/001"');
    expect(html).toContain(`href="/v/${OLDEST === LATEST ? LATEST : index.versions[1]?.version}/techniques/T1003.001/"`);
  });

  it('says how specific an event is and how to turn it on', async () => {
    const html = await readFile(path.join(site.dir, 'events', 'security-4688', 'index.html'), 'utf8');
    expect(html).toMatch(/<strong class="spec-label">Very broad<\/strong>: tied to \d+ of \d+ techniques: says little about any one of them\./);
    expect(html).toContain('auditpol /set /subcategory:&quot;Process Creation&quot;');
    expect(html).toContain('Computer Configuration &gt; Windows Settings');
  });

  it('copies every version of the data to /downloads/, and the latest to /downloads/latest/', async () => {
    const csv = await readFile(path.join(DATA, 'enterprise-attack', LATEST, 'mapping.csv'));
    expect((await readFile(path.join(site.dir, 'downloads', 'latest', 'mapping.csv'))).equals(csv)).toBe(true);
    expect((await readFile(path.join(site.dir, 'downloads', 'enterprise-attack', LATEST, 'mapping.csv'))).equals(csv)).toBe(true);
    for (const v of index.versions) expect(existsSync(path.join(site.dir, 'downloads', 'enterprise-attack', v.version, 'techniques.json')), v.version).toBe(true);
    expect(existsSync(path.join(site.dir, 'downloads', 'schemas', 'techniques.schema.json'))).toBe(true);
    const downloads = await readFile(path.join(site.dir, 'downloads', 'index.html'), 'utf8');
    expect(downloads).toContain('This work is reproduced and distributed with the permission of The MITRE Corporation.');
    expect(downloads).toContain('Open Threat Research Forge');
    expect(downloads).toContain('Permission is hereby granted, free of charge');
  });
});

describe('links and markup', () => {
  it('has no broken internal link or download on any page', async () => {
    const report = await checkLinks(site.dir);
    expect(report.broken.slice(0, 50)).toEqual([]);
    expect(report.pages).toBeGreaterThan(5000);
    expect(report.links).toBeGreaterThan(100_000);
  });

  it('gives every page landmarks, one h1, headings in order, captioned tables and the licence notice', async () => {
    const pages = await walk(site.dir, (r) => r.endsWith('.html'));
    const problems: string[] = [];
    for (const rel of pages) {
      const html = await readFile(path.join(site.dir, rel), 'utf8');
      if (!html.startsWith('<!doctype html>\n<html lang="en">')) problems.push(`${rel}: doctype/lang`);
      for (const tag of ['<header', '<nav', '<main', '<footer']) if (!html.includes(tag)) problems.push(`${rel}: no ${tag}>`);
      if ((html.match(/<h1[ >]/g) ?? []).length !== 1) problems.push(`${rel}: not one h1`);
      let level = 0;
      for (const m of html.matchAll(/<h([1-6])[ >]/g)) {
        const h = Number(m[1]);
        if (h > level + 1) problems.push(`${rel}: h${h} after h${level}`);
        level = h;
      }
      if ((html.match(/<table/g) ?? []).length !== (html.match(/<table[^>]*>\s*<caption>/g) ?? []).length) problems.push(`${rel}: table without caption`);
      if (!/MITRE ATT&(amp;)?CK®: © The MITRE Corporation\. This work is reproduced and distributed with the permission of The MITRE Corporation/.test(html)) {
        problems.push(`${rel}: no licence notice`);
      }
    }
    expect(problems.slice(0, 30)).toEqual([]);
  });

  it('indexes each technique, event, tactic and data component once for search', async () => {
    const entry = JSON.parse(await readFile(path.join(site.dir, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    const a = await artifacts(LATEST);
    const latestEntities = a.techniques.length + a.events.length + a.tactics.length + a.dataComponents.length;
    const count = entry.languages.en?.page_count ?? 0;
    expect(count).toBeGreaterThanOrEqual(latestEntities);
    // Not every version's copy: older versions add only what the latest no longer has.
    expect(count).toBeLessThan(latestEntities * 2);
    const v = await readFile(path.join(site.dir, 'v', LATEST, 'techniques', 'T1003', 'index.html'), 'utf8');
    expect(v).not.toContain('data-pagefind-body');
  });
});

describe('in a browser', () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> };
  /** Each browser test fails (not skips) when Chromium is missing: CI must install it. */
  const ready = (): Browser => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests need Debian's chromium package (apt-get install -y chromium).`);
    }
    if (!browser) throw new Error('Chromium did not start (see the beforeAll error)');
    return browser;
  };

  beforeAll(async () => {
    server = await serveStatic(site.dir);
    await mkdir(OUTPUT, { recursive: true });
    if (!existsSync(CHROMIUM)) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('searches 4688 from the home page, reaches Security 4688, follows a technique to its event table, and downloads mapping.csv', async () => {
    const context = await ready().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Which Windows events should I collect first?');
    await page.fill('#site-q', '4688');
    await page.press('#site-q', 'Enter');
    await page.waitForURL(/\/search\/\?q=4688$/);
    const result = page.locator('.pagefind-ui__result-link', { hasText: 'Security 4688' }).first();
    await result.waitFor({ timeout: 15_000 });
    await result.click();
    await page.waitForURL(/\/events\/security-4688\/$/);
    expect(await page.locator('h1').textContent()).toContain('Security 4688');

    const technique = page.locator('.technique-list a').first();
    const href = await technique.getAttribute('href');
    expect(href).toMatch(/^\/techniques\/T\d{4}(\.\d{3})?\/$/);
    await technique.click();
    await page.waitForURL(`${server.url}${href}`);
    const caption = page.locator('table.events-table caption').first();
    await expect.poll(() => caption.textContent()).toMatch(/^\w[\w/-]* log: \d+ events? that show T\d{4}/);
    expect(await page.locator('table.events-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.events-table a[href="/events/security-4688/"]').count()).toBe(1);

    await page.click('nav[aria-label="Main"] a:has-text("Downloads")');
    await page.waitForURL(/\/downloads\/$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/downloads/latest/mapping.csv"]')]);
    expect(download.suggestedFilename()).toBe('mapping.csv');
    const text = await readFile((await download.path()) as string, 'utf8');
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    for (const col of ['technique_id', 'technique', 'tactics', 'data_source', 'data_component', 'event_log', 'event_id', 'event_name', 'evidence', 'evidence_ref']) {
      expect(parsed.meta.fields).toContain(col);
    }
    expect(parsed.data.length).toBeGreaterThan(1000);
    expect(parsed.data.some((r) => r.event_log === 'Security' && r.event_id === '4688')).toBe(true);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches ATT&CK version without JavaScript', async () => {
    const context = await ready().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/techniques/T1003.001/`);
    await page.click('.version-switch summary');
    const older = index.versions.at(-2)?.version ?? LATEST;
    await page.click(`.version-switch a[href="/v/${older}/techniques/T1003.001/"]`);
    await page.waitForURL(`${server.url}/v/${older}/techniques/T1003.001/`);
    expect(await page.locator('.version-note').textContent()).toContain(`ATT&CK v${older}`);
    await context.close();
  });

  it('lays out a technique page on a phone and a desktop (screenshots in test-output/)', async () => {
    for (const [name, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 900 }],
    ] as const) {
      const context = await ready().newContext({ viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${server.url}/techniques/T1003.001/`);
      // Nothing wider than the screen: no sideways scrolling of the page.
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), name).toBeLessThanOrEqual(viewport.width);
      const file = path.join(OUTPUT, `technique-${name}.png`);
      await page.screenshot({ path: file });
      await page.locator('table.events-table').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUTPUT, `technique-${name}-events.png`) });
      expect((await readFile(file)).subarray(1, 4).toString()).toBe('PNG');
      await context.close();
    }
  });
});

// The built site's size, for the record (and a guard against an empty build).
afterAll(async () => {
  if (!site) return;
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(path.join(OUTPUT, 'site-build.json'), `${JSON.stringify(site.seconds, null, 2)}\n`);
});
