import { describe, expect, it } from 'vitest';
import { SCHEMA_FOR, validateArtifact } from '../../scripts/artifacts/schemas.ts';

describe('validateArtifact', () => {
  it('throws on a file name no schema checks, instead of passing it unchecked', () => {
    expect(() => validateArtifact('technique.json', {})).toThrow(/no schema checks technique\.json/);
  });
  it('checks every file SCHEMA_FOR names (each rejects {})', () => {
    for (const name of Object.keys(SCHEMA_FOR)) expect(validateArtifact(name, {}).length, name).toBeGreaterThan(0);
  });
});
