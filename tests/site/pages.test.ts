/** The page builders (scripts/pages/), pure: fixture artifacts in, Markdown files out. */
import { describe, expect, it } from 'vitest';
import { parsePagesArgs } from '../../scripts/cli/pages.ts';
import { html, plainText } from '../../scripts/pages/escape.ts';
import { parseFrontMatterJson } from '../../scripts/pages/frontmatter.ts';
import { collectionOrder } from '../../scripts/pages/priorities.ts';
import { buildSite } from '../../scripts/pages/site.ts';
import { specificity } from '../../scripts/pages/specificity.ts';
import type { EventView, HomeView, PageMeta, TechniqueView } from '../../scripts/pages/types.ts';
import { eventSlug, scopesFor, slug } from '../../scripts/pages/urls.ts';
import { EVIL_DESCRIPTION, EVIL_NAME, fixtureInput, MARKDOWN_NAME, SCRIPT } from './fixture.ts';
import type { EventArtifact } from '../../scripts/artifacts/build.ts';

type Front<T> = PageMeta & { view: T };

function split(text: string): { front: string; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`no front matter in:\n${text.slice(0, 200)}`);
  return { front: m[1] ?? '', body: m[2] ?? '' };
}

function site() {
  const built = buildSite(fixtureInput());
  const byPath = new Map(built.files.map((f) => [f.path, f.text]));
  const page = <T>(p: string): { data: Front<T>; body: string; text: string } => {
    const text = byPath.get(p);
    if (text === undefined) throw new Error(`no generated file ${p}; have:\n${[...byPath.keys()].join('\n')}`);
    const { front, body } = split(text);
    return { data: parseFrontMatterJson(front) as Front<T>, body, text };
  };
  return { built, byPath, page };
}

describe('generated files', () => {
  it('writes each version once under /v/<version>/ and the latest again at the root', () => {
    const { built, byPath } = site();
    const paths = [...byPath.keys()];
    // 2.0: home + coverage + what changed + 4 indexes + 3 techniques + 2 tactics + 2 events + 2 data components = 16, twice;
    // 1.0 (no what changed): 6 + 2 + 2 + 1 + 1 = 12; downloads 1.
    expect(built.pages).toBe(16 * 2 + 12 + 1);
    expect(paths.filter((p) => p.endsWith('.md'))).toHaveLength(built.pages);
    expect(paths).toContain('technique/latest/T9001.001.md');
    expect(paths).toContain('technique/v2.0/T9001.001.md');
    expect(paths).toContain('technique/v1.0/T9003.md');
    expect(paths).not.toContain('technique/latest/T9003.md');
    expect(paths).toContain('event/latest/security-4688.md');
    expect(paths).toContain('downloads/latest/index.md');
    expect(paths).toContain('technique/technique.11tydata.mjs');
    expect(paths).toContain('site.yaml');
  });

  it('starts every generated file with a do-not-edit comment naming data/', () => {
    const { built } = site();
    for (const f of built.files) {
      const head = f.text.split('\n').slice(0, 2).join('\n');
      expect(head, f.path).toMatch(/(#|\/\/) Generated from fixture\/.* Do not edit/);
    }
  });

  it('gives permalinks at the root for the latest and under /v/ for every version', () => {
    const { page } = site();
    expect(page('technique/latest/T9001.md').data.permalink).toBe('/techniques/T9001/');
    expect(page('technique/v2.0/T9001.md').data.permalink).toBe('/v/2.0/techniques/T9001/');
    expect(page('technique/v1.0/T9001.md').data.permalink).toBe('/v/1.0/techniques/T9001/');
    expect(page('event/latest/sysmon-1.md').data.permalink).toBe('/events/sysmon-1/');
    expect(page('home/latest/index.md').data.permalink).toBe('/');
    expect(page('home/v1.0/index.md').data.permalink).toBe('/v/1.0/');
  });
});

describe('escaping upstream text', () => {
  it('keeps <script> in a technique name out of the Markdown body, escaped, and intact as data', () => {
    const { page } = site();
    const p = page<TechniqueView>('technique/latest/T9001.md');
    expect(p.data.view.name).toBe(EVIL_NAME);
    expect(p.data.title).toContain(SCRIPT);
    expect(p.body).not.toContain('<script');
    expect(p.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The front matter holds the text only inside JSON strings: nothing in the file is raw HTML outside them.
    expect(p.text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toContain('<script');
  });

  it('escapes <script> in an event description', () => {
    const { page } = site();
    const p = page<EventView>('event/latest/security-4688.md');
    expect(p.data.view.description).toBe(plainText(EVIL_DESCRIPTION));
    expect(p.body).not.toContain('<script');
    expect(p.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(p.body).not.toContain('**');
  });

  it('keeps Markdown and template syntax literal in the body', () => {
    const { page } = site();
    const p = page<TechniqueView>('technique/latest/T9001.001.md');
    expect(p.data.view.name).toBe(MARKDOWN_NAME);
    expect(p.body).not.toMatch(/[*_|]/);
    expect(p.body).toContain('&#42;Bold&#42; &#95;under&#95; &#124; pipe {{ 7&#42;7 }}');
  });

  it('html() escapes markup and Markdown punctuation', () => {
    expect(html(`<a href="x">'&'</a> *b* _i_ |c| [l](u) \`c\``)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; &#42;b&#42; &#95;i&#95; &#124;c&#124; &#91;l&#93;(u) &#96;c&#96;',
    );
  });
});

describe('technique page', () => {
  it('groups events by log with their data component, evidence and how to turn them on', () => {
    const { page } = site();
    const t = page<TechniqueView>('technique/latest/T9001.md').data.view;
    expect(t.logs.map((l) => l.log)).toEqual(['Security', 'Sysmon']);
    const row = t.logs[0]?.rows[0];
    expect(row).toMatchObject({ key: 'Security:4688', eventId: '4688', url: '/events/security-4688/' });
    expect(row?.components).toEqual([{ label: 'Process Creation', url: '/data-components/process-creation/' }]);
    expect(row?.evidence[0]).toMatchObject({ kind: 'ossem-dm', label: 'OSSEM-DM relationship', ref: 'REL-2022-0001' });
    expect(row?.enable.auditpol).toContain('auditpol /set');
    expect(t.logs[1]?.rows[0]?.enable.sysmon).toBe('Process creation');
    expect(t.subtechniques).toEqual([{ id: 'T9001.001', name: MARKDOWN_NAME, url: '/techniques/T9001.001/', events: 1 }]);
  });

  it('lists data components with no event, and the versions the technique appears in with its event counts', () => {
    const { page } = site();
    const quiet = page<TechniqueView>('technique/latest/T9002.md').data.view;
    expect(quiet.logs).toEqual([]);
    expect(quiet.withoutEvents).toEqual([{ label: 'OS API <Execution>', url: '/data-components/os-api-execution/' }]);
    const t = page<TechniqueView>('technique/v1.0/T9001.md').data.view;
    expect(t.history).toEqual([
      { version: '2.0', url: '/techniques/T9001/', events: 2, current: false },
      { version: '1.0', url: '/v/1.0/techniques/T9001/', events: 1, current: true },
    ]);
  });

  it('switches version to the same page where it exists, else to that version home', () => {
    const { page } = site();
    const gone = page<TechniqueView>('technique/v1.0/T9003.md').data;
    expect(gone.versions).toEqual([
      { version: '2.0', url: '/', exists: false, current: false, latest: true },
      { version: '1.0', url: '/v/1.0/techniques/T9003/', exists: true, current: true, latest: false },
    ]);
    expect(gone.scope.latestUrl).toBe('/');
    expect(page('technique/v1.0/T9001.md').data.scope.latestUrl).toBe('/techniques/T9001/');
  });

  it('indexes each entity once for search: the root copy, or the newest version that has it', () => {
    const { page } = site();
    expect(page('technique/latest/T9001.md').data.searchable).toBe(true);
    expect(page('technique/v2.0/T9001.md').data.searchable).toBe(false);
    expect(page('technique/v1.0/T9001.md').data.searchable).toBe(false);
    expect(page('technique/v1.0/T9003.md').data.searchable).toBe(true);
    expect(page('home/latest/index.md').data.searchable).toBe(false);
  });
});

describe('event page', () => {
  it('groups techniques by tactic, in matrix order, a technique under each of its tactics', () => {
    const { page } = site();
    const e = page<EventView>('event/latest/sysmon-1.md').data.view;
    expect(e.byTactic.map((g) => g.tactic.label)).toEqual(['Execution', 'Defense <b>Evasion</b>']);
    expect(e.byTactic[0]?.techniques.map((t) => t.id)).toEqual(['T9001', 'T9001.001']);
    expect(e.byTactic[1]?.techniques.map((t) => t.id)).toEqual(['T9001.001']);
    expect(e.specificity).toMatchObject({ count: 2, total: 3, level: 'very-specific' });
    expect(e.enable).toMatchObject({ sysmon: 'Process creation', unknown: false });
  });
});

describe('specificity', () => {
  it('says in plain words how much an event says about one technique', () => {
    expect(specificity(241, 472)).toMatchObject({ label: 'Very broad', percent: '51%', explanation: 'tied to 241 of 472 techniques: says little about any one of them.' });
    expect(specificity(1, 472)).toMatchObject({ level: 'very-specific', percent: '0.2%' });
    expect(specificity(12, 472).level).toBe('specific');
    expect(specificity(40, 472).level).toBe('moderate');
    expect(specificity(100, 472).level).toBe('broad');
  });
});

describe('collection order', () => {
  const e = (key: string, techniques: string[]): EventArtifact => ({ key, techniques: techniques.map((id) => ({ id, grade: 'related', rules: 0 })) }) as unknown as EventArtifact;

  it('takes at each step the event adding the most uncovered techniques, and stops when none adds any', () => {
    const { order, coverable } = collectionOrder([
      e('A:1', ['T1', 'T2', 'T3']),
      e('B:2', ['T1', 'T2', 'T3', 'T4']),
      e('C:3', ['T5', 'T6']),
      e('D:4', ['T4', 'T5']),
      e('E:5', ['T1']),
    ]);
    expect(coverable).toBe(6);
    expect(order).toEqual([
      { key: 'B:2', techniques: 4, adds: 4, covered: 4 },
      { key: 'C:3', techniques: 2, adds: 2, covered: 6 },
    ]);
  });

  it('ranks the home page events that way', () => {
    const { page } = site();
    const h = page<HomeView>('home/latest/index.md').data.view;
    expect(h.priorities.map((p) => [p.key, p.techniques, p.adds, p.covered])).toEqual([['Sysmon:1', 2, 2, 2]]);
    expect(h.rest).toBe(1);
  });
});

describe('urls', () => {
  it('slugs event keys and names', () => {
    expect(eventSlug('Security:4688')).toBe('security-4688');
    expect(eventSlug('Microsoft-Windows-SMBClient/Security:31001')).toBe('microsoft-windows-smbclient-security-31001');
    expect(slug('OS API <Execution>')).toBe('os-api-execution');
  });

  it('publishes the latest version twice', () => {
    expect(scopesFor('2.0', '2.0').map((s) => s.base)).toEqual(['/', '/v/2.0/']);
    expect(scopesFor('1.0', '2.0').map((s) => s.base)).toEqual(['/v/1.0/']);
  });
});

describe('pages CLI arguments', () => {
  it('takes --data and --out, resolved to absolute paths', () => {
    const a = parsePagesArgs(['--data', 'x/data', '--out', '/tmp/gen']);
    expect(a).toMatchObject({ help: false, outDir: '/tmp/gen' });
    expect(a.help === false && a.dataDir.endsWith('/x/data')).toBe(true);
    expect(() => parsePagesArgs(['--nope'])).toThrow(/Usage/);
  });
});
