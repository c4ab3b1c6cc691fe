/** The "what changed" pages (scripts/pages/changes.ts), pure: fixture artifacts in, Markdown out. */
import { describe, expect, it } from 'vitest';
import { diffVersions } from '../../scripts/diff/diff.ts';
import { captionTables, changesPage, changeSummary, safeDiff, safeId } from '../../scripts/pages/changes.ts';
import { versionContext } from '../../scripts/pages/context.ts';
import { buildPresence } from '../../scripts/pages/presence.ts';
import { buildSite } from '../../scripts/pages/site.ts';
import type { ChangesView, PageMeta, SiteInput, VersionInput } from '../../scripts/pages/types.ts';
import { scopesFor } from '../../scripts/pages/urls.ts';
import { diffVersionData, EVIL_EVENT_NAME, EVIL_NAME, fixtureChanges, fixtureInput, fixtureVersions, SCRIPT } from './fixture.ts';

type Front = PageMeta & { view: ChangesView };

function generated(input: SiteInput): Map<string, { data: Front; body: string }> {
  const out = new Map<string, { data: Front; body: string }>();
  for (const r of buildSite(input).records) {
    if (r.record.kind === 'changes') out.set(r.path, { data: r.record as Front, body: r.record.body });
  }
  return out;
}

/** Fixture 2.0 again as 2.1: other files (the version differs), the same mapping. */
function withUnchangedRelease(): SiteInput {
  const versions = fixtureVersions();
  const v2 = versions[1] as VersionInput;
  const v21: VersionInput = { ...structuredClone(v2), version: '2.1' };
  const all = [...versions, v21];
  return { ...fixtureInput(), versions: all, latest: '2.1', changes: fixtureChanges(all) };
}

describe('what changed pages', () => {
  it('exist for every version after the first, at the root for the latest', () => {
    const pages = generated(fixtureInput());
    expect([...pages.keys()].filter((p) => p.endsWith('.md')).sort()).toEqual(['changes/latest/index.md', 'changes/v2.0/index.md']);
    expect(pages.get('changes/latest/index.md')?.data.permalink).toBe('/changes/');
    expect(pages.get('changes/v2.0/index.md')?.data.permalink).toBe('/v/2.0/changes/');
    const three = generated(withUnchangedRelease());
    expect([...three.keys()].filter((p) => p.endsWith('.md')).sort()).toEqual(['changes/latest/index.md', 'changes/v2.0/index.md', 'changes/v2.1/index.md']);
  });

  it('renders the change report with links to the technique and event pages of each side', () => {
    const body = generated(fixtureInput()).get('changes/latest/index.md')?.body ?? '';
    // Added in 2.0: its page at the root. Removed: its page in 1.0. Events gained: 2.0's event page.
    expect(body).toContain('[T9001.001](/techniques/T9001.001/)');
    expect(body).toContain('[T9003](/v/1.0/techniques/T9003/)');
    // Events are spelled as everywhere on the site: "Sysmon 1", not the key.
    expect(body).toContain('[Sysmon 1](/events/sysmon-1/)');
    expect(body).not.toMatch(/\[(?:Sysmon|Security):\d+\]/);
    const versioned = generated(fixtureInput()).get('changes/v2.0/index.md')?.body ?? '';
    expect(versioned).toContain('[T9001.001](/v/2.0/techniques/T9001.001/)');
    expect(versioned).toContain('[T9003](/v/1.0/techniques/T9003/)');
  });

  it('shows the links whose grade changed and the detection rules added, with their links and sources', () => {
    const page = generated(fixtureInput()).get('changes/latest/index.md');
    const body = page?.body ?? '';
    expect(page?.data.view.summary.slice(-2)).toEqual([
      { kind: 'Link grades', text: '1 link regraded (1 related → confirmed)', changed: true },
      { kind: 'Detection rules', text: '2 added', changed: true },
    ]);
    expect(body).toContain('## Link grades: 1 link regraded (1 related → confirmed)');
    expect(body).toContain('<!-- caption:Link%20grades%3A%20became%20confirmed%20(1) -->');
    expect(body).toContain('| [T9001](/techniques/T9001/) &lt;script&gt;alert(1)&lt;/script&gt; Credential Dumping | [Security 4688](/events/security-4688/) | related | confirmed | 0 → 2 |');
    expect(body).toContain('## Detection rules: 2 added');
    expect(body).toContain('| MITRE CAR | 0 | 1 | +1 | 0 |');
    expect(body).toContain('| MITRE CAR | [CAR-2013-05-002](https://car.mitre.org/analytics/CAR-2013-05-002/) | Suspicious Run Locations | [T9001](/techniques/T9001/) | [Security 4688](/events/security-4688/) |');
    expect(body).toContain('| Dump LSASS &lt;script&gt;alert(1)&lt;/script&gt; |');
  });

  it('does not link a rule whose URL is not its source site, and spells weaker links apart', () => {
    const [v1, v2] = fixtureVersions() as [VersionInput, VersionInput];
    // 2.0 → 1.0 backwards: the rules are removed, the link weakens.
    const back = structuredClone(v1);
    back.version = '3.0';
    const from = structuredClone(v2);
    (from.rules[0] as VersionInput['rules'][number]).url = 'javascript:alert(1)';
    const d = diffVersions(diffVersionData(from), diffVersionData(back));
    const presence = buildPresence([from, back], '3.0', '/', new Map([['3.0', '2.0']]));
    const scope = scopesFor('3.0', '3.0')[0];
    if (!scope) throw new Error('no scope');
    const md = changesPage(versionContext(back, presence), scope, d).markdown ?? '';
    expect(md).toContain('<!-- caption:Link%20grades%3A%20weaker%20(1) -->');
    expect(md).toContain('| confirmed | related | 2 → 0 |');
    expect(md).toContain('| MITRE CAR | CAR-2013-05-002 | Suspicious Run Locations |');
    expect(md).not.toContain('javascript:');
  });

  it('escapes upstream names: no raw tag, Markdown punctuation backslash-escaped', () => {
    const body = generated(fixtureInput()).get('changes/latest/index.md')?.body ?? '';
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Credential Dumping');
    expect(body).toContain('Process &lt;img src=x onerror=alert(2)&gt; created');
    expect(body).toContain('OS API &lt;Execution&gt;');
    expect(body).toContain('\\*Bold\\* \\_under\\_ \\| pipe {{ 7\\*7 }} {% raw %}');
    expect(body).not.toContain(SCRIPT);
    expect(body).not.toContain(EVIL_EVENT_NAME);
    expect(body).not.toContain(EVIL_NAME);
  });

  it('turns the characters of a hostile ID into character references, and does not link it', () => {
    expect(safeId('T1003.001')).toBe('T1003.001');
    expect(safeId('DC0032')).toBe('DC0032');
    expect(safeId('T1<img src=x>')).toBe('T1&#60;img&#32;src&#61;x&#62;');
    const [v1, v2] = fixtureVersions() as [VersionInput, VersionInput];
    const evil = structuredClone(v2);
    const t = evil.techniques.find((x) => x.id === 'T9002');
    if (!t) throw new Error('fixture lacks T9002');
    t.id = 'T9<img src=x onerror=alert(3)>';
    evil.dataComponents[0] = { ...(evil.dataComponents[0] as VersionInput['dataComponents'][number]), id: 'DC<b>1</b>' };
    const d = diffVersions(diffVersionData(v1), diffVersionData(evil));
    const safe = safeDiff(d);
    expect(safe.techniques.added.map((x) => x.id)).toEqual(['T9001.001', 'T9&#60;img&#32;src&#61;x&#32;onerror&#61;alert&#40;3&#41;&#62;']);
    expect(safe.dataComponents.added.map((x) => x.id)).toEqual(['DC&#60;b&#62;1&#60;&#47;b&#62;']);
    const presence = buildPresence([v1, evil], '2.0');
    const scope = scopesFor('2.0', '2.0')[0];
    if (!scope) throw new Error('no scope');
    const page = changesPage(versionContext(evil, presence), scope, d);
    expect(page.markdown).toContain('T9&#60;img&#32;src&#61;x&#32;onerror&#61;alert&#40;3&#41;&#62;');
    expect(page.markdown).toContain('DC&#60;b&#62;1&#60;&#47;b&#62;');
    expect(page.markdown).not.toMatch(/<img|<b>/);
    expect(page.markdown).not.toContain('](/techniques/T9&');
  });

  it('says "No change." for each kind of change that did not happen', () => {
    const pages = generated(withUnchangedRelease());
    const same = pages.get('changes/latest/index.md');
    expect(same?.data.view.summary.map((r) => [r.kind, r.text])).toEqual([
      ['Techniques', 'No change.'],
      ['Events per technique', 'No change.'],
      ['Techniques per event', 'No change.'],
      ['Events', 'No change.'],
      ['Data components', 'No change.'],
      ['Link grades', 'No change.'],
      ['Detection rules', 'No change.'],
    ]);
    expect(same?.body).toContain('<td class="muted">No change.</td>');
    expect(same?.body).toContain('No technique, event or data component changed.');
    const changed = pages.get('changes/v2.0/index.md')?.data.view.summary ?? [];
    expect(changed.every((r) => r.changed && r.text !== 'No change.')).toBe(true);
    expect(changed[0]?.text).toBe('2 added, 1 removed');
  });

  it('says "No change." when the two versions are byte-identical', () => {
    const [v1] = fixtureVersions() as [VersionInput];
    const d = diffVersions(diffVersionData(v1), diffVersionData(v1));
    expect(d.identical).toBe(true);
    const presence = buildPresence([v1], '1.0', '/', new Map([['1.0', '1.0']]));
    const scope = scopesFor('1.0', '1.0')[0];
    if (!scope) throw new Error('no scope');
    const page = changesPage(versionContext(v1, presence), scope, d);
    expect(page.markdown).toMatch(/\nNo change\.\n?$/);
    expect(changeSummary(d).every((r) => r.text === 'No change.')).toBe(true);
  });

  it('captions every table, and drops the bold label the caption repeats', () => {
    const md = ['Intro.', '', '| a |', '|--|', '| 1 |', '', '## Techniques: 2 added', '', '**Added (2)**', '', '| b |', '|--|', '', '**New ID or data source (1)**: 1 gained an ID.', '', '| c |', '|--|', '', '## Events per technique: 3 changed', '', '| d |', '|--|'].join('\n');
    const out = captionTables(md, 'Counts & <more>');
    const captions = [...out.matchAll(/<!-- caption:(\S*) -->/g)].map((m) => decodeURIComponent(m[1] ?? ''));
    expect(captions).toEqual(['Counts & <more>', 'Techniques: added (2)', 'Techniques: new ID or data source (1)', 'Events per technique']);
    expect(out).not.toContain('**Added (2)**');
    expect(out).toContain('**New ID or data source (1)**: 1 gained an ID.');
    // The encoded caption cannot close the comment early.
    expect(captionTables('| x |\n|--|', 'a --> b')).toContain('<!-- caption:a%20--%3E%20b -->');
  });

  it('links the pages from the nav and home (scope.previous), and switches the oldest version to its home', () => {
    const input = fixtureInput();
    const records = new Map(buildSite(input).records.map((r) => [r.path, r.record]));
    const meta = (p: string): PageMeta => {
      const r = records.get(p);
      if (!r) throw new Error(`no page ${p}`);
      return r;
    };
    expect(meta('home/latest/index.md').scope.previous).toBe('1.0');
    expect(meta('technique/v2.0/T9001.md').scope.previous).toBe('1.0');
    expect(meta('home/v1.0/index.md').scope.previous).toBe('');
    expect(meta('changes/latest/index.md').versions).toEqual([
      { version: '2.0', url: '/changes/', exists: true, current: true, latest: true },
      { version: '1.0', url: '/v/1.0/', exists: false, current: false, latest: false },
    ]);
    expect(buildSite(input).files.find((f) => f.path === 'site.yaml')?.text).toContain('"previous":"1.0"');
    // Without diffs (a one-version build), no page and no link.
    const none = buildSite({ ...input, changes: [] });
    expect(none.records.some((r) => r.record.kind === 'changes')).toBe(false);
    expect(none.files.some((f) => f.path.startsWith('pages/changes/'))).toBe(false);
    expect(none.files.find((f) => f.path === 'site.yaml')?.text).toContain('"previous":""');
  });
});
