/**
 * The whole site, built once from the committed data/ into a temporary folder (pages CLI,
 * Eleventy, Pagefind), then checked: every page exists, no internal link is broken, the pages are
 * well formed, and a real browser (headless Chromium, found by scripts/chromium/launch.ts) can search,
 * browse and download.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataComponentArtifact, EventArtifact, TacticArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';
import { readChanges } from '../../scripts/cli/pages.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import {
  buildAdviceDiffLayer,
  buildConfigLayer,
  computeConfigCoverage,
  computeCoverage,
  configEventsFromJson,
  type NavigatorLayer,
  parseAuditpolCsv,
  parseSysmonConfig,
  presetPolicy,
  validateLayer,
  versionDataFromJson,
} from '../../scripts/coverage/index.ts';
import { decodeText } from '../../scripts/coverage/load.ts';
import { changeSummary } from '../../scripts/pages/changes.ts';
import { dataComponentSlug, eventSlug } from '../../scripts/pages/urls.ts';
import { downloadText, sharedChromium } from '../helpers/chromium.ts';
import { type BuiltSite, checkLinks, serveStatic, walk } from './helpers.ts';
import { siteFileFor } from '../../scripts/local-run/site-file.ts';
import { fullSite } from './shared-sites.ts';

const DATA = path.join(REPO_ROOT, 'data');
const OUTPUT = path.join(REPO_ROOT, 'test-output');
let site: BuiltSite;

const index = JSON.parse(await readFile(path.join(DATA, 'index.json'), 'utf8')) as { latest: string; versions: Array<{ version: string }> };
const LATEST = index.latest;
const OLDEST = index.versions[0]?.version ?? '';

/** Seen counts per grade as `confirmed/named/related`. */
const gradesOf = (c: { confirmed: number; named: number; related: number }): string => `${c.confirmed}/${c.named}/${c.related}`;

/** The coverage table's footer: the techniques seen per grade, as gradesOf writes them. */
const footGrades =
  (page: Page) =>
  async (): Promise<string> =>
    page.$eval('#cov-table tfoot tr', (tr) => ['confirmed', 'named', 'related'].map((g) => tr.querySelector(`.cov-${g}`)?.textContent ?? '?').join('/'));

/** Each tactic row of the coverage table: [tactic ID, its seen counts per grade]. */
const tacticGrades = async (page: Page): Promise<Array<[string, string]>> =>
  page.$$eval('#cov-table tbody tr', (rows) =>
    rows.map((r) => [(r as HTMLElement).dataset.tactic ?? '', ['confirmed', 'named', 'related'].map((g) => r.querySelector(`.cov-${g}`)?.textContent ?? '?').join('/')] as [string, string]),
  );

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
  // Built once per run for every file that needs it (tests/site/shared-sites.ts).
  site = await fullSite();
  const s = site.seconds;
  process.stderr.write(`site build: pages ${s.pages.toFixed(1)} s, eleventy with the search index ${s.eleventy.toFixed(1)} s, total ${s.total.toFixed(1)} s\n`);
}, 240_000);

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
    for (const u of urls) if (!(siteFileFor(site.dir, u))) out.push(u);
    return out;
  };

  it(`has a page for every technique, tactic, event and data component of the latest version (${LATEST}) at the root`, async () => {
    expect(await missing('/', LATEST)).toEqual([]);
    expect(siteFileFor(site.dir, '/events/security-4688/')).not.toBeNull();
    expect(siteFileFor(site.dir, '/techniques/T1112/')).not.toBeNull();
  });

  it(`has them again under /v/${LATEST}/`, async () => {
    expect(await missing(`/v/${LATEST}/`, LATEST)).toEqual([]);
  });

  it(`has them for the oldest version (${OLDEST}) under /v/${OLDEST}/`, async () => {
    expect(await missing(`/v/${OLDEST}/`, OLDEST)).toEqual([]);
  });

  it('shows a technique with its events strongest first, grouped by grade, in tables with captions', async () => {
    const html = await readFile(path.join(site.dir, 'techniques', 'T1003.001', 'index.html'), 'utf8');
    expect(html).toMatch(/<h1><span class="id">T1003\.001<\/span> LSASS Memory<\/h1>/);
    expect(html).toMatch(/<caption>\d+ events that public detection rules use for T1003\.001, most rules first<\/caption>/);
    expect(html).toMatch(/<caption>\d+ events? that an ATT&amp;CK analytic names for T1003\.001<\/caption>/);
    // The first row of the first (confirmed) table is Sysmon 10, with its rules linked.
    const confirmed = html.slice(html.indexOf('id="grade-confirmed"'), html.indexOf('id="grade-named"'));
    expect(confirmed.match(/<th scope="row" data-label="Event"><a href="([^"]+)"/)?.[1]).toBe('/events/sysmon-10/');
    expect(confirmed).toMatch(/<a href="https:\/\/(?:car\.mitre\.org|research\.splunk\.com)\/[^"]+" rel="external"><code>/);
    expect(html).toMatch(/<details class="related" id="grade-related">\s*<summary><span class="grade grade-related">related<\/span> Also related \(\d+\)/);
    expect(html).toContain('href="/about/#grades"');
    expect(html).toContain('auditpol /set /subcategory:');
    expect(html).toContain('href="https://attack.mitre.org/techniques/T1003/001"');
    expect(html).toContain(`href="/v/${OLDEST === LATEST ? LATEST : index.versions[1]?.version}/techniques/T1003.001/"`);
    // An older major version links ATT&CK's archived site, not today's page.
    const v8 = await readFile(path.join(site.dir, 'v', OLDEST, 'techniques', 'T1003', 'index.html'), 'utf8');
    expect(v8).toContain(`href="https://attack.mitre.org/versions/v${Number.parseInt(OLDEST, 10)}/techniques/T1003/"`);
  });

  it('leads an event page with the techniques rules confirm, folds the related ones and says how broad the event is', async () => {
    const html = await readFile(path.join(site.dir, 'events', 'security-4688', 'index.html'), 'utf8');
    const e = (await artifacts(LATEST)).events.find((x) => x.key === 'Security:4688');
    const count = (g: string): number => e?.techniques.filter((t) => t.grade === g).length ?? 0;
    expect(html).toContain(`Security 4688 is related to ${e?.techniques.length} of the`);
    expect(html).toContain(`public detection rules use it for ${count('confirmed')}`);
    expect(html.indexOf('id="grade-confirmed"')).toBeLessThan(html.indexOf('id="grade-related"'));
    expect(html).toMatch(new RegExp(`<details class="related" id="grade-related">\\s*<summary><span class="grade grade-related">related</span> Also related to ${count('related')} techniques`));
  });

  it('ranks the home page by techniques confirmed, then named, then related', async () => {
    const html = await readFile(path.join(site.dir, 'index.html'), 'utf8');
    const rows = [...html.matchAll(/<td data-label="\+Confirmed" class="num[^"]*">\+(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows).toEqual([...rows].sort((a, b) => b - a));
    expect(html).toContain('<strong>+Confirmed</strong> counts the techniques that a public detection rule watches with this event');
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

describe('what changed pages', () => {
  const versions = index.versions.map((v) => v.version);
  const pageOf = (version: string): string => (version === LATEST ? '/changes/' : `/v/${version}/changes/`);

  it('has one for every version after the first (the latest also at /changes/), and none for the first', async () => {
    for (const v of versions.slice(1)) expect(siteFileFor(site.dir, `/v/${v}/changes/`), v).not.toBeNull();
    expect(siteFileFor(site.dir, '/changes/')).not.toBeNull();
    expect(siteFileFor(site.dir, `/v/${OLDEST}/changes/`)).toBeNull();
    const home = await readFile(path.join(site.dir, 'index.html'), 'utf8');
    expect(home).toContain(`<a href="/changes/">What changed since ATT&CK v${versions.at(-2)}</a>`);
    expect(home).toMatch(/<nav class="wrap site-nav"[\s\S]*href="\/changes\/"[\s\S]*<\/nav>/);
    const oldestHome = await readFile(path.join(site.dir, 'v', OLDEST, 'index.html'), 'utf8');
    expect(oldestHome).not.toContain(`/v/${OLDEST}/changes/`);
  });

  it('links to technique and event pages that exist, and says "No change." for each kind of change that did not happen', async () => {
    const diffs = await readChanges(DATA, versions);
    expect(diffs.map((d) => d.newVersion)).toEqual(versions.slice(1));
    let links = 0;
    for (const d of diffs) {
      const url = pageOf(d.newVersion);
      const html = await readFile((siteFileFor(site.dir, url)) ?? '', 'utf8');
      expect(html, url).toContain(`<h1>What changed from ATT&CK v${d.oldVersion} to v${d.newVersion}</h1>`);
      for (const row of changeSummary(d)) {
        const cell = new RegExp(`<th scope="row">${row.kind}</th><td[^>]*>([^<]*)</td>`).exec(html)?.[1];
        expect(cell, `${url} ${row.kind}`).toBe(row.changed ? row.text.replace(/&/g, '&amp;') : 'No change.');
      }
      const hrefs = [...html.matchAll(/href="([^"]*\/(?:techniques|events)\/[^"]+)"/g)].map((m) => m[1] ?? '');
      for (const href of new Set(hrefs)) expect(siteFileFor(site.dir, href), `${url} → ${href}`).not.toBeNull();
      links += hrefs.length;
      // Names and counts of the report's sections are on the page.
      for (const t of d.techniques.added.slice(0, 3)) expect(html, url).toContain(`>${t.id}</a>`);
    }
    expect(links).toBeGreaterThan(1000);
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
      // Synchronously: 8,300 reads through the thread pool cost several times more here.
      const html = readFileSync(path.join(site.dir, rel), 'utf8');
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
  let launchError: unknown;
  let server: { url: string; close: () => Promise<void> };
  /** Each browser test fails (not skips) when no Chromium starts, with the sources that were tried. */
  const ready = (): Browser => {
    if (!browser) throw launchError ?? new Error('Chromium did not start (see the beforeAll error)');
    return browser;
  };

  beforeAll(async () => {
    server = await serveStatic(site.dir);
    await mkdir(OUTPUT, { recursive: true });
    const started = Date.now();
    try {
      const launched = await sharedChromium();
      browser = launched.browser;
      process.stderr.write(`browser: ${launched.source}, Chromium ${browser.version()}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      launchError = error;
    }
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

    const technique = page.locator('#grade-confirmed + .grade-meaning + .technique-list a').first();
    const href = await technique.getAttribute('href');
    expect(href).toMatch(/^\/techniques\/T\d{4}(\.\d{3})?\/$/);
    await technique.click();
    await page.waitForURL(`${server.url}${href}`);
    const caption = page.locator('table.events-table caption').first();
    await expect.poll(() => caption.textContent()).toMatch(/^\d+ events? that public detection rules use for T\d{4}/);
    expect(await page.locator('table.events-table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.events-table a[href="/events/security-4688/"]').count()).toBe(1);

    await page.click('nav[aria-label="Main"] a:has-text("Downloads")');
    await page.waitForURL(/\/downloads\/$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/downloads/latest/mapping.csv"]')]);
    expect(download.suggestedFilename()).toBe('mapping.csv');
    const text = await downloadText(download);
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

  it('says how to turn events on, from the enablement table: 4104 Script Block Logging, 4688 command line, 4663 SACL, Sysmon 1 element (issue 11)', async () => {
    const context = await ready().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const enableText = async (url: string): Promise<string> => {
      await page.goto(`${server.url}${url}`);
      return (await page.locator('section[aria-labelledby="enable"]').innerText()).replace(/\s+/g, ' ');
    };

    const ps = await enableText('/events/powershell-4104/');
    expect(ps).toContain('Turn on PowerShell Script Block Logging');
    expect(ps).toContain('Computer Configuration > Administrative Templates > Windows Components > Windows PowerShell > Turn on PowerShell Script Block Logging');
    expect(ps).toContain('reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging" /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f');
    expect(ps).not.toContain('The sources give no audit policy or Sysmon setting');
    expect(await page.locator('section[aria-labelledby="enable"] a[href^="https://learn.microsoft.com/en-us/powershell/"]').count()).toBeGreaterThan(0);

    const proc = await enableText('/events/security-4688/');
    expect(proc).toContain('Detailed Tracking › Process Creation');
    expect(proc).toContain('auditpol /set /subcategory:"Process Creation" /success:enable');
    expect(proc).toContain('Include command line in process creation events');
    expect(proc).toContain('ProcessCreationIncludeCmdLine_Enabled');

    const object = await enableText('/events/security-4663/');
    for (const sub of ['File System', 'Registry', 'Kernel Object', 'Removable Storage']) expect(object).toContain(`Object Access › ${sub}`);
    expect(object).toMatch(/SACL needed\. Needs a SACL on the objects to audit/i);

    const sysmon = await enableText('/events/sysmon-1/');
    // innerText follows the CSS: <dt> labels may be upper-cased.
    expect(sysmon).toMatch(/Sysmon configuration element ProcessCreate \(event ID 1\)/i);
    expect(sysmon).toContain('<ProcessCreate onmatch="exclude"/>');
    expect(sysmon).not.toMatch(/Windows default/i);
    expect(sysmon).not.toMatch(/Process creation rule/i);
    await context.close();
  });

  it('does not send ATT&CK 6.3 readers of "PowerShell logs" to another sensor', async () => {
    const context = await ready().newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/v/${OLDEST}/data-components/powershell-logs/`);
    const events = (await page.locator('section[aria-labelledby="events"]').innerText()).replace(/\s+/g, ' ');
    expect(events).toContain('PowerShell logs names the PowerShell log, a Windows event log');
    expect(events).not.toContain('another sensor');
    expect(await page.locator('section[aria-labelledby="events"] a[href$="/events/powershell-4104/"]').count()).toBe(1);
    await context.close();
  });

  it('computes coverage in the page: ticks, a preset, next best, layer and CSV downloads, and the ticks restored from the address', async () => {
    const read = async (name: string): Promise<unknown> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', LATEST, name), 'utf8'));
    const eventsJson = (await read('events.json')) as { events: EventArtifact[] };
    const data = versionDataFromJson({ techniques: await read('techniques.json'), events: eventsJson, tactics: await read('tactics.json') });
    const two = ['Security:4688', 'Sysmon:1'];
    const twoReport = computeCoverage(data, two);
    const presetKeys = eventsJson.events.filter((e) => ['Security', 'Sysmon', 'PowerShell'].includes(e.log)).map((e) => e.key);
    const preset = computeCoverage(data, presetKeys);
    expect(preset.totals.seen).toBeGreaterThan(twoReport.totals.seen);

    const context = await ready().newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // The footer's seen counts per grade, as "confirmed/named/related" (the core's totals in the same form: gradesOf).
    const total = footGrades(page);
    const status = page.locator('#cov-status');

    await page.goto(`${server.url}/coverage/`);
    await page.locator('#coverage[data-ready="true"]').waitFor();
    expect(await total()).toBe('0/0/0');
    expect(await page.locator('#cov-layer').isDisabled()).toBe(true);
    expect(await status.getAttribute('role')).toBe('status');

    await page.getByLabel(/^4688 A new process has been created/).check();
    await page.check('#ev-sysmon-1');
    await expect.poll(() => total()).toBe(gradesOf(twoReport.totals));
    const strong = twoReport.totals.confirmed + twoReport.totals.named;
    expect(await status.textContent()).toContain(
      `2 events ticked: ${strong} of ${twoReport.totals.mapped} techniques with a mapped event have a collected event mapped to them by a confirmed or named link (${((100 * strong) / twoReport.totals.mapped).toFixed(1)}%): ${twoReport.totals.confirmed} confirmed, ${twoReport.totals.named} named; ${twoReport.totals.related} more only related (${twoReport.totals.seen} at any grade`,
    );
    expect(await tacticGrades(page)).toEqual(twoReport.tactics.map((t) => [t.id, gradesOf(t)]));
    expect(await page.locator('#cov-table tfoot .cov-pct').textContent()).toBe(`${((100 * strong) / twoReport.totals.mapped).toFixed(1)}%`);
    expect(new URL(page.url()).hash).toBe('#events=Security:4688,Sysmon:1');
    const next = twoReport.nextBest[0];
    expect(await page.locator('#cov-next li').count()).toBe(twoReport.nextBest.length);
    expect(await page.locator('#cov-next li a').first().getAttribute('href')).toBe(`/events/${eventSlug(next?.key ?? '')}/`);

    // The next best event (the core's: most confirmed gains first) shows what it gains; its Add button ticks it.
    expect(next && next.gained.confirmed.length).toBeGreaterThan(0);
    expect(await page.locator('#cov-next .cov-next-adds').first().textContent()).toBe(
      `+${next?.gained.confirmed.length} confirmed${next?.gained.named.length ? `, +${next.gained.named.length} named` : ''}${next?.gained.related.length ? `, +${next.gained.related.length} related` : ''} (${next?.adds.length} new); ${(next?.after.confirmed ?? 0) + (next?.after.named ?? 0)} confirmed or named after, ${next?.seenAfter} at any grade`,
    );
    await page.locator('#cov-next button.cov-add').first().click();
    await expect.poll(() => total()).toBe(gradesOf(next?.after ?? { confirmed: 0, named: 0, related: 0 }));
    expect(await page.locator(`input.cov-event[value="${next?.key}"]`).isChecked()).toBe(true);

    // The filter hides what does not match, ticks stay.
    await page.fill('#cov-filter', 'sysmon process');
    expect(await page.locator('#ev-security-4688').isVisible()).toBe(false);
    expect(await page.locator('#ev-sysmon-1').isVisible()).toBe(true);
    await page.fill('#cov-filter', '');
    expect(await page.locator('#ev-security-4688').isChecked()).toBe(true);

    await page.click('button[data-preset="security-sysmon-powershell"]');
    await expect.poll(() => total()).toBe(gradesOf(preset.totals));
    expect(await page.locator('input.cov-event:checked').count()).toBe(presetKeys.length);

    const [layerDownload] = await Promise.all([page.waitForEvent('download'), page.click('#cov-layer')]);
    expect(layerDownload.suggestedFilename()).toBe(`coverage-attack-${LATEST}-layer.json`);
    const layer = JSON.parse(await downloadText(layerDownload)) as NavigatorLayer;
    expect(validateLayer(layer)).toEqual([]);
    expect(layer.versions.attack).toBe(LATEST.split('.')[0]);
    // Scored by the best grade: confirmed 3, named 2, related 1 (0: mapped, not collected).
    const scored = (n: number): number => new Set(layer.techniques.filter((t) => t.score === n).map((t) => t.techniqueID)).size;
    expect([scored(3), scored(2), scored(1)].join('/')).toBe(gradesOf(preset.totals));
    expect(layer).toEqual(JSON.parse(JSON.stringify(buildConfigLayer(data, computeConfigCoverage(data, configEventsFromJson(eventsJson), { events: presetKeys })))));

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#cov-csv')]);
    expect(csvDownload.suggestedFilename()).toBe(`coverage-attack-${LATEST}.csv`);
    const csv = Papa.parse<Record<string, string>>(await downloadText(csvDownload), { header: true, skipEmptyLines: true });
    expect(csv.errors).toEqual([]);
    expect(csv.data.find((r) => r.section === 'total')).toMatchObject({
      seen: String(preset.totals.seen),
      confirmed: String(preset.totals.confirmed),
      named: String(preset.totals.named),
      related: String(preset.totals.related),
      mapped: String(preset.totals.mapped),
      all: String(preset.totals.total),
    });
    expect(csv.data.filter((r) => r.section === 'tactic').map((r) => [r.id, `${r.confirmed}/${r.named}/${r.related}`])).toEqual(preset.tactics.map((t) => [t.id, gradesOf(t)]));

    // Reloading keeps the preset's ticks (they are in the address).
    await page.reload();
    await page.locator('#coverage[data-ready="true"]').waitFor();
    expect(await total()).toBe(gradesOf(preset.totals));
    expect(await page.locator('input.cov-event:checked').count()).toBe(presetKeys.length);

    // A shared link restores its ticks; what does not resolve is said.
    const shared = await context.newPage();
    await shared.goto(`${server.url}/coverage/#events=Security:4688,sysmon:1,Security:99999`);
    await shared.locator('#coverage[data-ready="true"]').waitFor();
    expect(await shared.locator('#ev-security-4688').isChecked()).toBe(true);
    expect(await shared.locator('#ev-sysmon-1').isChecked()).toBe(true);
    expect(await shared.locator('input.cov-event:checked').count()).toBe(2);
    expect(await footGrades(shared)()).toBe(gradesOf(twoReport.totals));
    expect(await shared.locator('#cov-problems').textContent()).toContain('Security:99999');

    // The version switch keeps the ticks.
    const older = index.versions.at(-2)?.version ?? LATEST;
    await shared.click('.version-switch summary');
    await shared.click(`.version-switch a[href="/v/${older}/coverage/"]`);
    await shared.waitForURL(new RegExp(`/v/${older.replace('.', '\\.')}/coverage/#events=Security:4688,sysmon:1,Security:99999$`));
    await shared.locator('#coverage[data-ready="true"]').waitFor();
    expect(await shared.locator('#ev-security-4688').isChecked()).toBe(true);
    expect(await shared.locator('#ev-sysmon-1').isChecked()).toBe(true);

    await page.click('button[data-preset="clear"]');
    await expect.poll(() => total()).toBe('0/0/0');
    expect(new URL(page.url()).hash).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads a pasted auditpol export and a chosen Sysmon configuration with the CLI core, refuses a DTD, applies the client preset, and downloads valid layers', async () => {
    const FIX = path.join(REPO_ROOT, 'tests', 'fixtures', 'config');
    const read = async (name: string): Promise<unknown> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', LATEST, name), 'utf8'));
    const eventsJson = await read('events.json');
    const data = versionDataFromJson({ techniques: await read('techniques.json'), events: eventsJson, tactics: await read('tactics.json') });
    const details = configEventsFromJson(eventsJson);
    const serverCsv = decodeText(await readFile(path.join(FIX, 'auditpol-windows-server-default.csv')));
    const rulegroups = decodeText(await readFile(path.join(FIX, 'sysmon-rulegroups.xml')));
    // What the CLI core computes in Node for the same inputs.
    const auditCore = computeConfigCoverage(data, details, { auditpol: [parseAuditpolCsv(serverCsv)] });
    const bothCore = computeConfigCoverage(data, details, { auditpol: [parseAuditpolCsv(serverCsv)], sysmon: [parseSysmonConfig(rulegroups)] });
    const clientCore = computeConfigCoverage(data, details, { presets: [presetPolicy(details, 'windows-default-client')] });
    expect(auditCore.totals.seen).toBeGreaterThan(0);
    expect(bothCore.totals.partial).toBeGreaterThan(0);

    const context = await ready().newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const total = footGrades(page);
    const partial = page.locator('#cov-table tfoot .cov-partial');
    const tacticCells = async (cls: string): Promise<Array<[string, string]>> =>
      page.$$eval(`#cov-table tbody tr`, (rows, c) => rows.map((r) => [(r as HTMLElement).dataset.tactic ?? '', r.querySelector(c)?.textContent ?? ''] as [string, string]), `.${cls}`);
    await page.goto(`${server.url}/coverage/`);
    await page.locator('#coverage[data-ready="true"]').waitFor();
    expect(await total()).toBe('0/0/0');
    // Labelled inputs, messages in live regions tied to them.
    expect(await page.getByLabel('auditpol output (CSV)').count()).toBe(1);
    expect(await page.getByLabel('Or choose the XML file:').count()).toBe(1);
    expect(await page.locator('#cov-auditpol-msg').getAttribute('role')).toBe('status');
    expect(await page.locator('#cov-sysmon-text').getAttribute('aria-describedby')).toBe('cov-sysmon-msg');
    expect(await page.locator('#cov-config').textContent()).toContain('Nothing is uploaded to a server');

    // Problems are said next to the input: a row with an unknown subcategory (closest names), then a broken CSV.
    const auditMsg = page.locator('#cov-auditpol-msg');
    await page.fill('#cov-auditpol-text', 'Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\nPC,System,Proces Creation,,Success,\nPC,System,Logon,,Success,\n');
    await expect.poll(() => auditMsg.textContent()).toContain('1 warning:');
    expect(await auditMsg.textContent()).toContain('unknown subcategory "Proces Creation"; closest known: Process Creation');
    await page.fill('#cov-auditpol-text', await readFile(path.join(FIX, 'auditpol-malformed.csv'), 'utf8'));
    await expect.poll(() => auditMsg.textContent()).toContain('Not read. This is not valid CSV');
    await expect.poll(() => total()).toBe('0/0/0');

    // 1. The server-default auditpol export, pasted.
    await page.fill('#cov-auditpol-text', serverCsv);
    await expect.poll(() => total()).toBe(gradesOf(auditCore.totals));
    expect(await page.locator('#cov-auditpol-msg').textContent()).toContain('Read 59 audit subcategories of SRV2019-APP01');
    expect(await tacticGrades(page)).toEqual(auditCore.tactics.map((t) => [t.id, gradesOf(t)]));
    expect(await page.locator('#cov-status').textContent()).toContain(
      `${auditCore.events.length} events collected (${auditCore.events.length} through the audit policy): ${auditCore.totals.confirmed + auditCore.totals.named} of ${auditCore.totals.mapped}`,
    );
    expect(await page.locator('#cov-collected-table tr[data-key="Security:4624"] .cov-tag-auditpol').textContent()).toBe('auditpol');
    expect(await page.locator('#ev-security-4624').isChecked()).toBe(false);
    expect(new URL(page.url()).hash).toBe('');

    // 2. The RuleGroup Sysmon configuration, chosen as a file: partial techniques counted apart.
    await page.setInputFiles('#cov-sysmon-file', path.join(FIX, 'sysmon-rulegroups.xml'));
    await expect.poll(() => partial.textContent()).toBe(String(bothCore.totals.partial));
    expect(Number(await partial.textContent())).toBeGreaterThan(0);
    expect(await total()).toBe(gradesOf(bothCore.totals));
    expect(await tacticCells('cov-partial')).toEqual(bothCore.tactics.map((t) => [t.id, String(t.partial)]));
    expect(await page.locator('#cov-sysmon-msg').textContent()).toContain('sysmon-rulegroups.xml: Read a Sysmon configuration (schema 4.90)');
    const partialEvent = bothCore.events.find((e) => e.status === 'partial');
    expect(await page.locator(`#cov-collected-table tr[data-key="${partialEvent?.key}"] .cov-tag-partial`).textContent()).toBe('sysmon partial');
    const [nowDownload] = await Promise.all([page.waitForEvent('download'), page.click('#cov-layer')]);
    expect(nowDownload.suggestedFilename()).toBe(`coverage-attack-${LATEST}-layer.json`);
    const nowLayer = JSON.parse(await downloadText(nowDownload)) as NavigatorLayer;
    expect(validateLayer(nowLayer)).toEqual([]);
    expect(new Set(nowLayer.techniques.filter((t) => t.score === 0.5).map((t) => t.techniqueID)).size).toBe(bothCore.totals.partial);
    const nowScored = (n: number): number => new Set(nowLayer.techniques.filter((t) => t.score === n).map((t) => t.techniqueID)).size;
    expect([nowScored(3), nowScored(2), nowScored(1)].join('/')).toBe(gradesOf(bothCore.totals));
    // The core's layer for the same inputs (the page names its inputs "pasted …" and by file name, so only the description differs).
    const coreLayer = JSON.parse(JSON.stringify(buildConfigLayer(data, bothCore))) as NavigatorLayer;
    expect(nowLayer.techniques).toEqual(coreLayer.techniques);
    expect([nowLayer.legendItems, nowLayer.gradient]).toEqual([coreLayer.legendItems, coreLayer.gradient]);

    // 3. A Sysmon configuration with an external entity: refused, said next to the input, and no longer counted.
    await page.setInputFiles('#cov-sysmon-file', path.join(FIX, 'sysmon-xxe.xml'));
    const sysmonMsg = page.locator('#cov-sysmon-msg');
    await expect.poll(() => sysmonMsg.textContent()).toContain('Refused: the file declares a document type (DTD) or entities');
    expect(await sysmonMsg.textContent()).toContain('sysmon-xxe.xml line 2: <!DOCTYPE> is not accepted');
    expect(await page.locator('#cov-sysmon-text').getAttribute('aria-invalid')).not.toBeNull();
    await expect.poll(() => total()).toBe(gradesOf(auditCore.totals));
    expect(await partial.textContent()).toBe('0');

    // 4. Cleared, then the client preset: the same totals as the core's presetPolicy coverage.
    await page.click('#cov-sysmon-clear');
    await page.click('#cov-auditpol-clear');
    await expect.poll(() => total()).toBe('0/0/0');
    expect(await sysmonMsg.textContent()).toBe('');
    const clientButton = page.locator('button[data-preset="windows-default-client"]');
    await clientButton.click();
    await expect.poll(() => total()).toBe(gradesOf(clientCore.totals));
    expect(await tacticGrades(page)).toEqual(clientCore.tactics.map((t) => [t.id, gradesOf(t)]));
    expect(await clientButton.getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).hash).toBe('#preset=windows-default-client');
    expect(await page.locator('#cov-collected-table tbody .cov-tag-preset').count()).toBe(clientCore.events.length);

    // The advice in actionable units: the core's, with its exact command in a code block and a copy button.
    const items = page.locator('#cov-advice > li');
    expect(await items.count()).toBe(clientCore.advice.length);
    const first = clientCore.advice[0];
    expect(await items.first().getAttribute('data-id')).toBe(first?.id);
    // The first audit-subcategory recommendation shows its exact command, and its copy button copies it.
    const auditIndex = clientCore.advice.findIndex((a) => a.kind === 'audit-subcategory');
    const audit = clientCore.advice[auditIndex];
    expect(audit?.commands[0]).toMatch(/^auditpol \/set \/subcategory:/);
    const auditItem = items.nth(auditIndex);
    expect(await auditItem.getAttribute('data-id')).toBe(audit?.id);
    expect(await auditItem.locator('pre code').textContent()).toBe(audit?.commands[0]);
    await auditItem.locator('button.cov-copy').click();
    await expect.poll(() => page.locator('#cov-copy-status').textContent()).toBe(`Copied the command of recommendation ${auditIndex + 1}.`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(audit?.commands[0]);
    // The techniques a unit gains are listed once its details are opened.
    await items.first().locator('.cov-advice-techniques summary').click();
    await items.first().locator('.cov-advice-techniques a').first().waitFor();
    expect(await items.first().locator('.cov-advice-techniques a').count()).toBe((first?.gained.confirmed.length ?? 0) + (first?.gained.named.length ?? 0) + (first?.gained.related.length ?? 0));
    expect(await items.first().locator('.cov-advice-gain').textContent()).toMatch(new RegExp(`^\\+${first?.gained.confirmed.length} confirmed`));
    const sysmonAdvice = clientCore.advice.find((a) => a.kind === 'sysmon-event-type');
    if (sysmonAdvice) expect(await page.locator(`#cov-advice li[data-id="${sysmonAdvice.id}"] pre code`).textContent()).toContain(`<${sysmonAdvice.element} onmatch="exclude"/>`);

    // The advice-diff layer: valid, and the layer the core builds for the same report.
    const [diffDownload] = await Promise.all([page.waitForEvent('download'), page.click('#cov-layer-diff')]);
    expect(diffDownload.suggestedFilename()).toBe(`coverage-attack-${LATEST}-advice-layer.json`);
    const diffLayer = JSON.parse(await downloadText(diffDownload)) as NavigatorLayer;
    expect(validateLayer(diffLayer)).toEqual([]);
    expect(diffLayer).toEqual(JSON.parse(JSON.stringify(buildAdviceDiffLayer(data, clientCore, { top: 10 }))));
    expect(diffLayer.techniques.length).toBeGreaterThan(0);
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#cov-csv')]);
    const csv = Papa.parse<Record<string, string>>(await downloadText(csvDownload), { header: true, skipEmptyLines: true });
    expect(csv.errors).toEqual([]);
    expect(csv.data.find((r) => r.section === 'total')).toMatchObject({
      seen: String(clientCore.totals.seen),
      confirmed: String(clientCore.totals.confirmed),
      named: String(clientCore.totals.named),
      related: String(clientCore.totals.related),
      partial: '0',
      mapped: String(clientCore.totals.mapped),
    });
    expect(csv.data.filter((r) => r.section === 'advice').map((r) => r.command)).toEqual(clientCore.advice.map((a) => a.commands.join(' && ')));

    // The preset is in the address: a reload keeps it; pressed again, it goes.
    await page.reload();
    await page.locator('#coverage[data-ready="true"]').waitFor();
    expect(await total()).toBe(gradesOf(clientCore.totals));
    await page.click('button[data-preset="windows-default-client"]');
    await expect.poll(() => total()).toBe('0/0/0');
    expect(await page.locator('button[data-preset="windows-default-client"]').getAttribute('aria-pressed')).toBe('false');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says the coverage page needs JavaScript when it is off', async () => {
    const context = await ready().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/v/${OLDEST}/coverage/`);
    // The notice in the page (the other noscript, in the head, hides the page's controls).
    expect(await page.locator('main noscript').count()).toBe(1);
    expect(await page.locator('#coverage').isVisible()).toBe(false);
    const html = await page.content();
    expect(html).toContain('This page needs JavaScript');
    expect(html).toContain('npm run coverage');
    await context.close();
  });

  it('lays out the coverage page on a phone and a desktop, light and dark (screenshots in test-output/)', async () => {
    for (const [name, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 900 }],
    ] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await ready().newContext({ viewport, deviceScaleFactor: 1, colorScheme });
        const page = await context.newPage();
        await page.goto(`${server.url}/coverage/#events=Security:4688,Sysmon:1,Security:4624`);
        await page.locator('#coverage[data-ready="true"]').waitFor();
        expect(Number(await page.evaluate('document.documentElement.scrollWidth')), `${name} ${colorScheme}`).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}.png`) });
        // With a configuration: a German auditpol export (a warning-free note), a filtered Sysmon config, and a refused file.
        const fix = path.join(REPO_ROOT, 'tests', 'fixtures', 'config');
        await page.setInputFiles('#cov-auditpol-file', path.join(fix, 'auditpol-german.csv'));
        await page.setInputFiles('#cov-sysmon-file', path.join(fix, 'sysmon-include-filters.xml'));
        await page.locator('#cov-sysmon-msg.cov-msg-ok').waitFor();
        // A chosen file is named as such, CRLF line ends and all (the textarea shows them as LF).
        expect(await page.locator('#cov-auditpol-msg').textContent()).toContain('auditpol-german.csv: Read 59 audit subcategories of PC-BERLIN-07');
        expect(await page.locator('#cov-auditpol-msg').textContent()).toContain('matched by GUID');
        await page.locator('#cov-table tfoot tr.has-partial').waitFor();
        expect(Number(await page.evaluate('document.documentElement.scrollWidth')), `${name} ${colorScheme} with a configuration`).toBeLessThanOrEqual(viewport.width);
        // The page ends with its footer: no blank band below it (hidden texts in the picker's scroll box once stretched the page).
        const [height, footerEnd] = await page.evaluate(() => [document.documentElement.scrollHeight, (document.querySelector('.site-footer')?.getBoundingClientRect().bottom ?? 0) + window.scrollY]);
        expect((height ?? 0) - (footerEnd ?? 0), `${name} ${colorScheme}: below the footer`).toBeLessThan(8);
        // The per-tactic table fits its box too (no sideways scrolling inside it), partial column and all.
        const fit = await page.$eval('#cov-table', (t) => [t.getBoundingClientRect().width, t.parentElement?.clientWidth ?? 0]);
        expect(fit[0], `${name} ${colorScheme}: table width`).toBeLessThanOrEqual((fit[1] ?? 0) + 0.5);
        await page.locator('#cov-config-h').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}-config.png`) });
        await page.locator('#cov-res-h').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}-results.png`) });
        await page.locator('#cov-collected summary').click();
        await page.locator('#cov-collected-h, #cov-collected summary').first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}-collected.png`) });
        await page.locator('#cov-advice-h').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}-advice.png`) });
        await page.setInputFiles('#cov-sysmon-file', path.join(fix, 'sysmon-xxe.xml'));
        await page.locator('#cov-sysmon-msg.cov-msg-error').waitFor();
        await page.locator('#cov-sysmon').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUTPUT, `coverage-${name}-${colorScheme}-refused.png`) });
        await context.close();
      }
    }
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
      // The strongest event, Sysmon 10, is on the first screen.
      const first = await page.locator('#grade-confirmed ~ .table-wrap tbody th a').first().boundingBox();
      expect(await page.locator('#grade-confirmed ~ .table-wrap tbody th a').first().textContent()).toBe('Sysmon\u00a010');
      expect((first?.y ?? Infinity) + (first?.height ?? 0), `${name}: Sysmon 10 on the first screen`).toBeLessThanOrEqual(viewport.height);
      const file = path.join(OUTPUT, `technique-${name}.png`);
      await page.screenshot({ path: file });
      await page.locator('table.events-table').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUTPUT, `technique-${name}-events.png`) });
      expect((await readFile(file)).subarray(1, 4).toString()).toBe('PNG');
      // A technique with dozens of events stays short: its related events are folded.
      await page.goto(`${server.url}/techniques/T1480/`);
      expect(await page.locator('details.related').getAttribute('open')).toBeNull();
      expect(Number(await page.evaluate('document.documentElement.scrollHeight')), `${name}: T1480 height`).toBeLessThan(name === 'phone' ? 10_000 : 5_000);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), `${name}: T1480 width`).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: path.join(OUTPUT, `technique-${name}-T1480.png`), fullPage: true });
      await context.close();
    }
  });

  it('fits a 390 px phone: no page scrolls sideways, and search shows its labelled input and results before the filters', async () => {
    const context = await ready().newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const wide: string[] = [];
    for (const url of ['/', '/downloads/', '/about/', '/events/', '/changes/', '/events/security-4688/', '/techniques/T1003.001/', '/coverage/', `/v/${OLDEST}/events/`]) {
      await page.goto(`${server.url}${url}`);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      if (width > 390) wide.push(`${url}: ${width} px`);
    }
    expect(wide).toEqual([]);
    // No table header cell is empty (the "what changed" counts table had one).
    await page.goto(`${server.url}/changes/`);
    expect(await page.$$eval('th', (ths) => ths.filter((th) => (th.textContent ?? '').trim() === '').length)).toBe(0);

    await page.goto(`${server.url}/search/?q=4688`);
    const input = page.locator('#search input.pagefind-ui__search-input');
    await input.waitFor();
    // A real <label>, not only Pagefind's title (axe: label-title-only).
    expect(await input.evaluate((i) => [...((i as HTMLInputElement).labels ?? [])].map((l) => l.textContent))).toEqual(['Search techniques, events, tactics and data components']);
    await page.locator('.pagefind-ui__result').first().waitFor();
    const top = async (sel: string): Promise<number> => (await page.locator(sel).first().boundingBox())?.y ?? Infinity;
    expect(await top('.pagefind-ui__result')).toBeLessThan(844);
    expect(await top('.pagefind-ui__result')).toBeLessThan(await top('.pagefind-ui__filter-panel'));
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(OUTPUT, 'search-phone.png') });
    await context.close();
  });

  it('filters an event page’s folded related techniques, and lists them all without JavaScript', async () => {
    const related = JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', LATEST, 'events.json'), 'utf8')) as { events: EventArtifact[] };
    const all = related.events.find((e) => e.key === 'Security:4688')?.techniques.filter((t) => t.grade === 'related') ?? [];
    expect(all.length).toBeGreaterThan(50);
    const context = await ready().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/events/security-4688/`);
    await page.locator('#grade-related summary').click();
    const filter = page.locator('#related-filter');
    expect(await page.getByLabel('Filter the related techniques').count()).toBe(1);
    const visible = () => page.$$eval('#related-list > li', (lis) => lis.filter((li) => !(li as HTMLElement).hidden).map((li) => li.textContent ?? ''));
    expect(await visible()).toHaveLength(all.length);
    const id = all[0]?.id ?? '';
    await filter.fill(id);
    const shown = await visible();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all.length);
    for (const text of shown) expect(text).toContain(id);
    expect(await page.locator('#related-shown').textContent()).toBe(`${shown.length} of ${all.length} shown`);
    await filter.fill('');
    expect(await visible()).toHaveLength(all.length);
    await context.close();

    const noJs = await ready().newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.url}/events/security-4688/`);
    expect(await plain.locator('.list-filter').isHidden()).toBe(true);
    expect(await plain.locator('#related-list > li').count()).toBe(all.length);
    await noJs.close();
  });

  it('coverage page: first render from its slim data file (no techniques.json), no layout shift, a skip link past the list, and a min-grade switch with the CLI’s figures', async () => {
    const read = async (name: string): Promise<unknown> => JSON.parse(await readFile(path.join(DATA, 'enterprise-attack', LATEST, name), 'utf8'));
    const data = versionDataFromJson({ techniques: await read('techniques.json'), events: await read('events.json'), tactics: await read('tactics.json') });
    const two = ['Security:4688', 'Sysmon:1'];
    const context = await ready().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.addInitScript(() => {
      const w = window as unknown as { shifts: number };
      w.shifts = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.shifts += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${server.url}/coverage/`);
    // Usable before the script has run: the picker and the table are in the HTML, visible.
    expect(await page.locator('#coverage').isVisible()).toBe(true);
    await page.locator('#coverage[data-ready="true"]').waitFor();
    expect(requests.filter((r) => r.endsWith('.json'))).toEqual([`/assets/coverage/${LATEST}.json`]);
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBeLessThan(0.01);

    // The skip link: from the filter, one Tab, Enter: the focus is on the results, past 100+ checkboxes.
    await page.focus('#cov-filter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cov-skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cov-res-h');

    // The min-grade switch: each grade's figures are those of npm run coverage -- --events … --min-grade.
    await page.goto(`${server.url}/coverage/#events=Security:4688,Sysmon:1`);
    await page.locator('#coverage[data-ready="true"]').waitFor();
    const foot = footGrades(page);
    const mapped = () => page.locator('#cov-table tfoot .cov-mapped').textContent();
    for (const minGrade of ['named', 'confirmed', 'related'] as const) {
      const cli = computeCoverage(data, two, { minGrade });
      await page.check(`input[name="min-grade"][value="${minGrade}"]`);
      await expect.poll(() => foot()).toBe(gradesOf(cli.totals));
      expect(await mapped()).toBe(cli.totals.mapped.toLocaleString('en-US'));
      expect(await tacticGrades(page)).toEqual(cli.tactics.map((t) => [t.id, gradesOf(t)]));
      expect(new URL(page.url()).hash).toBe(minGrade === 'related' ? '#events=Security:4688,Sysmon:1' : `#events=Security:4688,Sysmon:1&min-grade=${minGrade}`);
      expect(await page.locator('#cov-table thead .cov-h-related').isVisible()).toBe(minGrade === 'related');
    }
    // A shared address keeps the grade.
    await page.goto(`${server.url}/coverage/#events=Security:4688,Sysmon:1&min-grade=named`);
    await page.locator('#coverage[data-ready="true"]').waitFor();
    await expect.poll(() => foot()).toBe(gradesOf(computeCoverage(data, two, { minGrade: 'named' }).totals));
    expect(await page.isChecked('input[name="min-grade"][value="named"]')).toBe(true);
    await context.close();
  });
});

// The built site's size, for the record (and a guard against an empty build).
afterAll(async () => {
  if (!site) return;
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(path.join(OUTPUT, 'site-build.json'), `${JSON.stringify(site.seconds, null, 2)}\n`);
});
