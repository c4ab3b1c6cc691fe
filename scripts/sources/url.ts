/** How an upstream URL maps onto a mirror (a folder, or an HTTP server laid out the same way). */

import { SourceError } from './errors.ts';

function parseUpstream(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new SourceError('invalid-url', url, `${url}: not a valid URL`, { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SourceError('invalid-url', url, `${url}: only http(s) URLs can be fetched (got ${parsed.protocol})`);
  }
  return parsed;
}

/**
 * `https://HOST/a%26b/c.json` → `HOST/a&b/c.json`: host plus the URL-decoded path, `/`-separated.
 * Throws for URLs a folder layout cannot represent faithfully (a query string, `..` or an encoded `/`
 * in a segment), so two different URLs can never share one mirror file or escape the mirror folder.
 */
export function mirrorPathFor(url: string): string {
  const parsed = parseUpstream(url);
  if (parsed.search !== '') {
    throw new SourceError('invalid-url', url, `${url}: a URL with a query string has no place in a mirror laid out by path`);
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  if (segments.length === 0) {
    throw new SourceError('invalid-url', url, `${url}: the URL names no file (empty path)`);
  }
  const decoded = segments.map((segment) => {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch (cause) {
      throw new SourceError('invalid-url', url, `${url}: bad percent-encoding in path segment "${segment}"`, { cause });
    }
    if (value === '.' || value === '..' || value.includes('/') || value.includes('\\') || value.includes('\0')) {
      throw new SourceError('invalid-url', url, `${url}: path segment "${segment}" cannot be mapped to a mirror file`);
    }
    return value;
  });
  return [parsed.host, ...decoded].join('/');
}

/**
 * `https://HOST/PATH?Q` → `${baseUrl}/HOST/PATH?Q`. The path stays percent-encoded exactly as the
 * WHATWG URL parser normalised it, so `%26` (`&`) and friends still mean the same over HTTP.
 */
export function rewriteToBase(url: string, baseUrl: string): string {
  const parsed = parseUpstream(url);
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/${parsed.host}${parsed.pathname}${parsed.search}`;
}
