/**
 * The plan's one door into the coverage core: the inputs (what is already collected), the advice
 * units with their greedy ranking and enablement texts, the grades and the Navigator layer writer.
 * The plan keeps no copy of any of them; when the coverage core moves, only this file changes.
 *
 * Pure module: no I/O, no node: imports.
 */
import { CoverageError } from '../coverage/types.ts';

export { cmp, type CoverageTechnique, type Grade, type VersionData } from '../coverage/types.ts';
export { GRADE_SCORE, GRADES, gradeCounts, type GradeCounts, gradeSummary, linksByEvent, minGradeWords, rankedLinks, withMinGrade } from '../coverage/grades.ts';
export { checkMinGrade, classifyTechniques, DEFAULT_TOP, type GradeLists } from '../coverage/compute.ts';
export { type Advice, type AdviceKind, computeConfigCoverage, configAdvice, type InputSummary } from '../coverage/config/report.ts';
export { collectConfiguredEvents, type ConfigCollectedEvent, type ConfigInputs } from '../coverage/config/collect.ts';
export type { ConfigEvent } from '../coverage/config/data.ts';
export { COLORS, expandScoredParents, fewOf, layer, type LayerTechnique, type NavigatorLayer, techniqueEntries } from '../coverage/layers.ts';
export { validateLayer } from '../navigator/layer-schema.ts';
export { eventCatalog, type EventToken, parseEventsArg, parseEventsFile, resolveEventList } from '../coverage/events.ts';
export { isPreset, PRESETS, presetPolicy } from '../coverage/config/preset.ts';
export { parseAuditpolCsv } from '../coverage/config/auditpol.ts';
export { parseSysmonConfig } from '../coverage/config/sysmon.ts';

/** A target or plan the user can fix (unknown group, revoked technique, bad layer): one `error:` line. */
export class PlanError extends CoverageError {}
