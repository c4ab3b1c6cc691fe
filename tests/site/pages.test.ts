/** The page builders (scripts/pages/), pure: fixture artifacts in, Markdown files out. */
import { describe, expect, it } from 'vitest';
import { parsePagesArgs } from '../../scripts/cli/pages.ts';
import { html, plainText } from '../../scripts/pages/escape.ts';
import { collectionOrder } from '../../scripts/pages/priorities.ts';
import { recordFilePath } from '../../scripts/pages/records.ts';
import { buildSite } from '../../scripts/pages/site.ts';
import { specificity } from '../../scripts/pages/specificity.ts';
import type { EventView, HomeView, PageMeta, TacticView, TechniqueView, VersionInput } from '../../scripts/pages/types.ts';
import { attackHref, eventSlug, scopesFor, slug } from '../../scripts/pages/urls.ts';
import type { Grade } from '../../scripts/mapping/types.ts';
import { EVIL_DESCRIPTION, EVIL_NAME, fixtureInput, MARKDOWN_NAME, SCRIPT } from './fixture.ts';
import type { EventArtifact, TechniqueArtifact } from '../../scripts/artifacts/build.ts';

type Front<T> = PageMeta & { view: T };

function site() {
  const built = buildSite(fixtureInput());
  // Every page by its name (`<kind>/<dir>/<file>.md`), and every file written.
  const byPath = new Map<string, string>([...built.records.map((r) => [r.path, JSON.stringify(r.record)] as const), ...built.files.map((f) => [f.path, f.text] as const)]);
  const page = <T>(p: string): { data: Front<T>; body: string; text: string } => {
    const r = built.records.find((x) => x.path === p);
    if (r === undefined) throw new Error(`no generated page ${p}; have:\n${built.records.map((x) => x.path).join('\n')}`);
    // `text`: the record file the page is written in.
    const text = built.files.find((f) => f.path === recordFilePath(r.record.kind, r.dir))?.text ?? '';
    return { data: r.record as Front<T>, body: r.record.body, text };
  };
  return { built, byPath, page };
}

describe('generated files', () => {
  it('writes each version once under /v/<version>/ and the latest again at the root', () => {
    const { built, byPath } = site();
    const paths = [...byPath.keys()];
    // 2.0: home + coverage + plan + what changed + 4 indexes + 3 techniques + 2 tactics + 2 events + 2 data components = 17, twice;
    // 1.0 (no what changed): 7 + 2 + 2 + 1 + 1 = 13; downloads 1.
    expect(built.pages).toBe(17 * 2 + 13 + 1);
    expect(paths.filter((p) => p.endsWith('.md'))).toHaveLength(built.pages);
    expect(paths).toContain('technique/latest/T9001.001.md');
    expect(paths).toContain('technique/v2.0/T9001.001.md');
    expect(paths).toContain('technique/v1.0/T9003.md');
    expect(paths).not.toContain('technique/latest/T9003.md');
    expect(paths).toContain('event/latest/security-4688.md');
    expect(paths).toContain('downloads/latest/index.md');
    expect(paths).toContain('pages/technique/latest.json');
    expect(paths).toContain('pages/technique/v1.0.json');
    expect(paths).not.toContain('pages/technique/v3.0.json');
    expect(paths).toContain('site.yaml');
    expect(paths).toContain('plan/latest/index.md');
    expect(paths).toContain('plan/v1.0/index.md');
    expect(paths).toContain('assets/plan/1.0.json');
  });

  it('starts every generated file with a do-not-edit comment naming data/', () => {
    const { built } = site();
    // JSON has no comments: the pages' data files (assets/<page>/<version>.json) are rebuilt with the pages and are not edited by hand.
    for (const f of built.files.filter((x) => !x.path.endsWith('.json'))) {
      const head = f.text.split('\n').slice(0, 2).join('\n');
      expect(head, f.path).toMatch(/(#|\/\/) Generated from fixture\/.* Do not edit/);
    }
    // The page records say so in their first field.
    const records = built.files.filter((x) => x.path.startsWith('pages/'));
    expect(records.length).toBeGreaterThan(10);
    for (const f of records) expect((JSON.parse(f.text) as { generated: string }).generated, f.path).toMatch(/^Generated from fixture\/.* Do not edit/);
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
  it('ranks events strongest first, grouped by grade with a one-line meaning, and links the about page', () => {
    const { page } = site();
    const t = page<TechniqueView>('technique/latest/T9001.md').data.view;
    expect(t.groups.map((g) => [g.grade, g.rows.map((r) => r.key)])).toEqual([
      ['confirmed', ['Security:4688']],
      ['named', ['Sysmon:1']],
    ]);
    expect(t.related).toBeNull();
    expect(t.grades).toEqual({ confirmed: 1, named: 1, related: 0 });
    expect(t.groups[0]?.meaning).toMatch(/^At least one public detection rule .* uses this event for this technique\.$/);
    expect(t.about).toEqual({ grades: '/about/#grades', evidence: '/about/#evidence' });
    const row = t.groups[0]?.rows[0];
    expect(row).toMatchObject({ key: 'Security:4688', log: 'Security', eventId: '4688', url: '/events/security-4688/', grade: 'confirmed', rules: 2 });
    expect(row?.components).toEqual([{ label: 'Process Creation', url: '/data-components/process-creation/' }]);
    expect(row?.evidence[0]).toMatchObject({ kind: 'ossem-dm', label: 'OSSEM-DM relationship', ref: 'REL-2022-0001' });
    expect(row?.enable.auditpol).toContain('auditpol /set');
    expect(t.groups[1]?.rows[0]?.enable.sysmon).toBe('ProcessCreate');
    expect(t.subtechniques).toEqual([{ id: 'T9001.001', name: MARKDOWN_NAME, url: '/techniques/T9001.001/', events: 1 }]);
  });

  it('links the rules of a confirmed row (research.splunk.com, car.mitre.org) and credits their sources', () => {
    const { page } = site();
    const t = page<TechniqueView>('technique/latest/T9001.md').data.view;
    expect(t.groups[0]?.rows[0]?.ruleLinks).toEqual([
      { source: 'MITRE CAR', id: 'CAR-2013-05-002', name: 'Suspicious Run Locations', url: 'https://car.mitre.org/analytics/CAR-2013-05-002/' },
      { source: 'Splunk Security Content', id: '3742ebfe-64c2-11eb-ae93-0242ac130002', name: `Dump LSASS ${SCRIPT}`, url: 'https://research.splunk.com/endpoint/3742ebfe-64c2-11eb-ae93-0242ac130002/' },
    ]);
    expect(t.ruleSources.map((s) => s.label)).toEqual(['Splunk Security Content', 'MITRE CAR']);
  });

  it('folds more than three rules, and gives no link to a rule whose URL is not a rule site', () => {
    const input = fixtureInput();
    const v2 = input.versions[1] as VersionInput;
    const t = v2.techniques.find((x) => x.id === 'T9001') as TechniqueArtifact;
    const e = t.events[0] as TechniqueArtifact['events'][number];
    for (const i of [1, 2, 3]) {
      const id = `CAR-2020-0${i}-001`;
      e.evidence.push({ kind: 'mitre-car', ref: id, detail: `Rule ${i}` });
      v2.rules.push({ source: 'mitre-car', id, name: `Rule ${i}`, url: i === 3 ? 'javascript:alert(1)' : `https://car.mitre.org/analytics/${id}/`, status: '', techniques: [{ tagged: 'T9001', placed: 'T9001', coverage: '' }], events: ['Security:4688'] });
    }
    e.evidence.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.ref < b.ref ? -1 : 1));
    const view = buildSite(input).records.find((r) => r.path === 'technique/latest/T9001.md')?.record.view as TechniqueView;
    const row = view.groups[0]?.rows[0];
    expect(row?.ruleLinks).toHaveLength(3);
    expect(row?.moreRules.map((r) => [r.id, r.url])).toEqual([
      ['CAR-2020-03-001', ''],
      ['3742ebfe-64c2-11eb-ae93-0242ac130002', 'https://research.splunk.com/endpoint/3742ebfe-64c2-11eb-ae93-0242ac130002/'],
    ]);
  });

  it("links a named row's analytic to attack.mitre.org with its channel note, and carries the analytic's description and what to tune", () => {
    const { page } = site();
    const p = page<TechniqueView>('technique/latest/T9001.md');
    const t = p.data.view;
    expect(t.groups[1]?.rows[0]?.analytics).toEqual([
      { ref: 'DET0001/AN0001', url: 'https://attack.mitre.org/detectionstrategies/DET0001#AN0001', anchor: 'analytic-det0001-an0001', channel: 'EventCode=1 <i>x</i>' },
    ]);
    expect(t.analytics).toHaveLength(1);
    const a = t.analytics[0];
    expect(a?.anchor).toBe('analytic-det0001-an0001');
    expect(a?.description).toEqual([
      { text: 'Looks for ', code: false },
      { text: 'cmd.exe', code: true },
      { text: ` spawned by Office ${SCRIPT} *fast*.`, code: false },
    ]);
    expect(a?.tune.map((m) => [m.field, m.description.map((x) => x.text).join('')])).toEqual([
      ['ParentImage', 'Allowlist explorer.exe <b>parents</b>.'],
      ['TimeWindow', 'Five minutes.'],
    ]);
    expect(a?.events).toEqual([{ label: 'Sysmon 1', url: '/events/sysmon-1/', channel: 'EventCode=1 <i>x</i>', grade: 'named' }]);
    // Upstream text stays data: the Markdown body holds none of it raw.
    expect(p.body).not.toContain('<script');
  });

  it('folds the related events under "also related (N)"', () => {
    const { page } = site();
    const t = page<TechniqueView>('technique/latest/T9001.001.md').data.view;
    expect(t.groups).toEqual([]);
    expect(t.related).toMatchObject({ grade: 'related', count: 1, title: 'only through a data component' });
    expect(t.related?.rows.map((r) => r.key)).toEqual(['Sysmon:1']);
    expect(t.related?.caption).toBe('1 event related to T9001.001 only through a data component');
  });

  it("links attack.mitre.org pages of an older ATT&CK version to ATT&CK's archived site of that version", () => {
    const { page } = site();
    expect(page<TechniqueView>('technique/latest/T9001.md').data.view.attackUrl).toBe('https://attack.mitre.org/techniques/T9001');
    expect(page<TechniqueView>('technique/v2.0/T9001.md').data.view.attackUrl).toBe('https://attack.mitre.org/techniques/T9001');
    expect(page<TechniqueView>('technique/v1.0/T9001.md').data.view.attackUrl).toBe('https://attack.mitre.org/versions/v1/techniques/T9001/');
    expect(page<TacticView>('tactic/v1.0/TA0002.md').data.view.attackUrl).toBe('https://attack.mitre.org/versions/v1/tactics/TA0002/');
    expect(attackHref('https://attack.mitre.org/techniques/T1003/001', '17.1', '18.1')).toBe('https://attack.mitre.org/versions/v17/techniques/T1003/001/');
    expect(attackHref('https://attack.mitre.org/detectionstrategies/DET0363#AN1030', '17.1', '19.0')).toBe('https://attack.mitre.org/versions/v17/detectionstrategies/DET0363/#AN1030');
    // The latest major has no archived copy yet: today's page.
    expect(attackHref('https://attack.mitre.org/techniques/T1003/001', '18.0', '18.1')).toBe('https://attack.mitre.org/techniques/T1003/001');
    expect(attackHref('https://attack.mitre.org/versions/v8/techniques/T1003/', '8.2', '18.1')).toBe('https://attack.mitre.org/versions/v8/techniques/T1003/');
    expect(attackHref('https://example.org/techniques/T1003', '8.2', '18.1')).toBe('https://example.org/techniques/T1003');
    expect(attackHref('javascript:alert(1)', '8.2', '18.1')).toBe('');
  });

  it('lists data components with no event, and the versions the technique appears in with its event counts', () => {
    const { page } = site();
    const quiet = page<TechniqueView>('technique/latest/T9002.md').data.view;
    expect(quiet.groups).toEqual([]);
    expect(quiet.related).toBeNull();
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
  it('lists techniques strongest first with grade, rule count and evidence kinds, the related tail folded', () => {
    const { page } = site();
    const e = page<EventView>('event/latest/security-4688.md').data.view;
    expect(e.groups.map((g) => [g.grade, g.rows.map((r) => [r.id, r.rules, r.evidence])])).toEqual([['confirmed', [['T9001', 2, ['Splunk rule', 'CAR analytic', 'OSSEM-DM']]]]]);
    expect(e.related).toBeNull();
    expect(e.breadth).toBe('Security 4688 is related to 1 of the 3 Windows techniques: public detection rules use it for 1.');
    const s = page<EventView>('event/latest/sysmon-1.md').data.view;
    expect(s.groups.map((g) => [g.grade, g.rows.map((r) => r.id)])).toEqual([['named', ['T9001']]]);
    expect(s.groups[0]?.rows[0]).toMatchObject({ evidence: ['ATT&CK analytic', 'OSSEM-DM'], tactics: 'Execution' });
    expect(s.related?.rows.map((r) => [r.id, r.grade, r.tactics])).toEqual([['T9001.001', 'related', 'Execution, Defense <b>Evasion</b>']]);
    expect(s.breadth).toBe('Sysmon 1 is related to 2 of the 3 Windows techniques: no public detection rule uses it; ATT&CK names it for 1 more; 1 is only related (it records that kind of activity).');
    expect(s.specificity).toMatchObject({ count: 2, total: 3, level: 'very-specific' });
    expect(s.enable).toMatchObject({ sysmon: { element: 'ProcessCreate', eventIds: '1' }, audit: [], defaults: [], unknown: false });
    expect(s.enable.sysmon?.snippet).toContain('<ProcessCreate onmatch="exclude"/>');
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
  const e = (key: string, techniques: Array<string | [string, Grade]>, name = `Event ${key}`): EventArtifact =>
    ({ key, name, techniques: techniques.map((t) => (typeof t === 'string' ? { id: t, grade: 'related', rules: 0 } : { id: t[0], grade: t[1], rules: t[1] === 'confirmed' ? 1 : 0 })) }) as unknown as EventArtifact;

  it('takes at each step the event adding the most uncovered techniques, and stops when none adds any', () => {
    const { order, coverable } = collectionOrder([
      e('A:1', ['T1', 'T2', 'T3']),
      e('B:2', ['T1', 'T2', 'T3', 'T4']),
      e('C:3', ['T5', 'T6']),
      e('D:4', ['T4', 'T5']),
      e('E:5', ['T1']),
    ]);
    expect(coverable).toEqual({ confirmed: 0, named: 0, related: 6, any: 6 });
    expect(order.map((p) => [p.key, p.techniques, p.gain.related, p.covered.any])).toEqual([
      ['B:2', 4, 4, 4],
      ['C:3', 2, 2, 6],
    ]);
  });

  it('ranks by techniques newly confirmed, then named, then related, not by breadth; an upgrade counts at its new grade', () => {
    const { order, coverable } = collectionOrder([
      e('Security:4688', ['T1', 'T2', 'T3', 'T4', 'T5', ['T6', 'confirmed']]),
      e('Sysmon:10', [['T7', 'confirmed'], ['T8', 'confirmed']]),
      e('Sysmon:13', [['T1', 'named'], ['T9', 'named'], ['T10', 'named']]),
      e('Sysmon:1', [['T1', 'confirmed'], 'T2']),
    ]);
    expect(order.map((p) => [p.key, p.gain])).toEqual([
      ['Sysmon:10', { confirmed: 2, named: 0, related: 0 }],
      ['Security:4688', { confirmed: 1, named: 0, related: 5 }],
      // T1 goes from related to confirmed.
      ['Sysmon:1', { confirmed: 1, named: 0, related: 0 }],
      ['Sysmon:13', { confirmed: 0, named: 2, related: 0 }],
    ]);
    expect(order.at(-1)?.covered).toEqual({ confirmed: 4, named: 2, related: 4, any: 10 });
    expect(coverable).toEqual({ confirmed: 4, named: 2, related: 4, any: 10 });
  });

  it('never lists an event no source names', () => {
    const { order, unnamed } = collectionOrder([e('Defender:1121', [['T1', 'confirmed'], ['T2', 'confirmed']], ''), e('Security:4688', ['T1'])]);
    expect(order.map((p) => p.key)).toEqual(['Security:4688']);
    expect(unnamed).toBe(1);
  });

  it('ranks the home page events that way, and says what the counts mean', () => {
    const { page } = site();
    const h = page<HomeView>('home/latest/index.md');
    // Sysmon 1 is linked to more techniques, but a rule confirms Security 4688.
    expect(h.data.view.priorities.map((p) => [p.key, p.techniques, p.gain, p.confirmed])).toEqual([
      ['Security:4688', 1, { confirmed: 1, named: 0, related: 0 }, 1],
      ['Sysmon:1', 2, { confirmed: 0, named: 0, related: 1 }, 1],
    ]);
    expect(h.data.view.rest).toBe(0);
    expect(h.data.view.confirmedTechniques).toBe(1);
    expect(h.body).toContain('public detection rules use these 2 events for 1 of the 3 Windows techniques');
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
