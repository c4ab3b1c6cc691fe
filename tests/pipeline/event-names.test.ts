/**
 * "No event lacks a name where OSSEM-DD has one": every unnamed event of the published 18.1 data is
 * checked against the whole OSSEM-DD archive, by every provider that could write it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventArtifact } from '../../scripts/artifacts/build.ts';
import { logByName, logForProvider } from '../../scripts/mapping/logs.ts';
import { parseDdEvent } from '../../scripts/ossem/dd.ts';
import { isDdEventPath } from '../../scripts/ossem/dd-archive.ts';
import { readTarball } from '../../scripts/sources/tar.ts';
import { archiveUrl } from '../../scripts/sources/upstream.ts';
import { mirrorPathFor } from '../../scripts/sources/url.ts';
import { repoRoot, sharedSourcesDir } from '../helpers/mirror-server.ts';

const PLACEHOLDER = /^Event(?:\s+ID)?\s+\d+\s*[:-]\s*(?:task_\d+|none|EventID\(\d+\))?\s*$/i;

describe('event names from OSSEM-DD', () => {
  it('no event of 18.1 is unnamed while a provider that writes its log names it in OSSEM-DD', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'scripts', 'sources.lock.json'), 'utf8')) as { archives: Record<string, string> };
    const url = archiveUrl('ossem-dd', lock.archives['ossem-dd'] ?? '');
    const files = readTarball(readFileSync(path.join(sharedSourcesDir(), mirrorPathFor(url))), url, isDdEventPath);
    const events = (JSON.parse(readFileSync(path.join(repoRoot, 'data', 'enterprise-attack', '18.1', 'events.json'), 'utf8')) as { events: EventArtifact[] }).events;
    const unnamed = events.filter((e) => e.name === '');
    expect(unnamed.length).toBeLessThan(events.length / 2);
    const byId = new Map<string, Array<{ provider: string; name: string }>>();
    for (const [p, bytes] of files) {
      const d = parseDdEvent(bytes.toString('utf8'), p);
      if (PLACEHOLDER.test(d.name.trim()) || d.name.trim() === '') continue;
      const list = byId.get(d.eventId) ?? [];
      list.push({ provider: d.provider, name: d.name });
      byId.set(d.eventId, list);
    }
    const missed: string[] = [];
    for (const e of unnamed) {
      const channelProvider = (logByName(e.log)?.channel ?? e.channel ?? e.log).replace(/\/.*$/, '').toLowerCase();
      for (const c of byId.get(e.eventId) ?? []) {
        const writes = logForProvider(c.provider, e.eventId)?.log === e.log || c.provider.toLowerCase() === channelProvider;
        if (writes) missed.push(`${e.key}: OSSEM-DD ${c.provider} names it "${c.name}"`);
      }
    }
    expect(missed).toEqual([]);
  });
});
