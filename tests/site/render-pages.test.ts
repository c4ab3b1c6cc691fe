/**
 * The generated pages' renderer (site/_config/render-pages.js): the same HTML as Eleventy gives the
 * same page as a Markdown template, output paths that stay inside the site, and errors that name
 * the record file.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGenerated } from '../../scripts/cli/pages.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { buildSite, type BuiltSite } from '../../scripts/pages/site.ts';
import { inputKey, outputPath, RenderPagesError, renderPages } from '../../site/_config/render-pages.js';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { siteWorkspace } from './helpers.ts';
import { fixtureInput, MARKDOWN_NAME, SCRIPT } from './fixture.ts';

const temps = tempDirs();
afterAll(() => temps.cleanup());

const ELEVENTY = path.join(REPO_ROOT, 'node_modules', '@11ty', 'eleventy', 'cmd.cjs');

/** A copy of site/ with the fixture's generated files, in `work/`. */
async function siteCopy(work: string, built: BuiltSite): Promise<string> {
  const site = await siteWorkspace(work);
  await writeGenerated(built.files, path.join(site, '_generated'));
  return site;
}

describe('the generated pages against Eleventy', () => {
  // Pages that use each part of what Eleventy would do: upstream text to escape, Markdown tables
  // with captions (the what-changed report), a layout's own front matter (the plan page's stylesheet).
  const picked = ['technique/latest/T9001.md', 'technique/latest/T9001.001.md', 'event/latest/sysmon-1.md', 'changes/latest/index.md', 'plan/latest/index.md', 'home/v1.0/index.md'];
  let work: string;
  let built: BuiltSite;

  beforeAll(async () => {
    work = await temps.make('render-pages-');
    built = buildSite(fixtureInput());
    const site = await siteCopy(work, built);
    // The same pages as Markdown templates, as the site had them before: JSON front matter with the
    // kind's layout, the body as Markdown, at /check/<n>/.
    await mkdir(path.join(site, 'check'));
    for (const [n, p] of picked.entries()) {
      const r = built.records.find((x) => x.path === p);
      if (!r) throw new Error(`no page ${p}`);
      const { body, ...front } = r.record;
      const data = { ...front, permalink: `/check/${n}/`, layout: `layouts/${r.record.kind}.njk`, eleventyExcludeFromCollections: true, dynamicPermalink: false };
      await writeFile(path.join(site, 'check', `${n}.md`), `---\n# a test page\n${JSON.stringify(data)}\n---\n${body}`);
    }
    await promisify(execFile)(process.execPath, [ELEVENTY, '--config=site/eleventy.config.js', '--quiet'], { cwd: work, maxBuffer: 16 * 1024 * 1024 });
  }, 120_000);

  it('renders each page byte for byte as Eleventy renders it as a template', async () => {
    for (const [n, p] of picked.entries()) {
      const r = built.records.find((x) => x.path === p);
      const ours = await readFile(outputPath(path.join(work, '_site'), r?.record.permalink), 'utf8');
      const eleventy = await readFile(path.join(work, '_site', 'check', String(n), 'index.html'), 'utf8');
      expect(ours, p).toBe(eleventy);
    }
  });

  it('keeps upstream text as text, and the layouts’ own data', async () => {
    const technique = await readFile(path.join(work, '_site', 'techniques', 'T9001.001', 'index.html'), 'utf8');
    expect(technique).toContain('*Bold* _under_ | pipe {{ 7*7 }} {% raw %}'.replace(/&/g, '&amp;'));
    expect(MARKDOWN_NAME).toContain('{{');
    const t1 = await readFile(path.join(work, '_site', 'techniques', 'T9001', 'index.html'), 'utf8');
    expect(t1).not.toContain(SCRIPT);
    expect(await readFile(path.join(work, '_site', 'plan', 'index.html'), 'utf8')).toContain('<link rel="stylesheet" href="/assets/plan.css">');
    const changes = await readFile(path.join(work, '_site', 'changes', 'index.html'), 'utf8');
    expect(changes).toMatch(/<div class="table-wrap">\n<table>\n<caption>/);
    // The footer's hand-written pages, from site/pages/ (no Eleventy collection needed).
    expect(t1).toContain('<a href="/about/">About the mapping</a> · <a href="/search/">Search</a></p>');
  });
});

describe('renderPages', () => {
  it('puts a permalink under the output folder, and refuses one that would leave it', () => {
    expect(outputPath('/out', '/techniques/T1003/')).toBe('/out/techniques/T1003/index.html');
    expect(outputPath('/out', '/')).toBe('/out/index.html');
    expect(outputPath('/out', '/404.html')).toBe('/out/404.html');
    for (const bad of ['../x/', '/a/../../b/', 'techniques/T1/', '/a//b/', '/a/./b/', '/a\\..\\b/', '/a\0/', 42, undefined]) {
      expect(() => outputPath('/out', bad), String(bad)).toThrow(RenderPagesError);
    }
  });

  it('names the record file of a page that cannot be written, and two pages with one permalink', async () => {
    const built = buildSite(fixtureInput());
    const work = await temps.make('render-bad-');
    const site = await siteCopy(work, built);
    const o = { inputDir: site, includesDir: path.join(site, '_includes'), outDir: path.join(work, '_site'), globalData: { site: {} } };
    const file = path.join(site, '_generated', 'pages', 'tactic', 'latest.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { pages: Array<{ permalink: string }> };
    const first = doc.pages[0];
    if (!first) throw new Error('no tactic page');
    first.permalink = '/../../README.md';
    await writeFile(file, JSON.stringify(doc));
    await expect(renderPages(o)).rejects.toThrow('refusing the permalink "/../../README.md"');
    first.permalink = '/techniques/T9001/';
    await writeFile(file, JSON.stringify(doc));
    await expect(renderPages(o)).rejects.toThrow(/two pages are written to techniques\/T9001\/index.html: from _generated\/pages\/(tactic\/latest.json and _generated\/pages\/technique\/latest.json|technique\/latest.json and _generated\/pages\/tactic\/latest.json)/);
    await writeFile(file, '{"layout": "layouts/tactic.njk", "pages": [');
    await expect(renderPages(o)).rejects.toThrow(/cannot read the page records _generated\/pages\/tactic\/latest.json: .*npm run site:pages/);
  });

  it('fails the Eleventy build on a broken record file with one message naming it, no stack trace', async () => {
    const work = await temps.make('render-eleventy-bad-');
    const site = await siteCopy(work, buildSite(fixtureInput()));
    await writeFile(path.join(site, '_generated', 'pages', 'event', 'v1.0.json'), '{"layout": "layouts/event.njk", "pages": [');
    const result = await promisify(execFile)(process.execPath, [ELEVENTY, '--config=site/eleventy.config.js', '--quiet'], { cwd: work }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read the page records _generated/pages/event/v1.0.json');
    expect(result.stderr).toContain('npm run site:pages');
    expect(result.stderr).not.toContain('Original error stack trace');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('keys its input by every file it reads: a layout touched, the key changes', async () => {
    const work = await temps.make('render-key-');
    const site = await siteCopy(work, buildSite(fixtureInput()));
    const includes = path.join(site, '_includes');
    const before = inputKey(site, includes);
    expect(inputKey(site, includes)).toBe(before);
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(includes, 'layouts', 'event.njk'), later, later);
    expect(inputKey(site, includes)).not.toBe(before);
    const now = inputKey(site, includes);
    await utimes(path.join(site, '_generated', 'pages', 'event', 'latest.json'), later, new Date(Date.now() + 9000));
    expect(inputKey(site, includes)).not.toBe(now);
  });
});
