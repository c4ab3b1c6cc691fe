/**
 * The built site from a hand-made data folder whose upstream text holds `<script>`, Markdown and
 * template syntax: every page must show that text as text.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIL_EVENT_NAME, EVIL_NAME, SCRIPT, writeFixtureData } from './fixture.ts';
import { type BuiltSite, checkLinks, walk } from './helpers.ts';
import { siteFileFor } from '../../scripts/local-run/site-file.ts';
import { sharedSite } from './shared-sites.ts';

let site: BuiltSite;
const read = (rel: string): Promise<string> => readFile(path.join(site.dir, rel), 'utf8');

const JS_URL = 'javascript:alert(document.domain)';

/** Upstream URLs that are not http(s), as a data folder written before the mapping dropped them would hold. */
async function poisonUrls(data: string): Promise<void> {
  for (const v of ['1.0', '2.0']) {
    const dir = path.join(data, 'enterprise-attack', v);
    const t = JSON.parse(await readFile(path.join(dir, 'techniques.json'), 'utf8')) as { techniques: Array<{ id: string; url: string }> };
    for (const x of t.techniques) if (x.id === 'T9002' || x.id === 'T9003') x.url = JS_URL;
    await writeFile(path.join(dir, 'techniques.json'), JSON.stringify(t));
    const r = JSON.parse(await readFile(path.join(dir, 'rules.json'), 'utf8')) as { rules: Array<{ source: string; url: string }> };
    for (const x of r.rules) if (x.source === 'splunk-escu') x.url = JS_URL;
    await writeFile(path.join(dir, 'rules.json'), JSON.stringify(r));
    const ta = JSON.parse(await readFile(path.join(dir, 'tactics.json'), 'utf8')) as { tactics: Array<{ id: string; url: string }> };
    for (const x of ta.tactics) if (x.id === 'TA0002') x.url = ' JavaScript:alert(1)';
    await writeFile(path.join(dir, 'tactics.json'), JSON.stringify(ta));
  }
}

beforeAll(async () => {
  site = await sharedSite('site-hostile', async (data) => {
    await writeFixtureData(data);
    await poisonUrls(data);
  });
});

describe('a built site from hostile upstream text', () => {
  it('shows a technique named <script>alert(1)</script> as text', async () => {
    const page = await read('techniques/T9001/index.html');
    expect(page).toContain('<h1><span class="id">T9001</span> &lt;script&gt;alert(1)&lt;/script&gt; Credential Dumping</h1>');
    expect(page).toContain('<title>T9001 &lt;script&gt;alert(1)&lt;/script&gt; Credential Dumping ·');
    expect(page).not.toContain(SCRIPT);
  });

  it('shows an event description holding <script> as text', async () => {
    const page = await read('events/security-4688/index.html');
    expect(page).toContain('Starts a process &lt;script&gt;alert(1)&lt;/script&gt; and logs it');
    expect(page).not.toContain(SCRIPT);
    const sysmon = await read('events/sysmon-1/index.html');
    expect(sysmon).toContain('Process &lt;img src=x onerror=alert(2)&gt; created');
    expect(sysmon).not.toContain(EVIL_EVENT_NAME);
  });

  it('has no raw <script>alert or injected tag on any page, in any version', async () => {
    const pages = await walk(site.dir, (r) => r.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(20);
    for (const rel of pages) {
      const html = await read(rel);
      expect(html, rel).not.toContain(SCRIPT);
      expect(html, rel).not.toMatch(/<img src=x|<b>Evasion<\/b>/);
    }
  });

  it('never renders a javascript: URL from upstream as a link, on any page', async () => {
    for (const rel of await walk(site.dir, (r) => r.endsWith('.html'))) {
      const html = await read(rel);
      expect(html, rel).not.toMatch(/href="\s*javascript:/i);
      expect(html, rel).not.toContain('alert(document.domain)');
    }
    expect(await read('techniques/T9002/index.html')).not.toContain('href="https://attack.mitre.org/techniques/T9002"');
    expect(await read('techniques/T9001/index.html')).toContain('href="https://attack.mitre.org/techniques/T9001"');
    expect(await read('tactics/TA0005/index.html')).toContain('href="https://attack.mitre.org/tactics/TA0005"');
  });

  it("shows a confirmed row's rules and a named row's analytic texts as text, code spans as <code>", async () => {
    const page = await read('techniques/T9001/index.html');
    expect(page).toContain('<a href="https://car.mitre.org/analytics/CAR-2013-05-002/" rel="external"><code>CAR-2013-05-002</code></a> Suspicious Run Locations');
    // The Splunk rule's URL was poisoned: its ID stays, unlinked, its name as text.
    expect(page).toContain('<code>3742ebfe-64c2-11eb-ae93-0242ac130002</code> Dump LSASS &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Looks for <code>cmd.exe</code> spawned by Office &lt;script&gt;alert(1)&lt;/script&gt; *fast*.');
    expect(page).toContain('<dt><code>ParentImage</code></dt><dd>Allowlist <code>explorer.exe</code> &lt;b&gt;parents&lt;/b&gt;.</dd>');
    expect(page).toContain('<code class="channel">EventCode=1 &lt;i&gt;x&lt;/i&gt;</code>');
    expect(page).toContain('href="https://attack.mitre.org/detectionstrategies/DET0001#AN0001"');
    expect(page).toContain('id="analytic-det0001-an0001"');
    expect(page).toContain('href="/about/#grades"');
    expect(page).not.toMatch(/<i>x<\/i>|<b>parents/);
    // An older version links ATT&CK's archived site.
    expect(await read('v/1.0/techniques/T9001/index.html')).toContain('href="https://attack.mitre.org/versions/v1/techniques/T9001/"');
  });

  it('keeps Markdown punctuation and template syntax literal', async () => {
    const page = await read('techniques/T9001.001/index.html');
    expect(page).toContain('*Bold* _under_ | pipe {{ 7*7 }} {% raw %}');
    expect(page).not.toMatch(/<em>Bold|<em>under|<strong>Bold/);
    expect(page).not.toMatch(/pipe 49/);
  });

  it('shows upstream names as text on the "what changed" page, with captioned tables', async () => {
    for (const rel of ['changes/index.html', 'v/2.0/changes/index.html']) {
      const page = await read(rel);
      expect(page, rel).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Credential Dumping');
      expect(page, rel).toContain('Process &lt;img src=x onerror=alert(2)&gt; created');
      expect(page, rel).toContain('OS API &lt;Execution&gt;');
      expect(page, rel).toContain('*Bold* _under_ | pipe {{ 7*7 }} {% raw %}');
      expect(page, rel).not.toMatch(/<em>Bold|<em>under|pipe 49/);
      expect(page, rel).not.toContain(SCRIPT);
      expect(page, rel).not.toContain(EVIL_NAME);
      expect((page.match(/<table/g) ?? []).length, rel).toBe((page.match(/<table[^>]*>\s*<caption>/g) ?? []).length);
      expect(page, rel).not.toContain('<!-- caption:');
    }
    const root = await read('changes/index.html');
    expect(root).toContain('<caption>Techniques: added (2)</caption>');
    expect(root).toContain('href="/techniques/T9001.001/"');
    expect(root).toContain('href="/v/1.0/techniques/T9003/"');
    expect(root).toContain('href="/events/sysmon-1/"');
    expect(await readFile(path.join(site.dir, 'v', '1.0', 'changes', 'index.html')).catch(() => null)).toBeNull();
  });

  it('shows upstream event names as text in the coverage page labels', async () => {
    const page = await read('coverage/index.html');
    expect(page).toContain('<label for="ev-sysmon-1"><span class="id">1</span> Process &lt;img src=x onerror=alert(2)&gt; created</label>');
    expect(page).toContain('data-text="Sysmon 1 Sysmon:1 Process &lt;img src=x onerror=alert(2)&gt; created"');
    expect(page).toContain('<th scope="row"><a href="/tactics/TA0005/">Defense &lt;b&gt;Evasion&lt;/b&gt;</a></th>');
    expect(page).not.toContain(EVIL_EVENT_NAME);
  });

  it('links every page of the fixture without a broken link', async () => {
    const report = await checkLinks(site.dir);
    expect(report.broken).toEqual([]);
    expect(report.links).toBeGreaterThan(200);
  });
});

describe('a site served from a sub-path (GitHub Pages project site)', () => {
  let sub: BuiltSite;
  beforeAll(async () => {
    sub = await sharedSite('site-fixture-sub-path', writeFixtureData, { base: '/sub/dir/' });
  });

  it('starts every internal link with the base path, and none is broken', async () => {
    const report = await checkLinks(sub.dir, '/sub/dir/');
    expect(report.broken).toEqual([]);
    expect(report.links).toBeGreaterThan(200);
    // The same site checked as if served from / has every link outside the root.
    const wrong = await checkLinks(sub.dir, '/');
    expect(wrong.broken.length).toBeGreaterThan(200);
  });

  it('points the coverage page at the data and the script under the base path', async () => {
    const page = await readFile(path.join(sub.dir, 'coverage', 'index.html'), 'utf8');
    expect(page).toContain('data-data="/sub/dir/assets/coverage/2.0.json"');
    expect(page).toContain('data-event-base="/sub/dir/events/"');
    expect(page).toContain('<script type="module" src="/sub/dir/assets/coverage.js"></script>');
    for (const url of [...page.matchAll(/data-data="([^"]+)"/g)].map((m) => m[1] ?? '')) {
      expect(siteFileFor(sub.dir, url.replace('/sub/dir/', '/')), url).not.toBeNull();
    }
    expect(siteFileFor(sub.dir, '/assets/coverage.js')).not.toBeNull();
  });

  it('writes the pages at the same output paths', async () => {
    const page = await readFile(path.join(sub.dir, 'techniques', 'T9001', 'index.html'), 'utf8');
    expect(page).toContain('href="/sub/dir/assets/site.css"');
    expect(page).toContain('href="/sub/dir/events/security-4688/"');
    expect(page).toContain('href="/sub/dir/v/1.0/techniques/T9001/"');
  });
});
