/** Reads the real upstream files from the offline mirror (../shared/sources beside the repo). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseBundle, type StixBundle } from '../../scripts/attack/stix.ts';
import { buildCatalog, type OssemCatalog } from '../../scripts/mapping/catalog.ts';
import { parseDdEvent, type DdEvent } from '../../scripts/ossem/dd.ts';
import { parseDm } from '../../scripts/ossem/dm.ts';
import { parseLegacy, type LegacyRecord } from '../../scripts/ossem/legacy.ts';
import { attackBundleUrl, OSSEM_DD_PREFIX, OSSEM_DM_URL, OSSEM_LEGACY_URL } from '../../scripts/sources/upstream.ts';
import { mirrorPathFor } from '../../scripts/sources/url.ts';
import { sharedSourcesDir } from './mirror-server.ts';

export function mirrorText(url: string): string {
  const file = path.join(sharedSourcesDir(), mirrorPathFor(url));
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return gunzipSync(readFileSync(`${file}.gz`)).toString('utf8');
  }
}

export function realLegacy(): LegacyRecord[] {
  return parseLegacy(mirrorText(OSSEM_LEGACY_URL), 'legacy');
}

function realDd(): DdEvent[] {
  const root = path.join(sharedSourcesDir(), mirrorPathFor(OSSEM_DD_PREFIX));
  const out: DdEvent[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(parseDdEvent(readFileSync(p, 'utf8'), p));
    }
  };
  walk(root);
  return out;
}

let cached: OssemCatalog | undefined;
export function realCatalog(): OssemCatalog {
  cached ??= buildCatalog(parseDm(mirrorText(OSSEM_DM_URL), 'dm'), realLegacy(), realDd());
  return cached;
}

export function realBundle(version: string): StixBundle {
  return parseBundle(mirrorText(attackBundleUrl(version, 'stix-data')), `ATT&CK ${version}`);
}
