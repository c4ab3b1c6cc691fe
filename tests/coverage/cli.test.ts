/** Runs `scripts/cli/coverage.ts` as a process against the committed data (ATT&CK 18.1). */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../scripts/coverage/index.ts';
import { validateLayer } from '../../scripts/coverage/index.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = path.join(REPO, 'scripts', 'cli', 'coverage.ts');
const DIR = path.join(REPO, 'data', 'enterprise-attack', '18.1');

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TSX, CLI, ...args], { cwd: REPO, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface T {
  id: string;
  tactics: string[];
  events: Array<{ key: string }>;
}
const techniques = (JSON.parse(readFileSync(path.join(DIR, 'techniques.json'), 'utf8')) as { techniques: T[] }).techniques;
const events = (JSON.parse(readFileSync(path.join(DIR, 'events.json'), 'utf8')) as { events: Array<{ key: string; log: string; eventId: string }> }).events;
const tactics = (JSON.parse(readFileSync(path.join(DIR, 'tactics.json'), 'utf8')) as { tactics: Array<{ shortname: string; techniques: string[] }> }).tactics;

/** The expected coverage, computed here from techniques.json independently of the core. */
function expected(keys: string[]) {
  const want = new Set(keys);
  const seen = new Set(techniques.filter((t) => t.events.some((e) => want.has(e.key))).map((t) => t.id));
  const mapped = new Set(techniques.filter((t) => t.events.length > 0).map((t) => t.id));
  return { seen, mapped };
}

const tmp = tempDirs();
afterAll(() => tmp.cleanup());

describe('npm run coverage (18.1)', () => {
  const keys = ['Security:4688', 'Sysmon:1', 'Sysmon:3'];
  const { seen, mapped } = expected(keys);
  let json: ReturnType<typeof run>;
  let report: CoverageReport;
  beforeAll(() => {
    json = run(['--attack', '18.1', '--events', 'Security:4688,Sysmon:1,Sysmon:3', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    report = JSON.parse(json.stdout) as CoverageReport;
  });

  it('exits 0 with a JSON report of the requested version and events', () => {
    expect(json.stderr).toBe('');
    expect(report.attackVersion).toBe('18.1');
    expect(report.events.map((e) => e.key)).toEqual(keys);
  });

  it('totals agree with techniques.json', () => {
    expect(report.totals).toEqual({ seen: seen.size, mapped: mapped.size, total: techniques.length });
    expect(seen.size).toBeGreaterThan(0);
    expect(new Set(report.seen.map((t) => t.id))).toEqual(seen);
    expect(report.unseen.length).toBe(mapped.size - seen.size);
    expect(report.unmapped.length).toBe(techniques.length - mapped.size);
  });

  it('per-tactic counts agree with techniques.json and tactics.json, in matrix order', () => {
    expect(report.tactics.map((t) => t.shortname)).toEqual(tactics.map((t) => t.shortname));
    for (const t of report.tactics) {
      const inTactic = techniques.filter((x) => x.tactics.includes(t.shortname));
      expect(t.total, t.shortname).toBe(inTactic.length);
      expect(t.total, t.shortname).toBe(tactics.find((x) => x.shortname === t.shortname)?.techniques.length);
      expect(t.mapped, t.shortname).toBe(inTactic.filter((x) => mapped.has(x.id)).length);
      expect(t.seen, t.shortname).toBe(inTactic.filter((x) => seen.has(x.id)).length);
    }
  });

  it('the first next-best event adds the most unseen techniques, ties by log then ID', () => {
    const gain = (key: string): number => techniques.filter((t) => !seen.has(t.id) && t.events.some((e) => e.key === key)).length;
    const candidates = events.filter((e) => !keys.includes(e.key));
    const best = Math.max(...candidates.map((e) => gain(e.key)));
    const first = candidates
      .filter((e) => gain(e.key) === best)
      .sort((a, b) => (a.log < b.log ? -1 : a.log > b.log ? 1 : Number(a.eventId) - Number(b.eventId)))[0];
    // Ten, unless the greedy list runs out first: then nothing mapped is left unseen.
    expect(report.nextBest.length).toBeGreaterThan(0);
    expect(report.nextBest.length).toBeLessThanOrEqual(10);
    if (report.nextBest.length < 10) expect(report.nextBest.at(-1)?.seenAfter).toBe(mapped.size);
    expect(report.nextBest[0]?.key).toBe(first?.key);
    expect(report.nextBest[0]?.adds.length).toBe(best);
    expect(report.nextBest[0]?.seenAfter).toBe(seen.size + best);
    for (let i = 1; i < report.nextBest.length; i++) {
      const [prev, cur] = [report.nextBest[i - 1]!, report.nextBest[i]!];
      expect(cur.adds.length).toBeLessThanOrEqual(prev.adds.length);
      expect(cur.seenAfter).toBe(prev.seenAfter + cur.adds.length);
    }
  });

  it('Markdown is the default; aliases and a file with comments give the same numbers', async () => {
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'events.txt');
    await writeFile(file, '# what we ship to the SIEM\nWinEventLog:Security:4688   # process creation\n\nmicrosoft-windows-sysmon/operational:1\n');
    const md = run(['--attack', '18.1', '--events-file', file, '--events', 'sysmon:3', '--top', '3']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^# Windows event coverage — ATT&CK 18\.1\n/);
    expect(md.stdout).toContain(`**${seen.size}** of ${mapped.size} techniques with a mapped Windows event are seen`);
    expect(md.stdout).toContain('## Next best events (top 3)');
    expect(md.stdout).toContain('Techniques and sub-techniques are counted separately');
  });

  it('CSV parses back and agrees with the JSON report', () => {
    const csv = run(['--attack', '18.1', '--events', keys.join(','), '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = Papa.parse<Record<string, string>>(csv.stdout, { header: true, skipEmptyLines: true });
    expect(rows.errors).toEqual([]);
    expect(rows.data.find((r) => r.section === 'total')).toMatchObject({ seen: String(seen.size), mapped: String(mapped.size), all: String(techniques.length) });
    expect(rows.data.filter((r) => r.section === 'technique' && r.status === 'seen').length).toBe(seen.size);
  });

  it('--layer writes a valid Navigator layer of the coverage', async () => {
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'sub', 'layer.json');
    const r = run(['--attack', '18.1', '--events', keys.join(','), '--layer', file, '--format', 'json', '--top', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote Navigator layer ${file}`);
    const layer = JSON.parse(await readFile(file, 'utf8')) as { versions: { attack: string }; techniques: Array<{ techniqueID: string; score?: number }> };
    expect(validateLayer(layer)).toEqual([]);
    expect(layer.versions.attack).toBe('18');
    const scored1 = new Set(layer.techniques.filter((t) => t.score === 1).map((t) => t.techniqueID));
    expect(scored1).toEqual(seen);
  });

  it('reads events from stdin with --events-file -', () => {
    const r = run(['--attack', '18', '--events-file', '-', '--format', 'json', '--top', '0'], 'Security:4688\nSysmon:1\nSysmon:3\n');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageReport).totals.seen).toBe(seen.size);
  });
});

describe('npm run coverage: errors', () => {
  const noStack = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at /);

  it('unknown event: exit 1, one error line with close matches', () => {
    const r = run(['--attack', '18.1', '--events', 'Security:4688,Sysmon:99']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no event Sysmon:99 in ATT&CK 18\.1; close: .*Sysmon:9\b/);
    expect(r.stderr).toMatch(/Sysmon:19/);
    noStack(r.stderr);
  });

  it('unknown log: exit 1 and suggests the log', () => {
    const r = run(['--attack', '18.1', '--events', 'Sysmonn:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: "Sysmonn:1": unknown log "Sysmonn"; close: Sysmon\n');
  });

  it('empty list and malformed file lines: exit 1', async () => {
    expect(run(['--events', ' , ']).stderr).toMatch(/^error: the events list is empty/);
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'bad.txt');
    await writeFile(file, 'Security:4688\nnot an event\n');
    const r = run(['--events-file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${file} line 2: "not an event" is not LOG:ID (e.g. Security:4688, Sysmon:1)\n`);
    expect(run(['--events-file', path.join(dir, 'missing.txt')]).stderr).toMatch(/does not exist/);
  });

  it('unknown version: exit 1 and lists the versions', () => {
    const r = run(['--attack', '99.9', '--events', 'Security:4688']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no ATT&CK version "99\.9" in the data; available: .*18\.1 \(latest\)/);
  });

  it('usage errors exit 2: no events, bad format, bad top, unknown option', () => {
    for (const args of [[], ['--events', 'Security:4688', '--format', 'xml'], ['--events', 'Security:4688', '--top', 'x'], ['--events', 'Security:4688', '--bogus']]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      noStack(r.stderr);
    }
  });

  it('--help prints usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run coverage -- --events LIST/);
  });
});
