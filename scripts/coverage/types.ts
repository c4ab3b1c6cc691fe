/**
 * What the coverage core reads: the parts of one version's artifacts (techniques.json,
 * events.json, tactics.json) it needs. The artifact types of scripts/artifacts/build.ts are
 * assignable to these, so the parsed JSON files (in Node or in a browser) can be passed as they are.
 *
 * Pure module: no I/O, no node: imports (the core is bundled for the site later).
 */

import type { Grade } from '../mapping/types.ts';
import { cmp } from '../lib/cmp.ts';
import { ExpectedError } from '../lib/expected-error.ts';

export { cmp };

export type { Grade };

/** One technique × event link as the coverage core reads it: the event and how strongly it is known. */
export interface CoverageLink {
  key: string;
  /** `confirmed` (a public detection rule uses it), `named` (an ATT&CK analytic names it), `related` (only through a data component). */
  grade: Grade;
  /** Distinct detection rules that use the event for the technique. */
  rules: number;
}

export interface CoverageTechnique {
  id: string;
  name: string;
  /** Tactic shortnames in matrix order. */
  tactics: string[];
  isSubtechnique: boolean;
  parent: string;
  /** The distinct Windows events mapped to this technique, with the grade and rule count of each link (other fields are not read). */
  events: readonly CoverageLink[];
}

export interface CoverageEvent {
  /** `Log:ID`, e.g. `Security:4688`, `Sysmon:1`. */
  key: string;
  /** Short log name (Security, Sysmon, …) or a verbatim channel name. */
  log: string;
  /** Numeric event ID as a string. */
  eventId: string;
  name: string;
  channel: string;
}

export interface CoverageTactic {
  id: string;
  shortname: string;
  name: string;
}

/** One ATT&CK version, as the coverage core sees it. Tactics in matrix order. */
export interface VersionData {
  attackVersion: string;
  techniques: readonly CoverageTechnique[];
  events: readonly CoverageEvent[];
  tactics: readonly CoverageTactic[];
}

/** A failure the user can act on (bad event list, unknown version, malformed data file). */
export class CoverageError extends ExpectedError {
  override readonly name = 'CoverageError';
  /** One line per problem (already included in `message`). */
  readonly problems: string[];

  constructor(message: string, problems: string[] = []) {
    super(message);
    this.problems = problems;
  }
}


/** Orders event keys by log name, then numerically by event ID (`Sysmon:3` before `Sysmon:10`). */
export function compareEventRefs(a: { log: string; eventId: string }, b: { log: string; eventId: string }): number {
  return cmp(a.log, b.log) || Number(a.eventId) - Number(b.eventId) || cmp(a.eventId, b.eventId);
}
