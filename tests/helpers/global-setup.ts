/**
 * vitest globalSetup (vitest.config.ts), for what test files share across the run:
 *
 * - one folder for the shared fixtures (tests/helpers/fixtures.ts), handed to every worker as
 *   `inject('fixtureRoot')`, removed at the end. Nothing is built here: a fixture is built by the
 *   first file that asks for it, while the other workers go on with their own files.
 * - one Chromium for every browser test of the run (tests/helpers/chromium.ts), started by the
 *   first file that asks: a broker on 127.0.0.1 (`inject('chromiumBroker')`) starts it in this
 *   process, which outlives every worker, and gives each file its WebSocket endpoint; closed at the
 *   end. A run without browser tests starts none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { launchChromiumServer, type LaunchedChromiumServer } from '../../scripts/chromium/launch.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared fixture folder (tests/helpers/fixtures.ts). */
    fixtureRoot: string;
    /** The URL that gives the run's Chromium (tests/helpers/chromium.ts). */
    chromiumBroker: string;
  }
}

/** What the broker answers: the endpoint and where Chromium came from, or why none started. */
export type BrokerAnswer = { wsEndpoint: string; source: string } | { error: string };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'test-fixtures-'));
  project.provide('fixtureRoot', root);

  let chromium: Promise<LaunchedChromiumServer> | undefined;
  const broker = http.createServer((req, res) => {
    chromium ??= launchChromiumServer();
    chromium.then(
      (c): BrokerAnswer => ({ wsEndpoint: c.server.wsEndpoint(), source: c.source }),
      (e: unknown): BrokerAnswer => ({ error: e instanceof Error ? e.message : String(e) }),
    ).then((answer) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  project.provide('chromiumBroker', `http://127.0.0.1:${(broker.address() as AddressInfo).port}/`);

  return async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await chromium?.then((c) => c.server.close()).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
}
