/**
 * The run's one Chromium (started once by tests/helpers/global-setup.ts), connected to from this
 * file: connecting takes a fraction of a second where starting Chromium takes seconds. Close the
 * returned browser in `afterAll`: that closes this file's connection and contexts, not Chromium.
 *
 *   const { browser, source } = await sharedChromium();
 *
 * A download from a connected browser has no local path: read it with `downloadText`.
 */
import { inject } from 'vitest';
import { type Browser, chromium, type Download } from 'playwright-core';
import type { BrokerAnswer } from './global-setup.ts';

export async function sharedChromium(): Promise<{ browser: Browser; source: string }> {
  const answer = (await (await fetch(inject('chromiumBroker'))).json()) as BrokerAnswer;
  if ('error' in answer) throw new Error(answer.error);
  return { browser: await chromium.connect(answer.wsEndpoint, { timeout: 60_000 }), source: answer.source };
}

/** A download's text, streamed from the browser (remote or not). */
export async function downloadText(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
