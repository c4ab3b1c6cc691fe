import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOMAIN } from '../../scripts/lib/domain.ts';

describe('DOMAIN', () => {
  it('is the ATT&CK domain whose data folder is committed', () => {
    expect(DOMAIN).toBe('enterprise-attack');
    expect(existsSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data', DOMAIN, '18.1'))).toBe(true);
  });
});
