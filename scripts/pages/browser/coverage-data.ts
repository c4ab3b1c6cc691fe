/**
 * The coverage page's own data file, one per version (`/assets/coverage/<version>.json`): what the
 * page counts with and nothing else, so its first render waits for tens of kB, not the MBs of
 * techniques.json (whose evidence, analytics and texts the page never reads).
 *
 * - `events`: events.json's events without their technique, tactic and data component lists and
 *   their description (the configuration reader's fields, `enable` included, pass through whole);
 * - `techniques`: `[id, name, tactic shortnames, parent, links]`, links flattened as
 *   `event index, grade index, rules` triples in the artifact's (rank) order;
 * - `tactics`: as tactics.json, without the lists.
 *
 * `expandCoverageData` turns it back into the three documents the coverage core reads
 * (versionDataFromJson, configEventsFromJson), so the page and `npm run coverage` count from the
 * same links. Pure (no DOM, no node: imports): built by the pages step, read by the browser.
 */
import { GRADES, type Grade } from '../../coverage/index.ts';
import { ExpectedError } from '../../lib/expected-error.ts';

export const COVERAGE_DATA_FORMAT = 1;

/** The fields of an event the page never reads (the bulk of events.json). */
const DROPPED_EVENT_FIELDS: ReadonlySet<string> = new Set(['techniques', 'tactics', 'dataComponents', 'description']);

export type SlimTechnique = [id: string, name: string, tactics: string[], parent: string, links: number[]];

export interface CoverageDataDoc {
  format: typeof COVERAGE_DATA_FORMAT;
  attackVersion: string;
  tactics: Array<{ id: string; shortname: string; name: string }>;
  events: Array<Record<string, unknown>>;
  techniques: SlimTechnique[];
}

/** What the encoder reads: the artifacts' shapes (TechniqueArtifact, EventArtifact, TacticArtifact are assignable). */
export interface CoverageDataInput {
  version: string;
  techniques: ReadonlyArray<{ id: string; name: string; tactics: readonly string[]; parent: string; events: ReadonlyArray<{ key: string; grade: Grade; rules: number }> }>;
  events: ReadonlyArray<{ key: string }>;
  tactics: ReadonlyArray<{ id: string; shortname: string; name: string }>;
}

/**
 * The page's data file of one version. A link to an event events.json does not list is left out:
 * the coverage core ignores such links too (no event can collect them).
 */
export function buildCoverageData(v: CoverageDataInput): CoverageDataDoc {
  const index = new Map(v.events.map((e, i) => [e.key, i]));
  const gradeIndex = new Map(GRADES.map((g, i) => [g, i]));
  return {
    format: COVERAGE_DATA_FORMAT,
    attackVersion: v.version,
    tactics: v.tactics.map((t) => ({ id: t.id, shortname: t.shortname, name: t.name })),
    events: v.events.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !DROPPED_EVENT_FIELDS.has(k)))),
    techniques: v.techniques.map((t) => {
      const links: number[] = [];
      for (const l of t.events) {
        const i = index.get(l.key);
        if (i !== undefined) links.push(i, gradeIndex.get(l.grade) ?? GRADES.length - 1, l.rules);
      }
      return [t.id, t.name, [...t.tactics], t.parent, links];
    }),
  };
}

/** A data file the page cannot read (not one the pages step wrote): its message is shown as it is. */
export class CoverageDataError extends ExpectedError {}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The techniques.json, events.json and tactics.json documents (the parts the coverage core reads)
 * of a parsed data file; the core's readers check the fields. Throws on a file of another format.
 */
export function expandCoverageData(doc: unknown): { techniques: unknown; events: unknown; tactics: unknown } {
  if (!isObj(doc) || doc.format !== COVERAGE_DATA_FORMAT || typeof doc.attackVersion !== 'string' || !Array.isArray(doc.events) || !Array.isArray(doc.techniques) || !Array.isArray(doc.tactics)) {
    throw new CoverageDataError(`not a coverage page data file of format ${COVERAGE_DATA_FORMAT}`);
  }
  const attackVersion = doc.attackVersion;
  const events = doc.events as unknown[];
  const keyOf = (i: unknown): string => {
    const e = typeof i === 'number' ? events[i] : undefined;
    if (!isObj(e) || typeof e.key !== 'string') throw new CoverageDataError(`a link names event ${String(i)}, which the file does not hold`);
    return e.key;
  };
  const techniques = (doc.techniques as unknown[]).map((t, n) => {
    if (!Array.isArray(t) || t.length !== 5 || !Array.isArray(t[4]) || t[4].length % 3 !== 0) throw new CoverageDataError(`techniques[${n}] is not [id, name, tactics, parent, links]`);
    const [id, name, tactics, parent, flat] = t as [unknown, unknown, unknown, unknown, unknown[]];
    const links: Array<{ key: string; grade: unknown; rules: unknown }> = [];
    for (let i = 0; i < flat.length; i += 3) links.push({ key: keyOf(flat[i]), grade: GRADES[flat[i + 1] as number], rules: flat[i + 2] });
    return { id, name, tactics, isSubtechnique: typeof parent === 'string' && parent !== '', parent, events: links };
  });
  return {
    techniques: { attackVersion, techniques },
    events: { attackVersion, events },
    tactics: { attackVersion, tactics: doc.tactics },
  };
}
