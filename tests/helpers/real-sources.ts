/** Reads the real upstream files from the offline mirror (../shared/sources beside the repo). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseBundle, type StixBundle } from '../../scripts/attack/stix.ts';
import { buildCatalog, type OssemCatalog } from '../../scripts/mapping/catalog.ts';
import { DD_EAGER_PROVIDERS, isDdEventPath, readDdArchive, type DdArchive } from '../../scripts/ossem/dd-archive.ts';
import { readTarball } from '../../scripts/sources/tar.ts';
import { parseDm } from '../../scripts/ossem/dm.ts';
import { parseLegacy, type LegacyRecord } from '../../scripts/ossem/legacy.ts';
import { archiveUrl, attackBundleUrl, OSSEM_DM_URL, OSSEM_LEGACY_URL } from '../../scripts/sources/upstream.ts';
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

/** The OSSEM-DD archive, read as the build reads it. */
function realDd(): DdArchive {
  const lock = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../scripts/sources.lock.json'), 'utf8')) as { archives: Record<string, string> };
  const url = archiveUrl('ossem-dd', lock.archives['ossem-dd'] ?? '');
  const files = readTarball(readFileSync(path.join(sharedSourcesDir(), mirrorPathFor(url))), url, isDdEventPath);
  return readDdArchive(files, url, (p) => DD_EAGER_PROVIDERS.has(p));
}

let cached: OssemCatalog | undefined;
export function realCatalog(): OssemCatalog {
  if (!cached) {
    const dd = realDd();
    cached = buildCatalog(parseDm(mirrorText(OSSEM_DM_URL), 'dm'), realLegacy(), dd.eager, dd.lookup);
  }
  return cached;
}

export function realBundle(version: string): StixBundle {
  return parseBundle(mirrorText(attackBundleUrl(version, 'stix-data')), `ATT&CK ${version}`);
}
