/**
 * Contracts of the change report: what a loaded artifact folder holds, and what `diffArtifacts`
 * says about two of them. Plain data only, so the report serialises to JSON as is.
 */
import type { DataComponentArtifact, EventArtifact, SourceRecord, TechniqueArtifact, VersionCounts } from '../artifacts/build.ts';
import type { Grade, PlacedRule } from '../mapping/types.ts';

/** A detection rule as `rules.json` lists it; read from disk, so its source is any string the file holds. */
export type RuleArtifact = Omit<PlacedRule, 'source'> & { source: string };

/** One `enterprise-attack/<version>/` folder, as read from disk. */
export interface VersionData {
  version: string;
  era: string;
  counts: VersionCounts;
  /** The upstream files the version was built from (manifest.json). */
  sources: SourceRecord[];
  techniques: TechniqueArtifact[];
  events: EventArtifact[];
  dataComponents: DataComponentArtifact[];
  /**
   * The detection rules placed on this version (rules.json). Absent (or empty) for a folder written
   * before rules.json existed: the report then treats it as holding no rule.
   */
  rules?: RuleArtifact[];
  /** sha256 of every file in the folder, by file name: "identical" means byte-identical. */
  files: Record<string, string>;
}

/**
 * Either one version folder (`data/enterprise-attack/17.1`) or a data root (`data/`) holding any
 * number of versions. Two data sets are compared like with like.
 */
export interface DataSet {
  kind: 'version' | 'root';
  /** Where it came from, for headings (a path, or a label such as "main"). */
  label: string;
  /** Sorted by version, oldest first. */
  versions: VersionData[];
  /** Root only: sha256 of `index.json` and `schemas/*.json`, by path relative to the root. */
  rootFiles: Record<string, string>;
}

export const COUNT_NAMES = ['techniques', 'techniquesWithEvents', 'events', 'rows', 'dataComponents', 'tactics', 'problems'] as const;
export type CountName = (typeof COUNT_NAMES)[number];

export interface CountChange {
  old: number;
  new: number;
  delta: number;
}

export interface TechniqueRef {
  id: string;
  name: string;
}

export interface EventRef {
  key: string;
  name: string;
}

export interface DataComponentRef {
  name: string;
  /** DC0032 style; empty before ATT&CK had data-component IDs in this mapping. */
  id: string;
  /** Empty from ATT&CK 18, which dropped data sources. */
  dataSource: string;
}

/** A detection rule in the change report: one source's rule, by ID. */
export interface RuleRef {
  source: string;
  id: string;
  name: string;
  url: string;
  /** The techniques it is placed on in that version, sorted. */
  techniques: string[];
  /** Its events (`Sysmon:10`), as rules.json lists them. */
  events: string[];
}

/** One technique × event link present on both sides whose grade changed. */
export interface GradeChange {
  technique: TechniqueRef;
  event: EventRef;
  old: Grade;
  new: Grade;
  /** Distinct detection rules behind the link on each side. */
  oldRules: number;
  newRules: number;
}

export interface FileChange {
  name: string;
  change: 'added' | 'removed' | 'modified';
}

export interface SourceChange {
  role: string;
  url: string;
  old: { sha256: string; size: number } | null;
  new: { sha256: string; size: number } | null;
}

/** Everything that differs between two builds of the mapping (one version each). */
export interface VersionDiff {
  oldVersion: string;
  newVersion: string;
  /** Every artifact file is byte-identical. */
  identical: boolean;
  counts: Record<CountName, CountChange>;
  techniques: {
    added: Array<TechniqueRef & { events: number }>;
    removed: Array<TechniqueRef & { events: number }>;
    /** Same ID, another name. */
    renamed: Array<{ id: string; oldName: string; newName: string }>;
  };
  /** Techniques present on both sides whose set of events changed. */
  techniqueEvents: Array<TechniqueRef & { gained: EventRef[]; lost: EventRef[] }>;
  events: {
    added: Array<EventRef & { techniques: number }>;
    removed: Array<EventRef & { techniques: number }>;
    /** Same key, another name. */
    renamed: Array<{ key: string; oldName: string; newName: string }>;
  };
  /** Events present on both sides whose set of techniques changed. */
  eventTechniques: Array<EventRef & { gained: TechniqueRef[]; lost: TechniqueRef[] }>;
  dataComponents: {
    added: DataComponentRef[];
    removed: DataComponentRef[];
    /** Same name, another ID or data source (ATT&CK 18 gave components IDs and dropped data sources). */
    changed: Array<{ name: string; old: DataComponentRef; new: DataComponentRef }>;
  };
  /** Detection rules (rules.json) added and removed, by source and ID. */
  rules: {
    /** Rules on each side (0 for a folder without rules.json). */
    old: number;
    new: number;
    /** Per rule source present on either side, sorted by source. */
    bySource: Array<{ source: string; old: number; new: number; added: number; removed: number }>;
    added: RuleRef[];
    removed: RuleRef[];
  };
  /**
   * Technique × event links present on both sides whose grade changed (confirmed, named, related).
   * Links only on one side are in `techniqueEvents`; folders written before grades existed give none.
   */
  grades: {
    /** How many links went each way, strengthened first (related → confirmed before confirmed → related). */
    directions: Array<{ old: Grade; new: Grade; count: number }>;
    /** Sorted by technique ID, then event key. */
    changed: GradeChange[];
  };
  /** Upstream files whose pin changed, appeared or disappeared. */
  sources: SourceChange[];
  files: FileChange[];
}

export interface VersionSummary {
  version: string;
  era: string;
  counts: VersionCounts;
  /** Detection rules placed on the version (rules.json; 0 when it has none). */
  rules: number;
}

export interface ChangeReport {
  kind: DataSet['kind'];
  oldLabel: string;
  newLabel: string;
  /** Anything at all differs (a byte in any file, a version added or removed). */
  changed: boolean;
  versionsAdded: VersionSummary[];
  versionsRemoved: VersionSummary[];
  /**
   * Version folders: the one pair. Data roots: every version present on both sides, changed or not
   * (`identical` tells), oldest first.
   */
  compared: VersionDiff[];
  /**
   * Data roots: for each added version, what it changes compared with the newest older version on
   * either side (a new ATT&CK release compared with the previous one). Empty when there is none.
   */
  releases: VersionDiff[];
  /** Data roots: index.json and schemas/ (derived files, listed so that no byte change goes unseen). */
  otherFiles: FileChange[];
}
