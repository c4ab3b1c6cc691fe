/**
 * What the page builders read (one ATT&CK version's parsed artifacts) and what they give back
 * (files to write under `site/_generated/`). Pure data: the CLI does the reading and writing.
 */
import type { DataComponentArtifact, EventArtifact, IndexEntry, TacticArtifact, TechniqueArtifact, VersionCounts } from '../artifacts/build.ts';
import type { GroupsArtifact } from '../artifacts/groups.ts';
import type { RuleArtifact, VersionDiff } from '../diff/types.ts';
import type { Grade } from '../mapping/types.ts';

export type Era = IndexEntry['era'];

/** A published file, for the downloads page. */
export interface FileInfo {
  name: string;
  size: number;
}

/** One ATT&CK version's artifacts, as parsed from `data/enterprise-attack/<version>/`. */
export interface VersionInput {
  version: string;
  era: Era;
  counts: VersionCounts;
  techniques: TechniqueArtifact[];
  events: EventArtifact[];
  tactics: TacticArtifact[];
  dataComponents: DataComponentArtifact[];
  /** rules.json: the detection rules placed on this version (their links); empty when the folder has none. */
  rules: RuleArtifact[];
  /** The files of the version folder (mapping.csv, techniques.json, …). */
  files: FileInfo[];
  /** groups.json: groups, campaigns and software (group pages, "used by"); absent in data folders built before it. */
  groups?: GroupsArtifact;
}

export interface SiteInput {
  /** Every version, oldest first. */
  versions: VersionInput[];
  latest: string;
  /** `data/schemas/*.schema.json`. */
  schemas: FileInfo[];
  /** Other files at the root of the data folder (index.json). */
  rootFiles: FileInfo[];
  /** Where the data came from, as written in the generated-file notice (e.g. `data/`). */
  dataLabel: string;
  /** Absolute path of the data folder: Eleventy copies it to /downloads/. */
  dataDir: string;
  /** URL path the site is served from (`/`, or `/repo/` for a GitHub Pages project site). */
  root: string;
  /**
   * The change report of each version against the one before it (`consecutiveVersionDiffs`),
   * computed once per build: one "what changed" page per version after the first. Diffs between
   * versions that are not consecutive in `versions` are ignored.
   */
  changes: readonly VersionDiff[];
}

/** A file to write, path relative to the output folder (`site/_generated/`), POSIX separators. */
export interface GeneratedFile {
  path: string;
  text: string;
}

/** Where a page set lives: the latest version is published twice, at `/` and at `/v/<latest>/`. */
export interface Scope {
  version: string;
  /** URL prefix of the set's links: `/` or `/v/9.0/`, after the site root (`/repo/v/9.0/`). */
  base: string;
  /** Output path prefix of the set (permalinks): `/` or `/v/9.0/`, whatever the site root. */
  out: string;
  /** Folder name under each kind's generated folder: `latest` or `v9.0`. */
  dir: string;
  isLatest: boolean;
  /** True for the root copy of the latest version. */
  isRoot: boolean;
}

/** A link in the version switch. */
export interface VersionLink {
  version: string;
  url: string;
  /** False when the page has no counterpart in that version: the link goes to that version's home. */
  exists: boolean;
  current: boolean;
  latest: boolean;
}

export interface Crumb {
  label: string;
  url: string;
}

/** Front matter common to every generated page; the layouts read it. */
export interface PageMeta {
  title: string;
  description: string;
  permalink: string;
  /** Which layout folder the page sits in (technique, event, …); the directory data picks the layout. */
  kind: PageKind;
  scope: {
    version: string;
    base: string;
    isLatest: boolean;
    isRoot: boolean;
    era: Era;
    eraLabel: string;
    /** The same page in the latest version (its home when the page has no counterpart there). */
    latestUrl: string;
    /** "data component", or "data source" before ATT&CK had data components. */
    componentLabel: string;
    /** The version before this one (its "what changed" page compares the two); empty for the oldest. */
    previous: string;
  };
  versions: VersionLink[];
  crumbs: Crumb[];
  /** Pagefind indexes this page (one copy of each technique, event, tactic and data component). */
  searchable: boolean;
}

export type PageKind =
  | 'home'
  | 'technique'
  | 'technique-index'
  | 'tactic'
  | 'tactic-index'
  | 'event'
  | 'event-index'
  | 'data-component'
  | 'data-component-index'
  | 'downloads'
  | 'changes'
  | 'coverage'
  | 'group'
  | 'group-index'
  | 'plan';

export interface Page<T> {
  meta: PageMeta;
  /** The page's own data, read by its Nunjucks layout (autoescaped there). */
  data: T;
  /** HTML, already escaped: a one-paragraph summary shown under the heading. */
  summary: string;
  /** Input file name, relative to `<kind>/<scope dir>/`. */
  file: string;
  /**
   * Markdown placed after the summary (the "what changed" report). Whoever builds it escapes the
   * upstream text in it; Eleventy renders it with markdown-it, never with a template engine.
   */
  markdown?: string;
}

// The view models of each page kind.

export interface Link {
  label: string;
  url: string;
}

export interface TechniqueRef {
  id: string;
  name: string;
  url: string;
}

export interface EvidenceView {
  kind: string;
  label: string;
  ref: string;
  detail: string;
}

/** Where an enablement fact comes from; `url` '' for this project's own table. */
export interface SourceView {
  name: string;
  url: string;
}

/** How to turn an event on: events.json's `enable` (scripts/windows/), see pages/enable.ts. */
export interface EnableView {
  channel: string;
  /** Nothing at all is known about turning it on. */
  unknown: boolean;
  /** Every audit subcategory that writes the event. */
  audit: Array<{ category: string; subcategory: string; outcome: string; auditpol: string; gpo: string; note: string; source: SourceView }>;
  sacl: { text: string; source: SourceView } | null;
  /** `commands`: one per line. */
  switches: Array<{ title: string; effect: 'turns-on' | 'adds-detail'; commands: string; gpo: string; note: string; source: SourceView }>;
  /** Sysmon: the configuration element (`ProcessCreate`, '' for service events) and its snippet. */
  sysmon: { element: string; eventIds: string; snippet: string; note: string; source: SourceView } | null;
  defaults: Array<{ text: string; source: SourceView }>;
}

/** The short form on a technique page: the first subcategory's command, or the Sysmon element, or the switch. */
export interface EnableShortView {
  auditpol: string;
  subcategory: string;
  /** Further subcategories that also write the event. */
  more: number;
  /** Needs a SACL. */
  sacl: boolean;
  sysmon: string;
  switchTitle: string;
  /** What Windows does by default (`Written by the event log service whatever the audit policy`), for events with nothing to switch on. */
  note: string;
}

/** The about page's explanations: the grade table and the evidence table. */
export interface AboutLinks {
  grades: string;
  evidence: string;
}

export type GradeCounts = Record<Grade, number>;

/** Links of one grade, with its heading and one-line meaning; `rows` strongest first. */
export interface GradeGroup<R> {
  grade: Grade;
  /** What follows the grade in its heading: `by public detection rules`. */
  title: string;
  /** One sentence: what the grade means. */
  meaning: string;
  count: number;
  caption: string;
  rows: R[];
}

/** Text with code spans, as ATT&CK writes its analytics. */
export interface TextPart {
  text: string;
  code: boolean;
}

/** A public detection rule behind a confirmed link. */
export interface RuleLinkView {
  /** `Splunk Security Content`, `MITRE CAR`. */
  source: string;
  id: string;
  name: string;
  /** research.splunk.com or car.mitre.org; '' when unknown. */
  url: string;
}

/** An ATT&CK analytic that names an event, as a row shows it. */
export interface AnalyticLinkView {
  /** `DET0363/AN1030`. */
  ref: string;
  /** attack.mitre.org (the archived site of an older major version); '' when unknown. */
  url: string;
  /** The id of its description on the same page; '' when the artifacts carry no text for it. */
  anchor: string;
  /** The analytic's channel text for this event: `EventCode=4624 (LogonType=3)`. */
  channel: string;
}

/** An ATT&CK analytic of a technique: what it looks for, what to tune, the events it names. */
export interface AnalyticView {
  ref: string;
  anchor: string;
  url: string;
  description: TextPart[];
  /** `x_mitre_mutable_elements`. */
  tune: Array<{ field: string; description: TextPart[] }>;
  events: Array<{ label: string; url: string; channel: string; grade: Grade }>;
}

export interface TechniqueEventRow {
  key: string;
  log: string;
  eventId: string;
  name: string;
  url: string;
  grade: Grade;
  /** Distinct public rules that use the event for the technique. */
  rules: number;
  /** The first rules (three at most), then the rest (folded). */
  ruleLinks: RuleLinkView[];
  moreRules: RuleLinkView[];
  analytics: AnalyticLinkView[];
  components: Link[];
  /** Evidence that is neither a rule nor an analytic (component log sources, OSSEM): how a related link is known. */
  evidence: EvidenceView[];
  /** The short form of how to turn it on; the event page has the rest. */
  enable: EnableShortView;
}

export interface TechniqueView {
  id: string;
  name: string;
  attackUrl: string;
  /** Groups that use it (group pages), by name. */
  usedBy: Array<{ id: string; name: string; url: string }>;
  isSubtechnique: boolean;
  parent: TechniqueRef | null;
  subtechniques: Array<TechniqueRef & { events: number }>;
  tactics: Link[];
  platforms: string[];
  eventCount: number;
  grades: GradeCounts;
  /** Confirmed, then named (only those with rows), strongest first within each. */
  groups: Array<GradeGroup<TechniqueEventRow>>;
  /** The related links, folded under "also related (N)"; null when none. */
  related: GradeGroup<TechniqueEventRow> | null;
  /** ATT&CK 18+: the analytics that name the technique's events. */
  analytics: AnalyticView[];
  /** Rule sources whose rules appear on the page, to credit (`Splunk Security Content`, `MITRE CAR`). */
  ruleSources: Array<{ label: string; url: string }>;
  about: AboutLinks;
  /** Data sources/components linked to the technique that name no Windows event. */
  withoutEvents: Link[];
  /** Newest first. */
  history: Array<{ version: string; url: string; events: number; current: boolean }>;
}

export interface SpecificityView {
  count: number;
  total: number;
  percent: string;
  label: string;
  level: 'very-specific' | 'specific' | 'moderate' | 'broad' | 'very-broad';
  explanation: string;
  /** Bounds for a <meter>: at or under `low` is specific, at or over `high` is broad. */
  low: number;
  high: number;
}

export interface EventView {
  key: string;
  log: string;
  eventId: string;
  name: string;
  description: string;
  channel: string;
  provider: string;
  specificity: SpecificityView;
  grades: GradeCounts;
  /** "Related to 377 of the 472 Windows techniques: …", every grade counted. */
  breadth: string;
  /** Confirmed, then named (only those with rows), strongest first within each. */
  groups: Array<GradeGroup<EventTechniqueRow>>;
  /** The related tail, folded; null when none. */
  related: GradeGroup<EventTechniqueRow> | null;
  about: AboutLinks;
  components: Link[];
  enable: EnableView;
  history: Array<{ version: string; url: string; techniques: number; current: boolean }>;
}

/** A technique an event is linked to, with how strongly and how it is known. */
export interface EventTechniqueRow extends TechniqueRef {
  grade: Grade;
  rules: number;
  /** Evidence kinds in a few words (`Splunk rule`, `ATT&CK analytic`), strongest first. */
  evidence: string[];
  /** Tactic names, comma-separated. */
  tactics: string;
}

export interface EventRef {
  key: string;
  log: string;
  eventId: string;
  name: string;
  url: string;
}

export interface TacticView {
  id: string;
  name: string;
  attackUrl: string;
  techniques: Array<TechniqueRef & { events: number; isSubtechnique: boolean }>;
  events: Array<EventRef & { techniques: number }>;
}

export interface DataComponentView {
  id: string;
  name: string;
  dataSource: string;
  kindLabel: string;
  techniques: Array<TechniqueRef & { events: number }>;
  events: EventRef[];
  /**
   * When no event is mapped but the name names a Windows event log (`PowerShell logs` in ATT&CK
   * ≤ 8): that log and its events in this version, so the page does not send the reader to
   * "another sensor". Null otherwise.
   */
  namedLog: { log: string; events: EventRef[] } | null;
}

export interface HomeView {
  counts: VersionCounts;
  logs: number;
  /**
   * Named events in the order that confirms the most techniques soonest (then names, then relates):
   * `gain` counts the techniques each event takes to a better grade than the events above it gave,
   * `confirmed` the running total of techniques confirmed by a rule.
   */
  priorities: Array<EventRef & { rank: number; techniques: number; gain: GradeCounts; confirmed: number; covered: number; percent: string }>;
  /** Techniques a public detection rule confirms with some event. */
  confirmedTechniques: number;
  /** Techniques any listed event shows, per best grade. */
  coverable: GradeCounts & { any: number };
  /** Named events that add nothing once the ones above are collected. */
  rest: number;
  /** Events left out because no source names them. */
  unnamed: number;
  about: AboutLinks;
}

export interface TechniqueIndexView {
  rows: Array<TechniqueRef & { isSubtechnique: boolean; tactics: string; events: number }>;
}

export interface TacticIndexView {
  rows: Array<{ id: string; name: string; url: string; techniques: number; events: number; top: EventRef | null }>;
}

export interface EventIndexView {
  logs: Array<{ log: string; caption: string; rows: Array<EventRef & { techniques: number; specificity: string; level: string }> }>;
}

export interface DataComponentIndexView {
  rows: Array<{ name: string; dataSource: string; id: string; url: string; techniques: number; events: number }>;
  kindLabel: string;
}

export interface DownloadsView {
  latest: string;
  versions: Array<{
    version: string;
    era: string;
    isLatest: boolean;
    home: string;
    counts: VersionCounts;
    files: Array<{ name: string; url: string; size: string; what: string }>;
  }>;
  latestFiles: Array<{ name: string; url: string; size: string; what: string }>;
  schemas: Array<{ name: string; url: string; size: string }>;
  rootFiles: Array<{ name: string; url: string; size: string; what: string }>;
}

export interface ChangesView {
  oldVersion: string;
  newVersion: string;
  identical: boolean;
  /** Home pages of the two versions. */
  oldHome: string;
  newHome: string;
  /** The "what changed" pages before and after this one, when there are. */
  previousChanges: { label: string; url: string } | null;
  nextChanges: { label: string; url: string } | null;
  /** One row per kind of change: what changed, or "No change." */
  summary: Array<{ kind: string; text: string; changed: boolean }>;
}

export interface CoverageView {
  version: string;
  /** The page's data file (`/assets/coverage/<v>.json`: scripts/pages/browser/coverage-data.ts), not the MBs of techniques.json. */
  data: string;
  /** The browser bundle of the coverage core and the page's script. */
  script: string;
  /**
   * The preset buttons: `audit` ones set the audit policy to the CLI's per-subcategory Windows
   * default (`--preset`), `ticks` ones tick events (the script finds them in events.json).
   */
  presets: Array<{ id: string; label: string; kind: 'audit' | 'ticks' | 'clear'; count: string; disabled: boolean }>;
  /** Links to events are `eventBase` + the event's slug + `/`. */
  eventBase: string;
  /** Links to techniques are `techniqueBase` + the technique ID + `/`. */
  techniqueBase: string;
  logs: Array<{ log: string; slug: string; events: Array<{ key: string; eventId: string; name: string; inputId: string }> }>;
  events: number;
  /** Matrix order; `mapped` and `total` do not depend on the events ticked. */
  tactics: Array<{ id: string; name: string; url: string; mapped: number; total: number }>;
  totals: { mapped: number; total: number };
}
