import { describe, expect, it } from 'vitest';
import { isHttpUrl } from '../../scripts/lib/http-url.ts';

describe('isHttpUrl', () => {
  it('accepts absolute https and http URLs', () => {
    expect(isHttpUrl('https://attack.mitre.org/techniques/T1003/001')).toBe(true);
    expect(isHttpUrl('http://example.com/')).toBe(true);
    expect(isHttpUrl('HTTPS://attack.mitre.org/tactics/TA0005')).toBe(true);
  });

  it.each([
    'javascript:alert(document.domain)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/',
    '/techniques/T1003',
    'ftp://example.com/',
    ' https://attack.mitre.org/',
    'https://attack.mitre.org/ ',
    'https://attack.mitre.org/\nx',
    'https://attack.mitre.org/\u202Ex',
    'https://',
    'https:///path',
    'https:/\\evil.example/',
    '',
  ])('refuses %j', (url) => {
    expect(isHttpUrl(url)).toBe(false);
  });
});
