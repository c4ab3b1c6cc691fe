/**
 * The page layer against hostile data: a page path that leaves the output folder is refused by
 * the writer (before anything is wiped), an ID that is not a safe path segment stops the build,
 * every slug is one safe segment whatever the input, and a non-http(s) ATT&CK URL never becomes
 * an href.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PagesError, targetPath, writeGenerated } from '../../scripts/cli/pages.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { logSlug } from '../../scripts/coverage/layers.ts';
import { buildSite } from '../../scripts/pages/site.ts';
import type { SiteInput } from '../../scripts/pages/types.ts';
import { dataComponentSlug, eventSlug, paths, pathSegment, safeHref, scopesFor, slug, UnsafePathError } from '../../scripts/pages/urls.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';
import { fixtureInput, writeFixtureData } from '../site/fixture.ts';

const run = promisify(execFile);
const temps = tempDirs();
afterAll(() => temps.cleanup());

const HOSTILE = ['../../../../README', '..', '.', '', '/etc/passwd', 'a/b', 'a\\b', '"><script>alert(1)</script>', 'T1003\n', ' T1003', 'T1003/../..'];

describe('the page writer', () => {
  it('refuses a hand-made page path ../../README.md, naming it, and wipes and writes nothing', async () => {
    const root = await temps.make('pages-writer-');
    const out = path.join(root, 'site', '_generated');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'site.yaml'), 'old\n');
    await writeFile(path.join(root, 'README.md'), 'the real README\n');
    const files = [
      { path: 'site.yaml', text: 'new\n' },
      { path: 'technique/latest/T1003.md', text: 'page\n' },
      { path: '../../README.md', text: 'overwritten\n' },
    ];
    const err = await writeGenerated(files, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagesError);
    expect((err as Error).message).toBe(`refusing to write the generated page "../../README.md": it is not inside the output folder ${out}`);
    expect(await readFile(path.join(root, 'README.md'), 'utf8')).toBe('the real README\n');
    expect(await readdir(out)).toEqual(['site.yaml']);
    expect(await readFile(path.join(out, 'site.yaml'), 'utf8')).toBe('old\n');
  });

  it.each(['../../README.md', '..', '../_generated-evil/x.md', 'technique/../../x.md', '/etc/passwd', '', '.', 'a/\u0000b.md'])('refuses %j', (rel) => {
    expect(() => targetPath('/tmp/out', rel)).toThrow(PagesError);
  });

  it('accepts paths inside the folder, dot segments that stay inside included', () => {
    expect(targetPath('/tmp/out', 'technique/latest/T1003.001.md')).toBe('/tmp/out/technique/latest/T1003.001.md');
    expect(targetPath('/tmp/out', 'a/../b.md')).toBe('/tmp/out/b.md');
    expect(targetPath('/tmp/out', '..hidden.md')).toBe('/tmp/out/..hidden.md');
  });

  it('writes a good set of files as before', async () => {
    const out = path.join(await temps.make('pages-writer-ok-'), 'gen');
    await writeGenerated([{ path: 'site.yaml', text: 'x\n' }, { path: 'technique/v1.0/T1.md', text: 'y\n' }], out);
    expect(await readFile(path.join(out, 'technique', 'v1.0', 'T1.md'), 'utf8')).toBe('y\n');
  });
});

describe('URL paths from IDs', () => {
  it.each(HOSTILE)('pathSegment refuses %j, as do technique, tactic and version paths', (bad) => {
    expect(() => pathSegment(bad)).toThrow(UnsafePathError);
    expect(() => paths.technique(bad)).toThrow(UnsafePathError);
    expect(() => paths.tactic(bad)).toThrow(UnsafePathError);
    if (bad !== '') expect(() => scopesFor(bad, '18.1')).toThrow(UnsafePathError);
  });

  it('keeps real IDs and versions as they are', () => {
    expect(paths.technique('T1003.001')).toBe('techniques/T1003.001/');
    expect(paths.tactic('TA0005')).toBe('tactics/TA0005/');
    expect(scopesFor('9.0', '18.1').map((s) => [s.base, s.dir])).toEqual([['/v/9.0/', 'v9.0']]);
  });

  it.each([...HOSTILE, 'Microsoft-Windows-SMBClient/Security:31001', '../../..:1', '"><img src=x>:7', 'Ünïcödé/..:1', '\u202E:1'])('slugs of %j are one safe segment', (text) => {
    for (const s of [eventSlug(text), dataComponentSlug(text), logSlug(text) || 'x']) {
      expect(s).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(slug(text)).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*)?$/);
  });

  it('an event key with no letter or digit still has a page path', () => {
    expect(paths.event('../..:')).toBe('events/unnamed/');
  });

  it('safeHref keeps http(s) only', () => {
    expect(safeHref('https://attack.mitre.org/techniques/T1003')).toBe('https://attack.mitre.org/techniques/T1003');
    expect(safeHref('javascript:alert(document.domain)')).toBe('');
    expect(safeHref('data:text/html,x')).toBe('');
  });
});

describe('the site builder on hostile data', () => {
  const input = (change: (i: SiteInput) => void): SiteInput => {
    const i = fixtureInput();
    change(i);
    return i;
  };
  const latest = (i: SiteInput): SiteInput['versions'][number] => i.versions[i.versions.length - 1]!;

  it('refuses a tactic ID ../../../../README instead of writing README.md', () => {
    const i = input((x) => (latest(x).tactics[0]!.id = '../../../../README'));
    expect(() => buildSite(i)).toThrow(UnsafePathError);
    expect(() => buildSite(i)).toThrow('"../../../../README" cannot be a page path');
  });

  it('refuses a technique ID with markup or a slash', () => {
    expect(() => buildSite(input((x) => (latest(x).techniques[0]!.id = '"><script>')))).toThrow(UnsafePathError);
    expect(() => buildSite(input((x) => (latest(x).techniques[0]!.id = 'T9001/x')))).toThrow(UnsafePathError);
  });

  it('keeps every generated file inside the output folder for the fixture', () => {
    for (const f of buildSite(fixtureInput()).files) expect(() => targetPath('/tmp/out', f.path), f.path).not.toThrow();
  });

  it('never makes a javascript: URL a link on a technique or tactic page', () => {
    const i = input((x) => {
      for (const v of x.versions) {
        for (const t of v.techniques) t.url = 'javascript:alert(document.domain)';
        for (const t of v.tactics) t.url = 'JavaScript:alert(1)';
      }
    });
    const built = buildSite(i);
    const pages = built.records.filter((r) => r.record.kind === 'technique' || r.record.kind === 'tactic');
    expect(pages.length).toBeGreaterThan(5);
    for (const f of built.files) expect(f.text, f.path).not.toMatch(/javascript:/i);
    const page = built.records.find((r) => r.path === 'technique/latest/T9001.md');
    expect(JSON.stringify(page?.record)).toContain('"attackUrl":""');
  });
});

describe('npm run site:pages on a data folder with a hostile tactic ID', () => {
  it('exits 1 with one error line, and README.md is untouched', async () => {
    const dir = await temps.make('pages-cli-');
    const data = path.join(dir, 'data');
    await writeFixtureData(data);
    const file = path.join(data, 'enterprise-attack', '2.0', 'tactics.json');
    const tactics = JSON.parse(await readFile(file, 'utf8')) as { tactics: Array<{ id: string }> };
    tactics.tactics[0]!.id = '../../../../README';
    await writeFile(file, JSON.stringify(tactics));
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const out = path.join(dir, 'a', 'b', 'c', 'generated');
    const result = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'cli', 'pages.ts'), '--data', data, '--out', out], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: "../../../../README" cannot be a page path: an ID must be letters, digits, ".", "_", "-"\n');
    expect(await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8')).toBe(readme);
    expect(await readdir(path.join(dir, 'a')).catch(() => [])).toEqual([]);
  });
});
