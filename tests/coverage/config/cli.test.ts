/**
 * `npm run coverage` with configuration files against the committed data (ATT&CK 18.1), in this
 * process through coverageCommand (the command's own parsing, output and exit status); a refused
 * input also as a real process (exit status, one line, no stack).
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigCoverageReport } from '../../../scripts/coverage/index.ts';
import { validateLayer } from '../../../scripts/coverage/index.ts';
import { coverageCommand } from '../../../scripts/cli/coverage.ts';
import { type CliResult, inProcess } from '../../helpers/cli.ts';
import { tempDirs } from '../../helpers/tmp-dir.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// tsx as node's loader, not its CLI: the CLI starts a second node process (about 0.3 s each here).
const TSX = ['--import', 'tsx'];
const CLI = path.join(REPO, 'scripts', 'cli', 'coverage.ts');
const FIX = path.join(REPO, 'tests', 'fixtures', 'config');

const run = (args: string[]): Promise<CliResult> => inProcess(coverageCommand, args);

function runProcess(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...TSX, CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = tempDirs();
afterAll(() => tmp.cleanup());

describe('npm run coverage with configuration files (18.1)', () => {
  let dir: string;
  let json: CliResult;
  let report: ConfigCoverageReport;
  beforeAll(async () => {
    dir = await tmp.make('coverage-config-');
    json = await run([
      '--attack', '18.1',
      '--auditpol', path.join(FIX, 'auditpol-windows-client-default.csv'),
      '--sysmon', path.join(FIX, 'sysmon-include-filters.xml'),
      '--events', 'PowerShell:4104',
      '--format', 'json',
      '--top', '5',
      '--layer', path.join(dir, 'now.json'),
      '--layer-diff', path.join(dir, 'diff.json'),
    ]);
    expect(json.code, json.stderr).toBe(0);
    report = JSON.parse(json.stdout) as ConfigCoverageReport;
  });

  it('reports the inputs and which one contributed each event, with partial flags', () => {
    expect(report.attackVersion).toBe('18.1');
    expect(report.inputs.map((i) => i.input)).toEqual(['events', 'auditpol', 'sysmon']);
    const ev = new Map(report.events.map((e) => [e.key, e]));
    expect(ev.get('Security:4624')?.sources.map((s) => s.detail)).toEqual(['Logon: Success and Failure']);
    expect(ev.get('Security:4625')?.status).toBe('full'); // Logon failure is audited by default since 1809
    expect(ev.has('Security:4688')).toBe(false); // Process Creation: No Auditing
    expect(ev.get('Sysmon:1')).toMatchObject({ status: 'full' });
    expect(ev.get('Sysmon:10')).toMatchObject({ status: 'partial' });
    expect(ev.get('Sysmon:13')).toMatchObject({ status: 'partial' });
    expect(ev.has('Sysmon:7')).toBe(false); // empty include
    expect(ev.get('PowerShell:4104')?.sources).toEqual([{ input: 'events', source: '--events', detail: 'listed', partial: false }]);
    expect(report.totals.partial).toBeGreaterThan(0);
    expect(report.partial.every((t) => t.via.every((k) => ev.get(k)?.status === 'partial'))).toBe(true);
  });

  it('advice is ranked, with commands, and the layers are valid and written', async () => {
    expect(report.advice.length).toBeGreaterThan(0);
    expect(report.advice.length).toBeLessThanOrEqual(5);
    // Greedy by grade: no step gains more confirmed (then named, then related) techniques than the step before it.
    for (let i = 1; i < report.advice.length; i++) {
      const [a, b] = [report.advice[i - 1]!, report.advice[i]!];
      const ga = [a.gained.confirmed.length, a.gained.named.length, a.gained.related.length];
      const gb = [b.gained.confirmed.length, b.gained.named.length, b.gained.related.length];
      const d = ga.findIndex((x, j) => x !== gb[j]);
      if (d >= 0) expect(gb[d], b.id).toBeLessThan(ga[d]!);
    }
    expect(report.advice[0]?.gained.confirmed.length).toBeGreaterThan(0);
    for (const a of report.advice) expect(a.after.confirmed + a.after.named + a.after.related).toBe(a.seenAfter);
    for (const a of report.advice) expect(a.commands.length + (a.kind === 'event' ? 1 : 0)).toBeGreaterThan(0);
    const audit = await run(['--attack', '18.1', '--auditpol', path.join(FIX, 'auditpol-windows-client-default.csv'), '--format', 'json', '--top', '30']);
    expect(audit.code, audit.stderr).toBe(0);
    const auditAdvice = (JSON.parse(audit.stdout) as ConfigCoverageReport).advice.find((a) => a.kind === 'audit-subcategory');
    expect(auditAdvice?.commands[0]).toMatch(/^auditpol \/set \/subcategory:"[^"]+"( \/success:enable)?( \/failure:enable)?$/);
    expect(json.stderr).toMatch(/wrote Navigator layer .*now\.json \(\d+ confirmed, \d+ named, \d+ related, \d+ partial of \d+ mapped techniques\)/);
    expect(json.stderr).toMatch(/wrote Navigator layer .*diff\.json/);
    const now = JSON.parse(await readFile(path.join(dir, 'now.json'), 'utf8')) as unknown;
    const diff = JSON.parse(await readFile(path.join(dir, 'diff.json'), 'utf8')) as { sorting: number; techniques: Array<{ techniqueID: string; score?: number }> };
    expect(validateLayer(now)).toEqual([]);
    expect(validateLayer(diff)).toEqual([]);
    expect(diff.techniques.length).toBeGreaterThan(0);
    // Scored by the grade gained (confirmed 3, named 2, related 1), highest first.
    expect(diff.sorting).toBe(3);
    const gained = new Map<string, number>();
    for (const a of report.advice) for (const [g, n] of [['confirmed', 3], ['named', 2], ['related', 1]] as const) for (const id of a.gained[g]) gained.set(id, n);
    for (const t of diff.techniques) if (t.score !== undefined) expect(t.score, t.techniqueID).toBe(gained.get(t.techniqueID));
  });

  it('the Windows client preset and a localised auditpol file in Markdown; localisation is said', async () => {
    const r = await run(['--attack', '18.1', '--preset', 'windows-default-client', '--top', '15']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Windows event coverage from configuration — ATT&CK 18\.1/);
    expect(r.stdout).toMatch(/- \*\*preset\*\* `preset windows-default-client`: \d+ subcategories audited: .*Logon \(Success\)/);
    expect(r.stdout).toContain("per-subcategory defaults voted from OSSEM's client_default");
    const step = /### \d+\. turn on audit subcategory ([A-Za-z ]+) \(success\)/.exec(r.stdout);
    expect(step).not.toBeNull();
    expect(r.stdout).toContain(`auditpol /set /subcategory:"${step?.[1] ?? ''}" /success:enable`);
    const de = await run(['--attack', '18.1', '--auditpol', path.join(FIX, 'auditpol-german.csv'), '--format', 'csv', '--top', '0']);
    expect(de.code, de.stderr).toBe(0);
    expect(de.stdout).toMatch(/not English \(localised auditpol output\?\): matched by GUID/);
    expect(de.stdout).toMatch(/\nevent,,Security:4688,/);
  });

  it('refused inputs exit 1 with one error line; usage errors exit 2', async () => {
    const xxe = runProcess(['--sysmon', path.join(FIX, 'sysmon-xxe.xml')]);
    expect(xxe.code).toBe(1);
    expect(xxe.stderr).toMatch(/^error: .*sysmon-xxe\.xml line 2: <!DOCTYPE> is not accepted/);
    expect(xxe.stderr.split('\n')).toHaveLength(2);
    expect(xxe.stdout).toBe('');
    const bad = await run(['--auditpol', path.join(FIX, 'auditpol-malformed.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*auditpol-malformed\.csv: not valid CSV/);
    expect((await run(['--sysmon', path.join(FIX, 'not-sysmon.xml')])).stderr).toMatch(/is not a Sysmon configuration/);
    expect((await run(['--auditpol', path.join(FIX, 'missing.csv')])).stderr).toMatch(/^error: --auditpol: .*missing\.csv does not exist/);
    const usage = await run(['--preset', 'windows-xp']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: --preset: "windows-xp" is not windows-default-client or windows-default-server/);
    expect((await run([])).stderr).toMatch(/--auditpol, --sysmon or --preset/);
  });
});
