/** The attack-stix-data `index.json`: which Enterprise ATT&CK versions exist, newest first. */
import { ExpectedError } from '../lib/expected-error.ts';

export interface AttackRelease {
  version: string;
  url: string;
}

export class IndexError extends ExpectedError {}

export function parseAttackIndex(text: string, where: string): AttackRelease[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new IndexError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const collections = (doc as { collections?: unknown }).collections;
  if (!Array.isArray(collections)) throw new IndexError(`${where}: no "collections" list`);
  const enterprise = collections.find((c: { name?: unknown }) => c.name === 'Enterprise ATT&CK') as { versions?: unknown } | undefined;
  if (!enterprise || !Array.isArray(enterprise.versions)) throw new IndexError(`${where}: no "Enterprise ATT&CK" collection with versions`);
  return enterprise.versions.map((v: { version?: unknown; url?: unknown }, i: number) => {
    if (typeof v.version !== 'string' || typeof v.url !== 'string') throw new IndexError(`${where}: Enterprise version ${i} lacks "version" or "url"`);
    return { version: v.version, url: v.url };
  });
}
