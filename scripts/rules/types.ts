/** Public detection rules (Splunk Security Content, MITRE CAR) as read from their archives. */

export const RULE_SOURCES = ['splunk-escu', 'mitre-car'] as const;
export type RuleSource = (typeof RULE_SOURCES)[number];

/** An event as a rule names it, before the log alias table and the event catalogue resolve it. */
export interface RuleEventRef {
  /**
   * The log as the source spells it: a Splunk data source's `source` with Splunk's `Xml` prefix dropped
   * (`XmlWinEventLog:Security` is kept as `WinEventLog:Security`), `Sysmon` for a CAR sensor mapping or an
   * implementation that queries Sysmon, the short log a CAR query names (`channel="System"` → `System`);
   * '' when only the ID is known.
   */
  log: string;
  eventId: string;
  /** What named it: the Splunk data source name, `implementation (Splunk)`, `data model process/create`. */
  via: string;
}

export interface RuleTechnique {
  /** The technique ID as tagged (T1059.003). */
  id: string;
  /** CAR's coverage level for it (Low, Moderate, High); '' for Splunk. */
  coverage: string;
}

export interface DetectionRule {
  source: RuleSource;
  /** Splunk: the detection's UUID; CAR: CAR-2013-02-003. */
  id: string;
  name: string;
  /** https://research.splunk.com/<domain>/<id>/ or https://car.mitre.org/analytics/<id>/ */
  url: string;
  /** Splunk `status` (production, experimental); '' for CAR. */
  status: string;
  /** As tagged, unique, sorted by ID. */
  techniques: RuleTechnique[];
  events: RuleEventRef[];
  /** Data sources that give no Windows event (another platform, a product table, no event ID): reported, not linked. */
  unmatched: Array<{ name: string; reason: 'not-windows' | 'no-event-id' | 'unknown-data-source' }>;
}

/** A rule whose events are resolved to event keys (`Security:4688`) through the log alias table. */
export interface ResolvedRule extends Omit<DetectionRule, 'events'> {
  events: Array<{ key: string; log: string; eventId: string; via: string }>;
}
