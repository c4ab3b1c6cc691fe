/**
 * The coverage page's configuration inputs without a browser (scripts/pages/browser/coverage-config.ts):
 * reading auditpol CSV and Sysmon XML with the CLI's parsers, the plain-words errors, the tags per
 * input, the status line, the advice texts, and the report — which must be the CLI's own, byte for
 * byte, for the same inputs (`npm run coverage -- --format json` run in a child process).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { decodeText } from '../../scripts/coverage/load.ts';
import {
  auditPolicyFrom,
  computeConfigCoverage,
  type ConfigCoverageReport,
  type ConfigEvent,
  configEventsFromJson,
  parseAuditpolCsv,
  parseSysmonConfig,
  presetPolicy,
  type VersionData,
  versionDataFromJson,
} from '../../scripts/coverage/index.ts';
import {
  adviceCode,
  adviceGain,
  adviceHeading,
  collectedCounts,
  configInputs,
  decodeFileBytes,
  downloadNames,
  eventTags,
  fileTooBig,
  hasInput,
  MAX_CONFIG_BYTES,
  type PageInputs,
  pageReport,
  plainInputError,
  prettyXml,
  readAuditpol,
  readSysmon,
  statusText,
} from '../../scripts/pages/browser/coverage-config.ts';
import { CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, withGrades } from '../coverage/config/fixture.ts';
import { coverageCommand } from '../../scripts/cli/coverage.ts';
import { inProcess } from '../helpers/cli.ts';

const FIX = path.join(REPO_ROOT, 'tests', 'fixtures', 'config');
const fixture = (name: string): Promise<string> => readFile(path.join(FIX, name), 'utf8');
const NONE: PageInputs = { ticked: [], preset: null, auditpol: null, sysmon: null };

describe('reading the configuration inputs', () => {
  it('decodes chosen files as the CLI decodes them (BOM, UTF-16 LE/BE, UTF-16 without BOM, Windows-1252)', async () => {
    const client = await readFile(path.join(FIX, 'auditpol-windows-client-default.csv'));
    const text = client.toString('utf8').replace(/^\uFEFF/, '');
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = Buffer.from([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]);
    const noBom = Buffer.from(text, 'utf16le');
    const cp1252 = Buffer.from([...Buffer.from('Prozessverfolgung,Keine '), 0xdc, ...Buffer.from('berwachung')]);
    for (const buf of [client, await readFile(path.join(FIX, 'auditpol-german.csv')), await readFile(path.join(FIX, 'sysmon-rulegroups.xml')), utf16le, utf16be, noBom, cp1252]) {
      expect(decodeFileBytes(new Uint8Array(buf))).toBe(decodeText(buf));
    }
    expect(decodeFileBytes(new Uint8Array(utf16le))).toBe(text);
    expect(decodeFileBytes(new Uint8Array(cp1252))).toBe('Prozessverfolgung,Keine Überwachung');
  });

  it('refuses files larger than the page reads, saying why', () => {
    expect(fileTooBig('audit.csv', 10_000)).toBeNull();
    expect(fileTooBig('huge.xml', MAX_CONFIG_BYTES + 1)).toMatch(/^huge\.xml is 8\.0 MB: larger than the 8\.0 MB this page reads/);
  });

  it('reads auditpol output with the CLI parser: what was read, warnings with the closest names, localised names matched by GUID', async () => {
    expect(readAuditpol('  \n', 'x')).toBeNull();
    const server = readAuditpol(await fixture('auditpol-windows-server-default.csv'), 'audit.csv');
    expect(server?.ok).toBe(true);
    if (!server?.ok) return;
    expect(server.summary).toBe('Read 59 audit subcategories of SRV2019-APP01: 12 audited.');
    expect(server.value).toEqual(parseAuditpolCsv(await fixture('auditpol-windows-server-default.csv'), 'audit.csv'));

    const typo = readAuditpol('Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\nPC,System,Proces Creation,,Success,\nPC,System,Logon,,Success and Failure,\n', 'p');
    expect(typo?.ok).toBe(true);
    if (!typo?.ok) return;
    expect(typo.summary).toBe('Read 1 audit subcategory of PC: 1 audited.');
    expect(typo.warnings).toEqual([expect.stringMatching(/^line 2: unknown subcategory "Proces Creation"; closest known: Process Creation/)]);

    const german = readAuditpol(await fixture('auditpol-german.csv'), 'de.csv');
    expect(german?.ok).toBe(true);
    if (!german?.ok) return;
    expect(german.notes.join(' ')).toMatch(/not English \(localised auditpol output\?\): matched by GUID/);
  });

  it('says in plain words why auditpol input was not read, with the parser’s message after it', async () => {
    const bad = readAuditpol(await fixture('auditpol-malformed.csv'), 'bad.csv');
    expect(bad).toMatchObject({ ok: false, headline: expect.stringMatching(/^This is not valid CSV, so it was not read: a quoted field is not closed/) });
    expect(bad?.ok === false && bad.detail).toMatch(/^bad\.csv: not valid CSV/);
    const table = readAuditpol('System audit policy\nCategory/Subcategory                      Setting\nSystem\n  Security System Extension               No Auditing\n', 'p');
    expect(table?.ok === false && table.headline).toMatch(/without \/r\. Run auditpol \/get \/category:\* \/r/);
    expect(readAuditpol('hello world', 'p')).toMatchObject({ ok: false, headline: 'This does not look like the output of auditpol /get /category:* /r, so it was not read.' });
    expect(readAuditpol(await fixture('sysmon-rulegroups.xml'), 'p')).toMatchObject({ ok: false, headline: expect.stringMatching(/looks like a Sysmon configuration: put it in the Sysmon box/) });
  });

  it('reads Sysmon configurations with the CLI parser and refuses DTDs, broken XML and other XML', async () => {
    expect(readSysmon('', 'x')).toBeNull();
    const rg = readSysmon(await fixture('sysmon-rulegroups.xml'), 'rg.xml');
    expect(rg?.ok).toBe(true);
    if (!rg?.ok) return;
    expect(rg.value).toEqual(parseSysmonConfig(await fixture('sysmon-rulegroups.xml'), 'rg.xml'));
    expect(rg.summary).toBe('Read a Sysmon configuration (schema 4.90): 6 event types logged in full, 2 filtered by include rules (partial: ProcessAccess, RegistryEvent), 14 off.');
    expect(rg.notes).toEqual(["No rule for FileCreateTime, ProcessTerminate, DriverLoad: counted as logged (Sysmon's default for these types)."]);

    const xxe = readSysmon(await fixture('sysmon-xxe.xml'), 'xxe.xml');
    expect(xxe).toMatchObject({ ok: false, headline: expect.stringMatching(/^Refused: the file declares a document type \(DTD\) or entities\./) });
    expect(xxe?.ok === false && xxe.detail).toMatch(/^xxe\.xml line 2: <!DOCTYPE> is not accepted/);
    expect(readSysmon(await fixture('not-sysmon.xml'), 'n.xml')).toMatchObject({ ok: false, headline: expect.stringMatching(/^This is XML, but not a Sysmon configuration/) });
    expect(readSysmon('<Sysmon><EventFiltering></Sysmon>', 'b.xml')).toMatchObject({ ok: false, headline: expect.stringMatching(/^This is not well-formed XML/) });
    expect(readSysmon(await fixture('auditpol-windows-server-default.csv'), 'a')).toMatchObject({ ok: false, headline: expect.stringMatching(/looks like auditpol output/) });
    const unknown = readSysmon('<Sysmon schemaversion="4.90"><EventFiltering><ProcesCreate onmatch="exclude"/></EventFiltering></Sysmon>', 'u.xml');
    expect(unknown?.ok && unknown.warnings).toEqual([expect.stringMatching(/unknown event type <ProcesCreate> ignored; closest: ProcessCreate/)]);
  });

  it('has a headline for every kind of error', () => {
    expect(plainInputError('sysmon', 'x line 3: <!ENTITY> is not accepted: …')).toMatch(/^Refused/);
    expect(plainInputError('sysmon', 'anything else')).toBe('This Sysmon configuration was not read.');
  });
});

describe('combining the inputs as the CLI does', () => {
  const LSASS = parseSysmonConfig(
    '<Sysmon schemaversion="4.90"><EventFiltering><RuleGroup name="" groupRelation="or"><ProcessAccess onmatch="include"><TargetImage condition="end with">lsass.exe</TargetImage></ProcessAccess></RuleGroup></EventFiltering></Sysmon>',
    'cfg.xml',
  );
  const LOGON = auditPolicyFrom('a.csv', [{ subcategory: 'Logon', success: true, failure: false }]);

  it('has no report without an input, and maps ticks, audit policy, preset and Sysmon onto --events, --auditpol, --preset, --sysmon', () => {
    expect(hasInput(NONE)).toBe(false);
    expect(pageReport(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, NONE)).toBeNull();
    const p: PageInputs = { ticked: ['System:7045'], preset: 'windows-default-server', auditpol: LOGON, sysmon: LSASS };
    const { inputs, notes } = configInputs(CONFIG_FIXTURE_DETAILS, p);
    expect(inputs.events).toEqual(['System:7045']);
    expect(inputs.auditpol).toEqual([LOGON]);
    expect(inputs.presets).toEqual([presetPolicy(CONFIG_FIXTURE_DETAILS, 'windows-default-server')]);
    expect(inputs.sysmon).toEqual([LSASS]);
    expect(notes).toEqual([expect.stringMatching(/^preset windows-default-server: per-subcategory defaults voted from OSSEM's server_default/)]);
    expect(pageReport(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, p, 5)).toEqual(computeConfigCoverage(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, inputs, { top: 5, notes }));
  });

  it('tags each event with the inputs behind it, a filtered Sysmon type as partial', () => {
    const r = pageReport(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, { ticked: ['Sysmon:10', 'System:7045'], preset: null, auditpol: LOGON, sysmon: LSASS });
    if (!r) throw new Error('no report');
    const tags = new Map(r.events.map((e) => [e.key, eventTags(e).map((t) => t.label)]));
    expect(tags.get('Security:4624')).toEqual(['auditpol']);
    expect(tags.get('Sysmon:10')).toEqual(['ticked', 'sysmon partial']);
    expect(tags.get('System:7045')).toEqual(['ticked']);
    expect(eventTags(r.events.find((e) => e.key === 'Security:4624') ?? { sources: [] })[0]?.title).toBe('a.csv: Logon: Success');
    expect(collectedCounts(r)).toEqual({ events: r.events.length, partial: 0, byInput: { ticked: 2, auditpol: 2, preset: 0, sysmon: 3 } });
    const onlySysmon = pageReport(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, { ...NONE, sysmon: LSASS });
    expect(onlySysmon && collectedCounts(onlySysmon).partial).toBe(1);
  });

  it('says in one line what is collected and mapped: confirmed + named first, then related, partial apart', () => {
    expect(statusText(null, 12)).toBe('Nothing collected yet: tick the events you collect, paste your configuration or start from a preset. 0 of 12 techniques with a mapped event have a collected event mapped to them.');
    // Sysmon:1 confirms T1059 and names T1204; everything else is related.
    const graded = withGrades({ 'Sysmon:1': { T1059: ['confirmed', 3], T1204: ['named'] } });
    const ticks = pageReport(graded, CONFIG_FIXTURE_DETAILS, { ...NONE, ticked: ['Security:4688', 'Sysmon:1'] });
    expect(statusText(ticks, 12)).toBe(
      '2 events ticked: 2 of 12 techniques with a mapped event have a collected event mapped to them by a confirmed or named link (16.7%): 1 confirmed, 1 named; 1 more only related (3 at any grade, 25.0%). 14 Windows techniques in all.',
    );
    const mixed = pageReport(graded, CONFIG_FIXTURE_DETAILS, { ...NONE, ticked: ['System:7045'], sysmon: LSASS });
    expect(statusText(mixed, 12)).toBe(
      // Sysmon:1 (ProcessCreate has no rule: logged by default), Sysmon:10 (partial), Sysmon:16 (service).
      '4 events collected (1 ticked, 3 through Sysmon): 2 of 12 techniques with a mapped event have a collected event mapped to them by a confirmed or named link (16.7%): 1 confirmed, 1 named; 3 more only related (5 at any grade, 41.7%); 2 techniques more only partially (filtered Sysmon event types). 14 Windows techniques in all.',
    );
    expect(statusText(mixed, 12)).not.toMatch(/detect/);
  });
});

describe('advice texts', () => {
  const r = pageReport(CONFIG_FIXTURE, CONFIG_FIXTURE_DETAILS, { ...NONE, ticked: ['System:7045'] }, 20) as ConfigCoverageReport;
  const byKind = (k: string) => r.advice.find((a) => a.kind === k);

  it('heads each unit with the core’s title and says what it adds', () => {
    const audit = byKind('audit-subcategory');
    expect(audit && adviceHeading(audit)).toMatch(/^Turn on audit subcategory /);
    const gained = { confirmed: ['T1'], named: ['T2'], related: ['T3'] };
    expect(adviceGain({ gained, adds: ['T1', 'T2'], upgrades: ['T3'], seenAfter: 6, after: { confirmed: 2, named: 3, related: 1 } }, 12)).toBe(
      '+1 confirmed, +1 named, +1 related; 2 new techniques, 1 partial → seen; 5 confirmed or named after (41.7%), 6 at any grade',
    );
    expect(adviceGain({ gained: { confirmed: [], named: [], related: ['T1'] }, adds: ['T1'], upgrades: [], seenAfter: 1, after: { confirmed: 0, named: 0, related: 1 } }, 0)).toBe(
      '+1 related; 1 new technique; 0 confirmed or named after (–), 1 at any grade',
    );
  });

  it('shows the exact auditpol command, the Sysmon snippet one element per line, the switches’ commands', () => {
    const audit = byKind('audit-subcategory');
    expect(audit && adviceCode(audit)).toBe(audit?.commands[0]);
    expect(audit?.commands[0]).toMatch(/^auditpol \/set \/subcategory:"[^"]+" \/(success|failure):enable/);
    const sysmon = byKind('sysmon-event-type');
    expect(sysmon && adviceCode(sysmon)).toBe(
      ['<Sysmon schemaversion="4.90">', '  <EventFiltering>', '    <RuleGroup name="" groupRelation="or">', '      <ProcessCreate onmatch="exclude"/>', '    </RuleGroup>', '  </EventFiltering>', '</Sysmon>'].join('\n'),
    );
    const ps = r.advice.find((a) => a.id === 'switch:powershell-script-block-logging');
    expect(ps && adviceCode(ps)).toMatch(/^reg add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging"/);
    expect(adviceCode({ kind: 'switch', commands: [] })).toBe('');
    expect(prettyXml('<a>text</a>')).toBe('<a>text</a>');
  });

  it('names the downloads', () => {
    expect(downloadNames('18.1')).toEqual({ layer: 'coverage-attack-18.1-layer.json', adviceLayer: 'coverage-attack-18.1-advice-layer.json', csv: 'coverage-attack-18.1.csv' });
  });
});

describe('the page’s report is the CLI’s (latest data)', () => {
  const index = async (): Promise<{ latest: string }> => JSON.parse(await readFile(path.join(REPO_ROOT, 'data', 'index.json'), 'utf8')) as { latest: string };
  let latest: string;
  let data: VersionData;
  let details: ConfigEvent[];
  beforeAll(async () => {
    latest = (await index()).latest;
    const read = async (name: string): Promise<unknown> => JSON.parse(await readFile(path.join(REPO_ROOT, 'data', 'enterprise-attack', latest, name), 'utf8'));
    const events = await read('events.json');
    data = versionDataFromJson({ techniques: await read('techniques.json'), events, tactics: await read('tactics.json') });
    details = configEventsFromJson(events);
  });

  it('for --preset windows-default-client with --auditpol (German), --sysmon and --events: the same JSON report', async () => {
    const german = path.join(FIX, 'auditpol-german.csv');
    const rg = path.join(FIX, 'sysmon-rulegroups.xml');
    // The command in this process (coverageCommand: its own parsing, reading and output).
    const cli = await inProcess(coverageCommand, ['--attack', latest, '--preset', 'windows-default-client', '--auditpol', german, '--sysmon', rg, '--events', 'PowerShell:4104', '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const auditpol = readAuditpol(decodeFileBytes(new Uint8Array(await readFile(german))), german);
    const sysmon = readSysmon(decodeFileBytes(new Uint8Array(await readFile(rg))), rg);
    if (!auditpol?.ok || !sysmon?.ok) throw new Error('fixtures not read');
    const page = pageReport(data, details, { ticked: ['PowerShell:4104'], preset: 'windows-default-client', auditpol: auditpol.value, sysmon: sysmon.value });
    expect(JSON.parse(JSON.stringify(page))).toEqual(JSON.parse(cli.stdout));
  }, 60_000);

  it('for each preset alone: the totals of presetPolicy’s coverage', () => {
    for (const preset of ['windows-default-client', 'windows-default-server'] as const) {
      const page = pageReport(data, details, { ...NONE, preset });
      const core = computeConfigCoverage(data, details, { presets: [presetPolicy(details, preset)] });
      expect(page?.totals, preset).toEqual(core.totals);
      expect(page?.tactics, preset).toEqual(core.tactics);
      expect(page?.advice.map((a) => a.id)).toEqual(core.advice.map((a) => a.id));
    }
  });
});
