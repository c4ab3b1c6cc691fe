/** The mapping's own records: what `artifacts/` serialises. Pure data, no I/O. */
import type { RuleSource } from '../rules/types.ts';
import type { GradedLink } from './grade.ts';

/** Where a link comes from; declared once, the schemas' enum is derived from it. */
export const EVIDENCE_KINDS = ['splunk-escu', 'mitre-car', 'attack-analytic', 'attack-component', 'ossem-dm', 'ossem-legacy'] as const;
export type Evidence = (typeof EVIDENCE_KINDS)[number];

/** How strong a technique × event link is: see GRADE_MEANING in grade.ts. */
export type Grade = 'confirmed' | 'named' | 'related';

/** One technique × data source/component × event link, with where it came from. */
export interface MappingRow {
  techniqueId: string;
  technique: string;
  /** Tactic shortnames in matrix order. */
  tactics: string[];
  dataSource: string;
  dataComponent: string;
  /** DC0032 style, when the ATT&CK version has data-component objects. */
  dataComponentId: string;
  /** Short log name (Security, Sysmon, …); empty when the data source/component maps to no log. */
  eventLog: string;
  /** Empty when no event ID is known for this link. */
  eventId: string;
  eventName: string;
  /** Empty for a data source/component that maps to no event. */
  evidence: Evidence | '';
  /** DET0103/AN0110 for analytics, DC0032 for component log sources, REL-2022-0001 for OSSEM-DM, the OSSEM sub data source for the legacy table, the rule ID for rules. */
  evidenceRef: string;
  /** Upstream qualifier: the analytic's channel text, the OSSEM-DM relationship name, or the rule's name. */
  detail: string;
  /** The grade of the technique × event link this row belongs to (the same on all its rows); '' without an event. */
  grade: Grade | '';
}

export interface EventInfo {
  key: string;
  log: string;
  eventId: string;
  channel: string;
  provider: string;
  name: string;
  description: string;
  auditCategory: string;
  auditSubcategory: string;
  /** Windows default audit policy per OSSEM legacy (`Success`, `No auditing`…); empty when unknown. */
  clientDefault: string;
  serverDefault: string;
}

export interface TacticInfo {
  id: string;
  shortname: string;
  name: string;
  url: string;
}

export interface TechniqueInfo {
  id: string;
  name: string;
  url: string;
  tactics: string[];
  platforms: string[];
  isSubtechnique: boolean;
  parent: string;
}

export type ProblemKind =
  | 'data-source-without-event'
  | 'free-text-channel'
  | 'not-a-windows-event-log'
  | 'dangling-reference'
  | 'no-detection'
  | 'ossem-dm-without-attack'
  | 'ossem-dm-not-windows-event'
  | 'unknown-log-name'
  | 'misfiled-event'
  | 'unknown-event'
  | 'rule-data-source-not-windows'
  | 'rule-data-source-unresolved'
  | 'rule-without-event'
  | 'rule-technique-not-placed'
  | 'invalid-identifier'
  | 'missing-identifier'
  | 'duplicate-identifier'
  | 'unsafe-url';

export interface Problem {
  kind: ProblemKind;
  /** What it is about: a data source/component name, a channel, a STIX ID. */
  subject: string;
  /** Where it was met: technique IDs, analytic refs, OSSEM relationship IDs (sorted, unique). */
  where: string[];
  message: string;
}

export interface LogSpelling {
  spelling: string;
  log: string;
  /** Which upstream file spelled it this way. */
  source: 'attack' | 'ossem-dm' | 'ossem-legacy' | 'ossem-dd';
  count: number;
}

export interface VersionMapping {
  attackVersion: string;
  era: 'data-source-strings' | 'data-components' | 'detection-strategies';
  tactics: TacticInfo[];
  techniques: TechniqueInfo[];
  rows: MappingRow[];
  events: EventInfo[];
  problems: Problem[];
  logSpellings: LogSpelling[];
  skipped: { revoked: number; deprecated: number; notWindows: number };
  /** One graded link per technique × event (key: technique ID, NUL, event key), merged from the rows. */
  links: Map<string, GradedLink>;
  /** The detection rules with the techniques they were placed on in this version (rules with a placed technique and an event only). */
  rules: PlacedRule[];
  /**
   * ATT&CK 18+: the texts of the analytics that name an event (`attack-analytic` evidence), by
   * analytic ID (the part of the evidence ref after `/`). Absent or empty before ATT&CK 18.
   */
  analytics?: Map<string, AnalyticText>;
}

/** What an ATT&CK analytic looks for and what ATT&CK says to tune in it, as the bundle writes them. */
export interface AnalyticText {
  /** AN1030 (the STIX ID when the analytic has no ATT&CK ID). */
  id: string;
  /** Its attack.mitre.org page (`…/detectionstrategies/DET0363#AN1030`); '' when upstream gave none. */
  url: string;
  description: string;
  /** `x_mitre_mutable_elements`: each field to tune and why. */
  mutableElements: Array<{ field: string; description: string }>;
}

/** A detection rule as placed on one version's techniques: what `rules.json` lists. */
export interface PlacedRule {
  source: RuleSource;
  id: string;
  name: string;
  url: string;
  status: string;
  techniques: Array<{ tagged: string; placed: string; coverage: string }>;
  events: string[];
}
