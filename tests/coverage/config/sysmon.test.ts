/** Sysmon configurations (schema 4.x) and the XML reader under them: states per event type, refusals. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CoverageError, parseSysmonConfig, parseXml, SYSMON_ELEMENT_NAMES, type SysmonConfig, sysmonSnippet, XmlError } from '../../../scripts/coverage/index.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');
const read = (f: string): string => readFileSync(path.join(FIXTURES, f), 'utf8');
const states = (c: SysmonConfig): Record<string, string> => Object.fromEntries([...c.types.values()].map((t) => [t.element, t.state]));

describe('parseSysmonConfig', () => {
  it('a configuration with an empty exclude rule per type logs everything (rules directly under EventFiltering)', () => {
    const c = parseSysmonConfig(read('sysmon-log-everything.xml'), 'all.xml');
    expect(c.schemaVersion).toBe('4.90');
    expect(c.warnings).toEqual([]);
    expect(new Set(Object.values(states(c)))).toEqual(new Set(['full']));
    expect([...c.types.values()].every((t) => t.configured && t.excludeRules === 1 && t.excludeConditions === 0)).toBe(true);
    expect(c.types.size).toBe(SYSMON_ELEMENT_NAMES.length);
  });

  it('include rules with conditions are partial, empty includes are off, exclude rules with conditions are full, missing types take the defaults', () => {
    const c = parseSysmonConfig(read('sysmon-include-filters.xml'), 'swift.xml');
    expect(c.warnings).toEqual([]);
    expect(states(c)).toMatchObject({
      ProcessCreate: 'full',
      FileCreateTime: 'partial',
      NetworkConnect: 'partial',
      ProcessTerminate: 'partial',
      DriverLoad: 'full',
      ImageLoad: 'off',
      CreateRemoteThread: 'full',
      RawAccessRead: 'off',
      ProcessAccess: 'partial',
      FileCreate: 'partial',
      RegistryEvent: 'partial',
      FileCreateStreamHash: 'partial',
      PipeEvent: 'off',
      WmiEvent: 'full',
      DnsQuery: 'full',
      FileDelete: 'off',
    });
    expect(c.types.get('ProcessCreate')).toMatchObject({ configured: true, excludeConditions: 3, includeRules: 0 });
    expect(c.types.get('NetworkConnect')).toMatchObject({ includeConditions: 3 });
    expect(c.types.get('PipeEvent')?.configured).toBe(false);
  });

  it('RuleGroups with compound <Rule>s, include and exclude groups for the same type', () => {
    const c = parseSysmonConfig(read('sysmon-rulegroups.xml'), 'modular.xml');
    expect(c.warnings).toEqual([]);
    expect(states(c)).toMatchObject({
      ProcessCreate: 'full', // exclude with a compound rule
      ProcessAccess: 'partial', // include with a <Rule> of two fields and one plain field, plus an exclude group
      NetworkConnect: 'full', // empty exclude inside groupRelation="and"
      PipeEvent: 'full',
      RegistryEvent: 'partial', // one include group with a condition, one empty include group
      FileCreate: 'off', // empty include: an exclude group does not add anything back
      FileCreateTime: 'full', // no rule: Sysmon default
      DriverLoad: 'full',
      ImageLoad: 'off', // no rule
    });
    expect(c.types.get('ProcessAccess')).toMatchObject({ includeRules: 1, excludeRules: 1, includeConditions: 3, excludeConditions: 1 });
    expect(c.types.get('ProcessCreate')?.excludeConditions).toBe(2);
  });

  it('refuses a DTD with an external entity (XXE) before reading anything', () => {
    expect(() => parseSysmonConfig(read('sysmon-xxe.xml'), 'xxe.xml')).toThrow(XmlError);
    expect(() => parseSysmonConfig(read('sysmon-xxe.xml'), 'xxe.xml')).toThrow(/^xxe\.xml line 2: <!DOCTYPE> is not accepted: document type and entity declarations are refused/);
  });

  it('refuses entity declarations and undefined entities anywhere ("billion laughs" included)', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Sysmon>&lol2;</Sysmon>';
    expect(() => parseSysmonConfig(laughs)).toThrow(/<!DOCTYPE> is not accepted/);
    expect(() => parseXml('<Sysmon><!ENTITY x "y"></Sysmon>', 'e.xml')).toThrow(/e\.xml line 1: <!ENTITY> is not accepted/);
    expect(() => parseXml('<Sysmon>&secret;</Sysmon>', 'u.xml')).toThrow(/undefined entity &secret;/);
  });

  it('refuses a document that is not a Sysmon configuration', () => {
    expect(() => parseSysmonConfig(read('not-sysmon.xml'), 'app.config')).toThrow(CoverageError);
    expect(() => parseSysmonConfig(read('not-sysmon.xml'), 'app.config')).toThrow(/^app\.config is not a Sysmon configuration: the root element is <configuration>, expected <Sysmon schemaversion="4\.x">/);
  });

  it('warns about unknown event types (with close names), misplaced rules, odd onmatch and schema versions', () => {
    const xml = `<Sysmon schemaversion="3.40">
  <ProcessCreate onmatch="exclude"/>
  <EventFiltering>
    <RuleGroup groupRelation="or"><ProcessAcess onmatch="include"><TargetImage>x</TargetImage></ProcessAcess></RuleGroup>
    <DnsQuery/>
  </EventFiltering>
</Sysmon>`;
    const c = parseSysmonConfig(xml, 'w.xml');
    expect(c.warnings).toEqual([
      'schemaversion "3.40" is not 4.x; read with the 4.x rules (event types may differ)',
      'line 2: <ProcessCreate> directly under <Sysmon> is ignored by Sysmon; rules belong in <EventFiltering>',
      'line 4: unknown event type <ProcessAcess> ignored; closest: ProcessAccess, ProcessCreate, ProcessTampering',
      'line 5: <DnsQuery> has no onmatch attribute; read as onmatch="include"',
    ]);
    expect(c.types.get('DnsQuery')?.state).toBe('off');
    expect(c.types.get('ProcessAccess')?.state).toBe('off');
  });

  it('a configuration without EventFiltering logs only the defaults', () => {
    const c = parseSysmonConfig('<Sysmon schemaversion="4.90"><HashAlgorithms>sha1</HashAlgorithms></Sysmon>', 'd.xml');
    expect(c.warnings).toEqual(['no <EventFiltering> section: Sysmon logs only its default event types']);
    expect(Object.entries(states(c)).filter(([, s]) => s === 'full').map(([e]) => e)).toEqual(['ProcessCreate', 'FileCreateTime', 'ProcessTerminate', 'DriverLoad']);
  });

  it('the advice snippet is itself a configuration that logs the type in full', () => {
    const snippet = sysmonSnippet('ProcessAccess');
    expect(snippet).toBe('<Sysmon schemaversion="4.90"><EventFiltering><RuleGroup name="" groupRelation="or"><ProcessAccess onmatch="exclude"/></RuleGroup></EventFiltering></Sysmon>');
    const c = parseSysmonConfig(snippet);
    expect(c.types.get('ProcessAccess')).toMatchObject({ state: 'full', configured: true });
    expect(c.warnings).toEqual([]);
  });
});

describe('parseXml', () => {
  it('reads attributes, entities, character references, CDATA and comments', () => {
    const root = parseXml("\uFEFF<?xml version='1.0'?><!-- c --><a x='1' y=\"&lt;&amp;&#x41;&#66;\"><b>t&gt;<![CDATA[<raw>]]></b><!-- in --><c/></a>\n");
    expect(root).toMatchObject({ name: 'a', attributes: { x: '1', y: '<&AB' }, line: 1 });
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(root.children[0]?.text).toBe('t><raw>');
  });

  it('reports malformed documents with a line number', () => {
    for (const [xml, msg] of [
      ['<a><b></a>', /line 1: not well-formed XML: <\/a> closes <b>/],
      ['<a>\n<b>', /line 2: not well-formed XML: <b> \(line 2\) is not closed/],
      ['<a x=1/>', /the value of attribute x must be quoted/],
      ['<a x="1" x="2"/>', /attribute x appears twice/],
      ['<a/><b/>', /more than one root element/],
      ['', /the document is empty/],
      ['<a>AT&T</a>', /undefined entity|"&" must start an entity reference/],
    ] as const) {
      expect(() => parseXml(xml, 'm.xml'), xml).toThrow(msg);
    }
  });
});
