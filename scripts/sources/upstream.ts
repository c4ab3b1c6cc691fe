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

/**
 * Sources read as GitHub archive tarballs at a pinned commit (the lock's `archives`). A nightly asks
 * the branch head (`headUrl`, answered with the bare SHA) to learn of a new commit.
 */
export const ARCHIVES = {
  'ossem-dd': { repo: 'OTRF/OSSEM-DD', branch: 'main', title: 'OSSEM-DD' },
  'splunk-escu': { repo: 'splunk/security_content', branch: 'develop', title: 'Splunk Security Content' },
  'mitre-car': { repo: 'mitre-attack/car', branch: 'master', title: 'MITRE CAR' },
} as const;

export type ArchiveName = keyof typeof ARCHIVES;
export const ARCHIVE_NAMES = Object.keys(ARCHIVES) as ArchiveName[];

export function archiveUrl(name: ArchiveName, commit: string): string {
  return `https://codeload.github.com/${ARCHIVES[name].repo}/tar.gz/${commit}`;
}

/** GitHub's REST API answers this with the branch head's SHA when asked with `Accept: application/vnd.github.sha`. */
export function headUrl(name: ArchiveName): string {
  return `https://api.github.com/repos/${ARCHIVES[name].repo}/commits/${ARCHIVES[name].branch}`;
}
