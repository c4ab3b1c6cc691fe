/** Where each upstream file lives on the network. Mirrors are laid out by these URLs' paths. */

export const ATTACK_INDEX_URL = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/index.json';

/** `stix-data`: the mitre-attack/attack-stix-data versioned files (STIX 2.1); `cti`: the mitre/cti tags (STIX 2.0). */
export type AttackLayout = 'stix-data' | 'cti';

export function attackBundleUrl(version: string, layout: AttackLayout): string {
  if (layout === 'cti') return `https://raw.githubusercontent.com/mitre/cti/ATT%26CK-v${version}/enterprise-attack/enterprise-attack.json`;
  return `https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-${version}.json`;
}

/** Pinned to commit c12571f8d: the notebook's hunters-forge/…/master URL no longer exists. */
export const OSSEM_LEGACY_URL =
  'https://raw.githubusercontent.com/OTRF/OSSEM/c12571f8d27bcd3749b5bedfe304e590069c249d/attack_data_sources/event-mappings/all_data_sources.yml';

export const OSSEM_DM_URL = 'https://raw.githubusercontent.com/OTRF/OSSEM-DM/main/relationships/_all_ossem_relationships.yml';

/** OSSEM-DD event dictionaries: the lock lists every file under this prefix that the build reads. */
export const OSSEM_DD_PREFIX = 'https://raw.githubusercontent.com/OTRF/OSSEM-DD/main/windows/';

export function isDdUrl(url: string): boolean {
  return url.startsWith(OSSEM_DD_PREFIX) && /\/events\/event-[^/]+\.ya?ml$/.test(url);
}
