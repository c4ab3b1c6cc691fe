/**
 * The plan page (scripts/pages/plan.ts, scripts/pages/browser/plan-*.ts) in Chromium on the site of
 * the committed data: "Cozy Bear" typed in the list finds APT29, and the plan shown — steps, their
 * gains, shares, totals, and the JSON download — equals `npm run plan -- --attack 18.1 --group G0016
 * --format json`; the state lives in the address and comes back from it; the page's address state
 * helpers without a browser.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCommand as runPlanCommand } from '../../scripts/cli/plan.ts';
import { bundlePlanApp } from '../../scripts/pages/bundle.ts';
import { decodePlanHash, EMPTY_STATE, encodePlanHash, planCommand, pickOptions, searchOptions } from '../../scripts/pages/browser/plan-state.ts';
import type { PlanReport } from '../../scripts/plan/plan.ts';
import { downloadText, sharedChromium } from '../helpers/chromium.ts';
import { inProcess } from '../helpers/cli.ts';
import { serveStatic } from './helpers.ts';
import { fullSite } from './shared-sites.ts';

const VERSION = '18.1';

/** The CLI's JSON plan, as a user runs it (scripts/cli/plan.ts's planCommand: the command in this process, without a tsx start-up). */
async function cliPlan(...args: string[]): Promise<{ text: string; report: PlanReport }> {
  const { code, stdout, stderr } = await inProcess(runPlanCommand, [...(args.includes('--attack') ? [] : ['--attack', VERSION]), ...args, '--format', 'json']);
  if (code !== 0) throw new Error(`npm run plan -- ${args.join(' ')}: exit ${code}: ${stderr}`);
  return { text: stdout, report: JSON.parse(stdout) as PlanReport };
}

/** The steps table as the page shows it: [rank, title, +confirmed, +named, +related, visible after, share]. */
const stepRows = (page: Page): Promise<string[][]> =>
  page.$$eval('#plan-steps tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));

const expectedRows = (r: PlanReport): string[][] =>
  r.steps.map((s) => [String(s.rank), s.title.charAt(0).toUpperCase() + s.title.slice(1), `+${s.gained.confirmed.length}`, `+${s.gained.named.length}`, `+${s.gained.related.length}`, String(s.seenAfter), `${(s.share * 100).toFixed(1)}%`]);

describe('plan page address state (no browser)', () => {
  it('round-trips picks, preset, grade and steps, leaves defaults out, and reports what it cannot read', () => {
    const state = { ...EMPTY_STATE, groups: ['G0016', 'G0007'], campaigns: ['C0024'], software: ['Cobalt Strike'], techniques: ['T1003.001'], preset: 'windows-default-client' as const, minGrade: 'named' as const, top: 5 };
    const hash = encodePlanHash(state);
    expect(hash).toBe('#group=G0016,G0007&campaign=C0024&software=Cobalt+Strike&techniques=T1003.001&preset=windows-default-client&min-grade=named&top=5');
    expect(decodePlanHash(hash)).toEqual({ state, problems: [] });
    expect(encodePlanHash(EMPTY_STATE)).toBe('');
    const bad = decodePlanHash('#group=G0016,%E0%A4%A&preset=laptop&min-grade=best&top=0&colour=red');
    expect(bad.state.groups).toEqual(['G0016']);
    expect(bad.state.preset).toBeNull();
    expect(bad.state.minGrade).toBe('related');
    expect(bad.state.top).toBe(EMPTY_STATE.top);
    expect(bad.problems).toHaveLength(5);
    expect(planCommand('18.1', state, { sysmon: true })).toBe(
      "npm run plan -- --attack 18.1 --group G0016 --group G0007 --campaign C0024 --software 'Cobalt Strike' --techniques T1003.001 --preset windows-default-client --sysmon sysmon.xml --min-grade named --top 5",
    );
  });

  it('searches IDs, names and aliases as the resolver compares them, exact matches first', () => {
    const actor = (id: string, name: string, aliases: string[]) => ({ id, name, aliases, techniques: [], revokedBy: '' });
    const options = pickOptions({ groups: [actor('G0016', 'APT29', ['APT29', 'Cozy Bear', 'NOBELIUM']), actor('G0118', 'UNC2452', []), actor('G0099', 'Cozy Bearish', [])], campaigns: [], software: [actor('S0154', 'Cobalt Strike', [])] });
    expect(searchOptions(options, 'cozy-bear').map((o) => o.id)).toEqual(['G0016', 'G0099']);
    expect(searchOptions(options, 'g0016').map((o) => o.id)).toEqual(['G0016']);
    expect(searchOptions(options, 'strike').map((o) => o.id)).toEqual(['S0154']);
    expect(options.find((o) => o.id === 'G0016')?.aliases).toEqual(['Cozy Bear', 'NOBELIUM']);
  });
});

describe('plan page bundle', () => {
  it('holds the page script with the plan core and the coverage core in one ES module, without node: or other run-time imports', async () => {
    const bundle = await bundlePlanApp();
    expect(bundle.external).toEqual([]);
    // The CLI's resolver, planner, formats and layers, not copies of them.
    expect(bundle.inputs).toEqual(expect.arrayContaining(['scripts/pages/browser/plan-app.ts', 'scripts/plan/targets.ts', 'scripts/plan/plan.ts', 'scripts/plan/format.ts', 'scripts/plan/layers.ts', 'scripts/plan/data.ts', 'scripts/coverage/advice.ts', 'scripts/coverage/readers/auditpol.ts']));
    // The Node-only readers of the CLI stay out.
    expect(bundle.inputs.filter((f) => f.startsWith('node:') || ['scripts/plan/load.ts', 'scripts/plan/inputs.ts', 'scripts/coverage/load.ts'].includes(f))).toEqual([]);
  });
});

describe('plan page in a browser', () => {
  let browser: Browser | undefined;
  let launchError: unknown;
  let server: { url: string; close: () => Promise<void> };
  const ready = (): Browser => {
    if (!browser) throw launchError ?? new Error('Chromium did not start (see the beforeAll error)');
    return browser;
  };

  beforeAll(async () => {
    const site = await fullSite();
    server = await serveStatic(site.dir);
    try {
      browser = (await sharedChromium()).browser;
    } catch (error) {
      launchError = error;
    }
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds APT29 by typing "Cozy Bear" and shows the plan of npm run plan -- --group G0016, number for number, with no layout shift and nothing wider than a phone', async () => {
    const cli = await cliPlan('--group', 'G0016');
    const context = await ready().newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(() => {
      const w = window as unknown as { shifts: number };
      w.shifts = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.shifts += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${server.url}/plan/`);
    await page.locator('#plan[data-ready="true"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBeLessThan(0.01);
    expect(await page.locator('nav.site-nav a[aria-current="page"]').textContent()).toBe('Plan');

    // A labelled search box over a list of labelled checkboxes; typing an alias finds the group.
    const filter = page.getByLabel('Find a group, campaign or software: name, alias or ID');
    await filter.fill('Cozy Bear');
    const first = page.locator('#plan-options li').first();
    expect(await first.textContent()).toContain('APT29');
    expect(await first.textContent()).toContain('G0016');
    await page.getByRole('checkbox', { name: /^APT29 group G0016/ }).check();
    await page.locator('#plan-out:not([hidden])').waitFor();

    // Same numbers as the CLI: the steps (first step included), the totals, the shares, what stays dark.
    expect(cli.report.steps.length).toBeGreaterThan(0);
    const rows = await stepRows(page);
    expect(rows[0]).toEqual(expectedRows(cli.report)[0]);
    expect(rows).toEqual(expectedRows(cli.report));
    expect(await page.locator('#plan-out').getAttribute('data-total')).toBe(String(cli.report.before.total));
    expect(await page.locator('#plan-out').getAttribute('data-visible-after')).toBe(String(cli.report.after.visible));
    expect(await page.locator('#plan-dark tbody tr').count()).toBe(cli.report.techniques.filter((t) => t.after === 'no-event' || t.after === 'not-windows').length);
    expect(await page.locator('#plan-detail > li').first().getAttribute('data-id')).toBe(cli.report.steps[0]?.id);
    expect(await page.locator('#plan-cli').textContent()).toBe(`npm run plan -- --attack ${VERSION} --group G0016`);
    expect(await page.locator('#plan-sources a').first().getAttribute('href')).toBe('/groups/G0016/');

    // The JSON download is the CLI's output, byte for byte; Markdown is the CLI's Markdown too.
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#plan-dl-json')]);
    expect(json.suggestedFilename()).toBe(`plan-attack-${VERSION}.json`);
    expect(await downloadText(json)).toBe(cli.text);

    // A copy button per command or snippet, named for its step.
    expect(await page.getByRole('button', { name: 'Copy the Sysmon snippet of step 1' }).count()).toBe(cli.report.steps[0]?.kind === 'sysmon-event-type' ? 1 : 0);

    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the picks and settings in the address, and a shared address gives the same plan as the CLI with those flags', async () => {
    const cli = await cliPlan('--group', 'G0016', '--preset', 'windows-default-client', '--min-grade', 'named', '--top', '5');
    const context = await ready().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/plan/`);
    await page.locator('#plan[data-ready="true"]').waitFor();
    // With the keyboard: type, Enter ticks the first match.
    await page.focus('#plan-filter');
    await page.keyboard.type('cozy bear');
    await page.keyboard.press('Enter');
    await page.locator('#plan-out:not([hidden])').waitFor();
    await expect.poll(() => new URL(page.url()).hash).toBe('#group=G0016');
    await page.selectOption('#plan-preset', 'windows-default-client');
    await page.check('input[name="plan-min-grade"][value="named"]');
    await page.selectOption('#plan-top', '5');
    const hash = '#group=G0016&preset=windows-default-client&min-grade=named&top=5';
    await expect.poll(() => new URL(page.url()).hash).toBe(hash);
    await expect.poll(() => stepRows(page)).toEqual(expectedRows(cli.report));

    // Opened afresh from the address: the controls and the plan come back.
    const fresh = await context.newPage();
    await fresh.goto(`${server.url}/plan/${hash}`);
    await fresh.locator('#plan-out:not([hidden])').waitFor();
    expect(await fresh.locator('#plan-preset').inputValue()).toBe('windows-default-client');
    expect(await fresh.locator('#plan-top').inputValue()).toBe('5');
    expect(await fresh.locator('input[name="plan-min-grade"][value="named"]').isChecked()).toBe(true);
    expect(await fresh.locator('#plan-picked').textContent()).toContain('APT29 (G0016)');
    expect(await stepRows(fresh)).toEqual(expectedRows(cli.report));
    expect(await fresh.locator('#plan-cli').textContent()).toBe(`npm run plan -- --attack ${VERSION} --group G0016 --preset windows-default-client --min-grade named --top 5`);

    // The version switch keeps the address: the same picks planned on 18.0, as the CLI plans them there.
    const other = await context.newPage();
    await other.goto(`${server.url}/plan/${hash}`);
    await other.locator('#plan-out:not([hidden])').waitFor();
    await other.click('.version-switch summary');
    await other.click('.version-switch a[href="/v/18.0/plan/"]');
    await other.waitForURL(new RegExp(`/v/18\\.0/plan/${hash}$`));
    await other.locator('#plan-out:not([hidden])').waitFor();
    const cli180 = await cliPlan('--attack', '18.0', '--group', 'G0016', '--preset', 'windows-default-client', '--min-grade', 'named', '--top', '5');
    expect(await stepRows(other)).toEqual(expectedRows(cli180.report));
    await other.close();

    // Removing the group leaves the settings in the address, and no plan.
    await fresh.getByRole('button', { name: 'Remove APT29' }).click();
    await expect.poll(() => new URL(fresh.url()).hash).toBe('#preset=windows-default-client&min-grade=named&top=5');
    expect(await fresh.locator('#plan-out').isHidden()).toBe(true);

    // A Navigator layer chosen as a file (never in the address): the plan of npm run plan -- --layer.
    const layer = {
      name: 'CTI',
      domain: 'enterprise-attack',
      versions: { layer: '4.5', attack: '18', navigator: '5.1.0' },
      techniques: [
        { techniqueID: 'T1003.001', score: 1, enabled: true },
        { techniqueID: 'T1059.001', score: 2 },
        { techniqueID: 'T1112', score: 3, enabled: false },
        { techniqueID: 'T1098', color: '#ff0000' },
      ],
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plan-layer-'));
    const file = path.join(dir, 'cti.json');
    await writeFile(file, JSON.stringify(layer));
    const fromLayer = await cliPlan('--layer', file, '--preset', 'windows-default-client', '--min-grade', 'named', '--top', '5');
    await fresh.setInputFiles('#plan-layer-file', file);
    await fresh.locator('#plan-out:not([hidden])').waitFor();
    expect(await stepRows(fresh)).toEqual(expectedRows(fromLayer.report));
    expect(await fresh.locator('#plan-out').getAttribute('data-total')).toBe(String(fromLayer.report.before.total));
    expect(await fresh.locator('#plan-notes').textContent()).toContain('1 disabled');
    expect(new URL(fresh.url()).hash).toBe('#preset=windows-default-client&min-grade=named&top=5');
    await rm(dir, { recursive: true, force: true });

    // An unknown name in the address: the resolver's message, no plan.
    await fresh.goto(`${server.url}/plan/#group=Cozy+Bare`);
    await fresh.locator('#plan-error:not([hidden])').waitFor();
    expect(await fresh.locator('#plan-error').textContent()).toMatch(/no group of that name or alias in ATT&CK 18\.1; closest: .*APT29 \(G0016/);
    await context.close();
  });
});
