/**
 * scripts/local-run/: what the site tests, the bench and the Lighthouse command share to run the
 * project's own commands and site locally.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local-run/free-port.ts';
import { npmScriptNodeArgs } from '../../scripts/local-run/npm-script.ts';
import { siteFileFor } from '../../scripts/local-run/site-file.ts';
import { REPO_ROOT } from '../../scripts/lib/repo-root.ts';
import { tempDirs, writeTree } from '../helpers/tmp-dir.ts';

const temps = tempDirs();
afterAll(() => temps.cleanup());

describe('siteFileFor', () => {
  it('serves folders by their index.html and files as they are, and nothing outside the site', async () => {
    const root = await temps.make('site-file-');
    const dir = path.join(root, 'site');
    await writeTree(root, { 'site/index.html': 'home', 'site/a/index.html': 'a', 'site/c.css': 'c', 'site-other/secret.html': 'no' });
    expect(siteFileFor(dir, '/')).toBe(path.join(dir, 'index.html'));
    expect(siteFileFor(dir, '/a/')).toBe(path.join(dir, 'a', 'index.html'));
    expect(siteFileFor(dir, '/a')).toBe(path.join(dir, 'a', 'index.html'));
    expect(siteFileFor(dir, '/c.css')).toBe(path.join(dir, 'c.css'));
    expect(siteFileFor(dir, '/c.css/')).toBeNull();
    expect(siteFileFor(dir, '/missing/')).toBeNull();
    expect(siteFileFor(dir, '/%E0%A4%A')).toBeNull();
    expect(siteFileFor(dir, '/../site-other/secret.html')).toBeNull();
    expect(siteFileFor(dir, '/%2e%2e/site-other/secret.html')).toBeNull();
  });
});

describe('npmScriptNodeArgs', () => {
  it('gives a script node arguments as package.json writes them, its script path absolute', () => {
    expect(npmScriptNodeArgs('site:pages')).toEqual(['--max-semi-space-size=64', '--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'cli', 'pages.ts')]);
    expect(npmScriptNodeArgs('start').at(-1)).toBe(path.join(REPO_ROOT, 'scripts', 'cli', 'start.ts'));
  });

  it('refuses a script that is not one node command', () => {
    expect(() => npmScriptNodeArgs('site')).toThrow(/"site" script is not one node command/);
    expect(() => npmScriptNodeArgs('no-such-script')).toThrow(/"no-such-script" script is not one node command: null/);
  });
});

describe('freePort', () => {
  it('gives a port a server can listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(port).toBeGreaterThan(0);
  });
});
