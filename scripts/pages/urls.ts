/**
 * The site's URL scheme, in one place. The latest ATT&CK version sits at the root and every
 * version (the latest too) under `/v/<version>/`:
 *
 *   <base>                         home: which events to collect first
 *   <base>techniques/T1003.001/    technique        <base>techniques/      index
 *   <base>tactics/TA0006/          tactic           <base>tactics/         index
 *   <base>events/security-4688/    event            <base>events/          index
 *   <base>data-components/process-creation/         <base>data-components/ index
 *   <base>changes/                 what changed since the previous version (not in the oldest)
 *   <base>coverage/                which techniques the events you collect show (in the browser)
 *   /downloads/  /search/  /about/ (one copy, not versioned)
 */
import { ExpectedError } from '../lib/expected-error.ts';
import { isHttpUrl } from '../lib/http-url.ts';
import { printable } from '../lib/printable.ts';
import type { Scope } from './types.ts';

/** An identifier that cannot be a file or URL path segment (the CLI reports it as an error). */
export class UnsafePathError extends ExpectedError {
  override name = 'UnsafePathError';
}

/**
 * An upstream identifier used verbatim as a path segment (technique and tactic IDs, version
 * numbers): letters, digits, `.`, `_`, `-`, starting with a letter or digit, so never `..`, a
 * slash or markup. The artifacts' schemas already hold the IDs to their patterns; this refuses
 * anything else whatever the data folder holds.
 */
export function pathSegment(id: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) return id;
  throw new UnsafePathError(`${JSON.stringify(printable(id))} cannot be a page path: an ID must be letters, digits, ".", "_", "-"`);
}

/** An upstream URL as a link target: http(s) only, else '' (no link). The mapping drops other URLs already. */
export function safeHref(url: string): string {
  return isHttpUrl(url) ? url : '';
}

/** The major number of an ATT&CK version: `17` for `17.1`. */
export function attackMajor(version: string): number {
  return Number.parseInt(version, 10);
}

/**
 * An attack.mitre.org link (technique, tactic, analytic) as the page of `version` should give it:
 * http(s) only (else '', no link); for a version whose major is older than the latest's, ATT&CK's
 * archived site of that major, `https://attack.mitre.org/versions/v17/techniques/T1003/001/`, since
 * the bundle's URL is today's page, which may describe another technique by now. Versions of the
 * latest major keep today's page (ATT&CK publishes `/versions/v<N>/` only once N is superseded).
 * Links to other hosts, and ones already versioned, are kept as they are.
 */
export function attackHref(url: string, version: string, latest: string): string {
  const href = safeHref(url);
  if (!href) return '';
  const major = attackMajor(version);
  if (!Number.isFinite(major) || !(major < attackMajor(latest))) return href;
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return href;
  }
  if (u.hostname !== 'attack.mitre.org' || u.pathname.startsWith('/versions/')) return href;
  const path = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  return `https://attack.mitre.org/versions/v${major}${path}${u.search}${u.hash}`;
}

/**
 * Lower-case words joined by hyphens: `Microsoft-Windows-SMBClient/Security:31001` →
 * `microsoft-windows-smbclient-security-31001`. Only `a-z`, `0-9` and inner hyphens survive,
 * whatever the input (`../..`, `"><script>`, `/`), so a slug is always one safe path segment.
 */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const eventSlug = (key: string): string => slug(key) || 'unnamed';
/** Data components (and the data-source strings of ATT&CK ≤ 9) are named the same across versions; the slug follows the name. */
export const dataComponentSlug = (name: string): string => slug(name) || 'unnamed';

/** Paths inside a version's page set, without the base. */
export const paths = {
  home: (): string => '',
  techniques: (): string => 'techniques/',
  technique: (id: string): string => `techniques/${pathSegment(id)}/`,
  tactics: (): string => 'tactics/',
  tactic: (id: string): string => `tactics/${pathSegment(id)}/`,
  events: (): string => 'events/',
  event: (key: string): string => `events/${eventSlug(key)}/`,
  dataComponents: (): string => 'data-components/',
  dataComponent: (name: string): string => `data-components/${dataComponentSlug(name)}/`,
  changes: (): string => 'changes/',
  coverage: (): string => 'coverage/',
};

/**
 * Where the site is served from: `/` by default, `/repo/` for a GitHub Pages project site. Every
 * link starts with it; permalinks (output paths) do not.
 */
export function normalizeRoot(root: string): string {
  const r = `/${root.trim().replace(/^\/+|\/+$/g, '')}/`;
  return r === '//' ? '/' : r;
}

export function versionBase(version: string, root = '/'): string {
  return `${root}v/${pathSegment(version)}/`;
}

/** Base of a version's preferred copy: the root for the latest, `/v/<version>/` otherwise. */
export function preferredBase(version: string, latest: string, root = '/'): string {
  return version === latest ? root : versionBase(version, root);
}

/** The page sets to build for a version: the latest has two (root and `/v/<latest>/`). */
export function scopesFor(version: string, latest: string, root = '/'): Scope[] {
  const isLatest = version === latest;
  const versioned: Scope = { version, base: versionBase(version, root), out: versionBase(version), dir: `v${pathSegment(version)}`, isLatest, isRoot: false };
  return isLatest ? [{ version, base: root, out: '/', dir: 'latest', isLatest, isRoot: true }, versioned] : [versioned];
}

export const downloadsUrl = (root = '/'): string => `${root}downloads/`;
