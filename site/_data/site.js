/**
 * Global data `site`: the versions and the data folder, from `_generated/site.yaml` (written by
 * `npm run site:pages`), plus the version switch of the pages that are not versioned.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSiteMeta } from '../_config/site-meta.js';

export default function () {
  const meta = readSiteMeta(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
  return {
    ...meta,
    title: 'Windows events × ATT&CK',
    versionSwitch: meta.versions.map((v) => ({ version: v.version, url: v.home, exists: false, current: false, latest: v.isLatest })),
  };
}
