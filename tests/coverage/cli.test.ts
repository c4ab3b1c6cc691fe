/**
 * `npm run coverage` against the committed data (ATT&CK 18.1): in this process through
 * coverageCommand (same parsing, output and exit status as the command), and as a real process
 * where only a process shows it (stdin piped in, an error's exit status without a stack trace).
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../scripts/coverage/index.ts';
import { validateLayer } from '../../scripts/coverage/index.ts';
import { coverageCommand } from '../../scripts/cli/coverage.ts';
import { type CliResult, inProcess } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// tsx as node's loader, not its CLI: the CLI starts a second node process (about 0.3 s each here).
const TSX = ['--import', 'tsx'];
const CLI = path.join(REPO, 'scripts', 'cli', 'coverage.ts');
const DIR = path.join(REPO, 'data', 'enterprise-attack', '18.1');

const run = (args: string[]): Promise<CliResult> => inProcess(coverageCommand, args);

function runProcess(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...TSX, CLI, ...args], { cwd: REPO, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type G = 'confirmed' | 'named' | 'related';
interface T {
  id: string;
  tactics: string[];
  events: Array<{ key: string; grade: G; rules: number }>;
}
const techniques = (JSON.parse(readFileSync(path.join(DIR, 'techniques.json'), 'utf8')) as { techniques: T[] }).techniques;
const events = (JSON.parse(readFileSync(path.join(DIR, 'events.json'), 'utf8')) as { events: Array<{ key: string; log: string; eventId: string }> }).events;
const tactics = (JSON.parse(readFileSync(path.join(DIR, 'tactics.json'), 'utf8')) as { tactics: Array<{ shortname: string; techniques: string[] }> }).tactics;

const RANK: Record<G, number> = { confirmed: 0, named: 1, related: 2 };

/**
 * The expected coverage, computed here from techniques.json independently of the core: a technique
 * is seen at the best grade among the links of the collected events to it; at a minimum grade,
 * weaker links do not exist.
 */
function expected(keys: string[], minGrade: G = 'related') {
  const want = new Set(keys);
  const links = (t: T) => t.events.filter((e) => RANK[e.grade] <= RANK[minGrade]);
  const grade = new Map<string, G>();
  for (const t of techniques) {
    const best = links(t)
      .filter((e) => want.has(e.key))
      .map((e) => e.grade)
      .sort((a, b) => RANK[a] - RANK[b])[0];
    if (best) grade.set(t.id, best);
  }
  const seen = new Set(grade.keys());
  const mapped = new Set(techniques.filter((t) => links(t).length > 0).map((t) => t.id));
  const count = (ids: Iterable<string>) => {
    const c = { confirmed: 0, named: 0, related: 0 };
    for (const id of ids) {
      const g = grade.get(id);
      if (g) c[g]++;
    }
    return c;
  };
  return { seen, mapped, grade, count };
}

const tmp = tempDirs();
afterAll(() => tmp.cleanup());

describe('npm run coverage (18.1)', () => {
  const keys = ['Security:4688', 'Sysmon:1', 'Sysmon:3'];
  const { seen, mapped, grade, count } = expected(keys);
  let json: CliResult;
  let report: CoverageReport;
  beforeAll(async () => {
    json = await run(['--attack', '18.1', '--events', 'Security:4688,Sysmon:1,Sysmon:3', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    report = JSON.parse(json.stdout) as CoverageReport;
  });

  it('exits 0 with a JSON report of the requested version and events', () => {
    expect(json.stderr).toBe('');
    expect(report.attackVersion).toBe('18.1');
    expect(report.events.map((e) => e.key)).toEqual(keys);
  });

  it('totals per grade agree with techniques.json', () => {
    expect(report.totals).toEqual({ seen: seen.size, ...count(seen), mapped: mapped.size, total: techniques.length });
    expect(report.minGrade).toBe('related');
    for (const t of report.seen) expect(t.grade, t.id).toBe(grade.get(t.id));
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
      expect({ confirmed: t.confirmed, named: t.named, related: t.related }, t.shortname).toEqual(count(inTactic.map((x) => x.id)));
    }
  });

  it('the first next-best event gains the most confirmed, then named, then related techniques; ties by log then ID', () => {
    /** Techniques the event would make seen, or seen at a stronger grade, per grade. */
    const gain = (key: string): [number, number, number] => {
      const c = { confirmed: 0, named: 0, related: 0 };
      for (const t of techniques) {
        const l = t.events.find((e) => e.key === key);
        const now = grade.get(t.id);
        if (l && (now === undefined || RANK[l.grade] < RANK[now])) c[l.grade]++;
      }
      return [c.confirmed, c.named, c.related];
    };
    const candidates = events.filter((e) => !keys.includes(e.key)).map((e) => ({ e, g: gain(e.key) }));
    const order = (a: (typeof candidates)[number], b: (typeof candidates)[number]) =>
      b.g[0] - a.g[0] || b.g[1] - a.g[1] || b.g[2] - a.g[2] || (a.e.log < b.e.log ? -1 : a.e.log > b.e.log ? 1 : Number(a.e.eventId) - Number(b.e.eventId));
    const first = [...candidates].sort(order)[0];
    expect(first && first.g[0]).toBeGreaterThan(0);
    // The most new techniques is not what ranks first: confirmed gains are.
    const mostNew = Math.max(...candidates.map((c) => techniques.filter((t) => !seen.has(t.id) && t.events.some((e) => e.key === c.e.key)).length));
    expect(report.nextBest.length).toBeGreaterThan(0);
    expect(report.nextBest.length).toBeLessThanOrEqual(10);
    const n0 = report.nextBest[0]!;
    expect(n0.key).toBe(first?.e.key);
    expect([n0.gained.confirmed.length, n0.gained.named.length, n0.gained.related.length]).toEqual(first?.g);
    expect(n0.adds.length).toBeLessThanOrEqual(mostNew);
    expect(n0.seenAfter).toBe(seen.size + n0.adds.length);
    expect(n0.after.confirmed).toBe(count(seen).confirmed + n0.gained.confirmed.length);
    for (let i = 1; i < report.nextBest.length; i++) {
      const [prev, cur] = [report.nextBest[i - 1]!, report.nextBest[i]!];
      // Greedy: what a pick gains never beats the pick before it (confirmed first, then named, then related).
      const a = [prev.gained.confirmed.length, prev.gained.named.length, prev.gained.related.length];
      const b = [cur.gained.confirmed.length, cur.gained.named.length, cur.gained.related.length];
      const firstDiff = a.findIndex((x, j) => x !== b[j]);
      if (firstDiff >= 0) expect(b[firstDiff], `${cur.key} after ${prev.key}`).toBeLessThan(a[firstDiff]!);
      expect(cur.seenAfter).toBe(prev.seenAfter + cur.adds.length);
      expect(cur.after.confirmed).toBe(prev.after.confirmed + cur.gained.confirmed.length);
    }
  });

  it('--min-grade named and confirmed count only links of that grade or better, in every format', async () => {
    for (const min of ['named', 'confirmed'] as const) {
      const e = expected(keys, min);
      const r = await run(['--attack', '18.1', '--events', keys.join(','), '--format', 'json', '--top', '3', '--min-grade', min]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as CoverageReport;
      expect(j.minGrade).toBe(min);
      expect(j.totals).toEqual({ seen: e.seen.size, ...e.count(e.seen), mapped: e.mapped.size, total: techniques.length });
      expect(j.totals.related).toBe(0);
      if (min === 'confirmed') expect(j.totals.named).toBe(0);
      expect(j.totals.seen).toBeLessThan(seen.size);
      expect(j.nextBest.every((n) => n.gained.related.length === 0)).toBe(true);
      const csv = Papa.parse<Record<string, string>>((await run(['--attack', '18.1', '--events', keys.join(','), '--format', 'csv', '--min-grade', min])).stdout, { header: true, skipEmptyLines: true });
      expect(csv.data.find((x) => x.section === 'total')).toMatchObject({ grade: min, seen: String(e.seen.size), confirmed: String(j.totals.confirmed), named: String(j.totals.named), related: '0' });
      const md = (await run(['--attack', '18.1', '--events', keys.join(','), '--top', '0', '--min-grade', min])).stdout;
      expect(md).toContain(`Only links of grade ${min}${min === 'named' ? ' or better' : ''} count here (--min-grade ${min}).`);
    }
    expect((await run(['--events', 'Security:4688', '--min-grade', 'strong'])).stderr).toMatch(/^error: --min-grade: "strong" is not confirmed, named, related/);
  });

  it('Markdown is the default; aliases and a file with comments give the same numbers', async () => {
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'events.txt');
    await writeFile(file, '# what we ship to the SIEM\nWinEventLog:Security:4688   # process creation\n\nmicrosoft-windows-sysmon/operational:1\n');
    const md = await run(['--attack', '18.1', '--events-file', file, '--events', 'sysmon:3', '--top', '3']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^# Windows event coverage — ATT&CK 18\.1\n/);
    const c = count(seen);
    expect(md.stdout).toContain(
      `**${c.confirmed + c.named}** of ${mapped.size} techniques with a mapped Windows event have a collected event mapped to them by a confirmed or named link (${((100 * (c.confirmed + c.named)) / mapped.size).toFixed(1)}%): ${c.confirmed} confirmed, ${c.named} named.`,
    );
    expect(md.stdout).toContain(`${c.related} more only related (through a data component): ${seen.size} at any grade`);
    expect(md.stdout).toContain('mapped, not detected');
    expect(md.stdout).toContain('## Next best events (top 3)');
    expect(md.stdout).toContain('Techniques and sub-techniques are counted separately');
  });

  it('CSV parses back and agrees with the JSON report', async () => {
    const csv = await run(['--attack', '18.1', '--events', keys.join(','), '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = Papa.parse<Record<string, string>>(csv.stdout, { header: true, skipEmptyLines: true });
    expect(rows.errors).toEqual([]);
    const c = count(seen);
    expect(rows.data.find((r) => r.section === 'total')).toMatchObject({
      seen: String(seen.size),
      confirmed: String(c.confirmed),
      named: String(c.named),
      related: String(c.related),
      mapped: String(mapped.size),
      all: String(techniques.length),
    });
    const seenRows = rows.data.filter((r) => r.section === 'technique' && r.status === 'seen');
    expect(seenRows.length).toBe(seen.size);
    for (const r of seenRows) expect(r.grade, r.id).toBe(grade.get(r.id ?? ''));
  });

  it('--layer writes a valid Navigator layer of the coverage', async () => {
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'sub', 'layer.json');
    const r = await run(['--attack', '18.1', '--events', keys.join(','), '--layer', file, '--format', 'json', '--top', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote Navigator layer ${file}`);
    const layer = JSON.parse(await readFile(file, 'utf8')) as { versions: { attack: string }; techniques: Array<{ techniqueID: string; score?: number }> };
    expect(validateLayer(layer)).toEqual([]);
    expect(layer.versions.attack).toBe('18');
    // Scored by the best grade: confirmed 3, named 2, related 1; 0 = mapped, not collected.
    const score: Record<G, number> = { confirmed: 3, named: 2, related: 1 };
    for (const t of layer.techniques) {
      if (t.score === undefined) continue;
      const g = grade.get(t.techniqueID);
      expect(t.score, t.techniqueID).toBe(g ? score[g] : 0);
    }
    expect(new Set(layer.techniques.filter((t) => (t.score ?? 0) > 0).map((t) => t.techniqueID))).toEqual(seen);
  });

  it('reads events from stdin with --events-file - (a process, stdin piped)', () => {
    const r = runProcess(['--attack', '18', '--events-file', '-', '--format', 'json', '--top', '0'], 'Security:4688\nSysmon:1\nSysmon:3\n');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as CoverageReport).totals.seen).toBe(seen.size);
  });
});

describe('npm run coverage: errors', () => {
  const noStack = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at /);

  it('unknown event: exit 1, one error line with close matches, no stack (a process)', () => {
    const r = runProcess(['--attack', '18.1', '--events', 'Security:4688,Sysmon:99']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no event Sysmon:99 in ATT&CK 18\.1; close: .*Sysmon:9\b/);
    expect(r.stderr).toMatch(/Sysmon:19/);
    noStack(r.stderr);
  });

  it('unknown log: exit 1 and suggests the log', async () => {
    const r = await run(['--attack', '18.1', '--events', 'Sysmonn:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: "Sysmonn:1": unknown log "Sysmonn"; close: Sysmon\n');
  });

  it('empty list and malformed file lines: exit 1', async () => {
    expect((await run(['--events', ' , '])).stderr).toMatch(/^error: the events list is empty/);
    const dir = await tmp.make('coverage-cli-');
    const file = path.join(dir, 'bad.txt');
    await writeFile(file, 'Security:4688\nnot an event\n');
    const r = await run(['--events-file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${file} line 2: "not an event" is not LOG:ID (e.g. Security:4688, Sysmon:1)\n`);
    expect((await run(['--events-file', path.join(dir, 'missing.txt')])).stderr).toMatch(/does not exist/);
  });

  it('unknown version: exit 1 and lists the versions', async () => {
    const r = await run(['--attack', '99.9', '--events', 'Security:4688']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no ATT&CK version "99\.9" in the data; available: .*18\.1 \(latest\)/);
  });

  it('usage errors exit 2: no events, bad format, bad top, unknown option', async () => {
    for (const args of [[], ['--events', 'Security:4688', '--format', 'xml'], ['--events', 'Security:4688', '--top', 'x'], ['--events', 'Security:4688', '--bogus']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      noStack(r.stderr);
    }
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run coverage -- --events LIST/);
  });
});
