/**
 * Limits of the configuration readers (inputs generated here, no big fixtures): deep XML nesting,
 * oversized inputs (refused before parsing, in the readers the CLI and the page share, and by the
 * CLI before reading), and warnings capped at MAX_WARNINGS plus one "… and K more warnings" line.
 */
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText, inputTooLarge, MAX_CONFIG_INPUT_BYTES, MAX_WARNINGS, WarningList } from '../../../scripts/coverage/readers/decode.ts';
import { CoverageError, MAX_XML_DEPTH, parseAuditpolCsv, parseSysmonConfig, parseXml, type XmlElement, XmlError } from '../../../scripts/coverage/index.ts';
import { coverageCommand } from '../../../scripts/cli/coverage.ts';
import { type CliResult, inProcess } from '../../helpers/cli.ts';
import { tempDirs } from '../../helpers/tmp-dir.ts';

const HEADER = 'Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\r\n';
const GOOD_ROW = 'HOST,System,Process Creation,{0CCE922B-69AE-11D9-BED3-505054503030},Success,\r\n';
const unknownRow = (i: number): string => `HOST,System,Frobnicate Widgets ${i},,Success,\r\n`;
const nested = (depth: number, inner = ''): string => '<a>'.repeat(depth) + inner + '</a>'.repeat(depth);

function messageOf(fn: () => unknown): { error: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    return { error, message: (error as Error).message };
  }
  throw new Error('expected a throw');
}

/** Depth of a tree, without recursion. */
function depthOf(root: XmlElement): number {
  let max = 0;
  const stack: Array<[XmlElement, number]> = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    max = Math.max(max, top[1]);
    for (const c of top[0].children) stack.push([c, top[1] + 1]);
  }
  return max;
}

const tmp = tempDirs();
afterAll(() => tmp.cleanup());

describe('XML nesting', () => {
  it('100,000 nested elements are refused with the reader\'s own one-line error, not a RangeError', () => {
    const { error, message } = messageOf(() => parseXml(nested(100_000), 'deep.xml'));
    expect(error).toBeInstanceOf(XmlError);
    expect(message).toBe(
      `deep.xml line 1: <a> is nested ${MAX_XML_DEPTH + 1} elements deep, more than the ${MAX_XML_DEPTH} accepted; the document was not read (a Sysmon configuration needs a handful of levels)`,
    );
    expect(message).not.toContain('\n');
  });

  it('the same through parseSysmonConfig (CoverageError, as the CLI and the page report it)', () => {
    const xml = `<Sysmon schemaversion="4.90"><EventFiltering><ProcessCreate onmatch="include">${nested(100_000)}</ProcessCreate></EventFiltering></Sysmon>`;
    const { error, message } = messageOf(() => parseSysmonConfig(xml, 'deep.xml'));
    expect(error).toBeInstanceOf(CoverageError);
    expect(message).toMatch(/^deep\.xml line 1: <a> is nested 257 elements deep, more than the 256 accepted/);
  });

  it('the reader is iterative: without the limit it reads 100,000 levels', () => {
    const root = parseXml(nested(100_000, 'x'), 'deep.xml', { maxDepth: Number.POSITIVE_INFINITY });
    expect(depthOf(root)).toBe(100_000);
  });

  it('nesting up to the limit is read, and rule conditions are counted at any depth', () => {
    expect(depthOf(parseXml(nested(MAX_XML_DEPTH)))).toBe(MAX_XML_DEPTH);
    const xml = `<Sysmon schemaversion="4.90"><EventFiltering><ProcessAccess onmatch="include"><Rule groupRelation="and">${nested(200)}</Rule></ProcessAccess></EventFiltering></Sysmon>`;
    const c = parseSysmonConfig(xml, 'deep.xml');
    expect(c.types.get('ProcessAccess')).toMatchObject({ state: 'partial', includeConditions: 200 });
  });

  it('line numbers are still right far into a large document', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `<b n="${i}"/>`).join('\n');
    const root = parseXml(`<a>\n${lines}\n</a>`, 'long.xml');
    expect(root.children[49_999]).toMatchObject({ name: 'b', attributes: { n: '49999' }, line: 50_001 });
    expect(() => parseXml(`<a>\n${lines}\n<c></a>`, 'long.xml')).toThrow(/^long\.xml line 50002: not well-formed XML: <\/a> closes <c> \(line 50002\)$/);
  });
});

describe('input size caps', () => {
  const over = MAX_CONFIG_INPUT_BYTES + 1;

  it('a Sysmon configuration longer than the cap is refused before parsing, naming the input and the limit', () => {
    // Not even XML: the size is checked first.
    const { error, message } = messageOf(() => parseSysmonConfig('x'.repeat(over), 'huge.xml'));
    expect(error).toBeInstanceOf(CoverageError);
    expect(error).not.toBeInstanceOf(XmlError);
    expect(message).toBe(
      `huge.xml is ${over} characters long, more than the limit of ${MAX_CONFIG_INPUT_BYTES} characters (16 MiB) for a Sysmon configuration; it was not read (an auditpol export is a few kB, a large Sysmon configuration under 1 MiB): is it the right file?`,
    );
  });

  it('an auditpol export longer than the cap is refused before parsing', () => {
    const { error, message } = messageOf(() => parseAuditpolCsv('x'.repeat(over), 'huge.csv'));
    expect(error).toBeInstanceOf(CoverageError);
    expect(message).toMatch(/^huge\.csv is 16777217 characters long, more than the limit of 16777216 characters \(16 MiB\) for an auditpol export; it was not read/);
  });

  it('decodeText refuses more bytes than the cap; at the cap it decodes', () => {
    expect(() => decodeText(new Uint8Array(over), 'big.bin')).toThrow(/^big\.bin is 16\.0 MiB \(16777217 bytes\), more than the 16 MiB limit for a configuration file/);
    expect(decodeText(new TextEncoder().encode('abc'), 'small', 3)).toBe('abc');
    expect(() => decodeText(new TextEncoder().encode('abcd'), 'small', 3)).toThrow(CoverageError);
    expect(inputTooLarge('f', MAX_CONFIG_INPUT_BYTES, 'x')).toBeNull();
  });
});

describe('warning caps', () => {
  it('WarningList keeps MAX_WARNINGS and summarises the rest; lazy messages past the cap are never built', () => {
    const w = new WarningList(2);
    let built = 0;
    for (let i = 0; i < 5; i++) w.add(() => `w${i} (${++built})`);
    expect(w.list()).toEqual(['w0 (1)', 'w1 (2)', '… and 3 more warnings']);
    expect(w.count).toBe(5);
    expect(built).toBe(2);
    const one = new WarningList(1);
    one.add('a');
    one.add('b');
    expect(one.list()).toEqual(['a', '… and 1 more warning']);
  });

  it('an auditpol export with 10,000 bad rows lists 50 warnings and one "… and K more warnings"', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => unknownRow(i)).join('');
    const p = parseAuditpolCsv(HEADER + GOOD_ROW + rows, 'noisy.csv');
    expect(p.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(p.warnings[0]).toMatch(/^line 3: unknown subcategory "Frobnicate Widgets 0"; closest known: /);
    expect(p.warnings.at(-1)).toBe(`… and ${10_000 - MAX_WARNINGS} more warnings`);
    expect(p.entries.size).toBe(1);
  });

  it('the "no known subcategory" refusal lists capped warnings too', () => {
    const rows = Array.from({ length: 500 }, (_, i) => unknownRow(i)).join('');
    const { message } = messageOf(() => parseAuditpolCsv(HEADER + rows, 'none.csv'));
    expect(message).toMatch(/^none\.csv: no known audit subcategory in 500 row\(s\):/);
    expect(message.split('\n')).toHaveLength(1 + MAX_WARNINGS + 1);
    expect(message).toMatch(/\n {2}… and 450 more warnings$/);
  });

  it('a Sysmon configuration with 1,000 unknown event types lists 50 warnings and one summary line', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => `<ProcesCreate${i} onmatch="include"/>`).join('\n');
    const c = parseSysmonConfig(`<Sysmon schemaversion="4.90"><EventFiltering>\n${rules}\n</EventFiltering></Sysmon>`, 'noisy.xml');
    expect(c.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(c.warnings[0]).toMatch(/^line 2: unknown event type <ProcesCreate0> ignored; closest: /);
    expect(c.warnings.at(-1)).toBe('… and 950 more warnings');
  });
});

describe('npm run coverage with oversized or noisy inputs', () => {
  // In this process: coverageCommand gives the command's output and exit status.
  const run = (args: string[]): Promise<CliResult> => inProcess(coverageCommand, args);

  it('refuses a file larger than the cap by its size, before reading it, with one error line', async () => {
    const dir = await tmp.make('coverage-limits-');
    const big = path.join(dir, 'huge.csv');
    await writeFile(big, '');
    await truncate(big, MAX_CONFIG_INPUT_BYTES + 1); // sparse: nothing big is written
    const r = await run(['--attack', '18.1', '--auditpol', big]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: --auditpol: ${big} is 16.0 MiB (16777217 bytes), more than the 16 MiB limit for an auditpol export; it was not read (an auditpol export is a few kB, a large Sysmon configuration under 1 MiB): is it the right file?\n`,
    );
    const xml = path.join(dir, 'huge.xml');
    await writeFile(xml, '');
    await truncate(xml, 200 * 1024 * 1024);
    const s = await run(['--attack', '18.1', '--sysmon', xml]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^error: --sysmon: .*huge\.xml is 200 MiB \(209715200 bytes\), more than the 16 MiB limit for a Sysmon configuration/);
  });

  it('prints at most 50 warnings per input, then "… and K more warnings"', async () => {
    const dir = await tmp.make('coverage-limits-');
    const csv = path.join(dir, 'noisy.csv');
    await writeFile(csv, HEADER + GOOD_ROW + Array.from({ length: 2000 }, (_, i) => unknownRow(i)).join(''));
    const r = await run(['--attack', '18.1', '--auditpol', csv, '--format', 'csv', '--top', '0']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(warnings.at(-1)).toBe(`warning: ${csv}: … and 1950 more warnings`);
  });
});
