/**
 * `npm run plan` against the committed data (ATT&CK 18.1): in this process through planCommand (the
 * command's own parsing, output and exit status), and as a real process for an error's exit status
 * and single line without a stack.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateLayer } from '../../scripts/plan/core.ts';
import { validatePlanJson } from '../../scripts/plan/schema.ts';
import { repoRoot } from '../helpers/mirror-server.ts';
import { planCommand } from '../../scripts/cli/plan.ts';
import { type CliResult, inProcess } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/tmp-dir.ts';

// tsx as node's loader, not its CLI: the CLI starts a second node process (about 0.3 s each here).
const TSX = ['--import', 'tsx'];
const CLI = path.join(repoRoot, 'scripts', 'cli', 'plan.ts');
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const run = (args: string[]): Promise<CliResult> => inProcess(planCommand, ['--attack', '18.1', ...args]);

function runProcess(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...TSX, CLI, '--attack', '18.1', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run plan', () => {
  it('done-when: --group "Cozy Bear" --preset windows-default-client --top 5 prints a plan, JSON equal to it, and both layers', async () => {
    const dir = await dirs.make('plan-cli-');
    const args = ['--group', 'Cozy Bear', '--preset', 'windows-default-client', '--top', '5'];
    const md = await run([...args, '--layer-out', path.join(dir, 'plan.json'), '--layer-dark', path.join(dir, 'dark.json')]);
    expect(md.stderr).toMatch(/wrote Navigator layer .*plan\.json/);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Logging plan for APT29 \(G0016\) — ATT&CK 18\.1\n/);
    expect(md.stdout).toContain('## Plan (5 steps)');
    expect(md.stdout).toContain('## No Windows event can show');
    // The starting point is named once ("preset preset …" was a slip).
    expect(md.stdout).toContain('- **preset** `windows-default-client`: 12 subcategories audited');
    const json = await run([...args, '--format', 'json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { steps: Array<{ rank: number; title: string; seenAfter: number }> };
    expect(validatePlanJson(r)).toEqual([]);
    // The Markdown table shows the same steps and numbers.
    for (const s of r.steps) expect(md.stdout).toContain(`| ${s.rank} | ${s.title} |`);
    for (const f of ['plan.json', 'dark.json']) expect(validateLayer(JSON.parse(await readFile(path.join(dir, f), 'utf8')))).toEqual([]);
  });

  it('reads a Navigator layer file as the target', async () => {
    const r = await run(['--layer', path.join(import.meta.dirname, 'fixtures', 'Bear_APT.json'), '--top', '2', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^source,,.*Bear_APT\.json,\*Bear APTs,layer,/);
  });

  it('unknown and revoked names, a bad layer file and a bad flag: one error line, no stack, exit 1 (usage: 2)', async () => {
    const unknown = await run(['--group', 'Cozy Baer']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: --group "Cozy Baer": no group of that name or alias in ATT&CK 18.1; closest: APT29 (G0016, alias Cozy Bear)\n');
    const revoked = await run(['--group', 'G0118']);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^error: .*revoked in ATT&CK 18\.1, replaced by G0016 APT29; use --group G0016\n$/);
    const dir = await dirs.make('plan-cli-');
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    const badLayer = runProcess(['--layer', bad]);
    expect(badLayer.code).toBe(1);
    expect(badLayer.stderr).toMatch(/^error: --layer: .*bad\.json is not valid JSON/);
    expect(badLayer.stderr.split('\n')).toHaveLength(2);
    const missing = await run(['--layer', path.join(dir, 'none.json')]);
    expect(missing.stderr).toMatch(/^error: --layer: .*none\.json does not exist\n$/);
    const usage = await run(['--format', 'xml', '--group', 'APT29']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: --format: "xml" is not md, csv or json/);
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give a target/);
  });
});
