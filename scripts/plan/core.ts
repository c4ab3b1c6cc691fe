/**
 * The plan's one door into the coverage core (scripts/coverage/index.ts, which lists what a planner
 * reuses): the inputs (what is already collected), the advice units with their greedy ranking and
 * enablement texts, the grades and the Navigator layer writer. The plan keeps no copy of any of
 * them; when the coverage core moves, only this file changes.
 *
 * Pure module: no I/O, no node: imports.
 */
import { CoverageError } from '../coverage/index.ts';

export {
  type Advice,
  type AdviceKind,
  checkMinGrade,
  classifyTechniques,
  cmp,
  COLORS,
  collectConfiguredEvents,
  computeConfigCoverage,
  type ConfigCollectedEvent,
  type ConfigEvent,
  type ConfigInputs,
  configAdvice,
  configEventsFromJson,
  type CoverageTechnique,
  DEFAULT_TOP,
  eventCatalog,
  type EventToken,
  expandScoredParents,
  fewOf,
  GRADE_SCORE,
  type Grade,
  gradeCounts,
  type GradeCounts,
  type GradeLists,
  GRADES,
  gradeSummary,
  type InputSummary,
  inputTooLarge,
  isPreset,
  layer,
  type LayerTechnique,
  linksByEvent,
  minGradeWords,
  type NavigatorLayer,
  parseAuditpolCsv,
  parseEventsArg,
  parseEventsFile,
  parseSysmonConfig,
  PRESETS,
  presetPolicy,
  rankedLinks,
  resolveEventList,
  resolveVersion,
  techniqueEntries,
  validateLayer,
  type VersionData,
  versionDataFromJson,
  withMinGrade,
} from '../coverage/index.ts';

/** A target or plan the user can fix (unknown group, revoked technique, bad layer): one `error:` line. */
export class PlanError extends CoverageError {}
