/**
 * The coverage core, by role. Pure (no I/O, no node: imports) so the site bundles it; Node callers
 * read files with ./load.ts (loadVersionData, loadConfigVersion, readConfigFile).
 *
 *   readers/    what the user gives: auditpol CSV (auditpol.ts), Sysmon XML (sysmon.ts, xml.ts),
 *               text in any Windows encoding and input limits (decode.ts)
 *   events.ts   event lists (`--events Security:4688,sysmon 1`)
 *   data.ts     events.json / techniques.json / tactics.json → VersionData and ConfigEvent[]
 *   inputs.ts   which events a configuration collects (ConfigInputs → collectConfiguredEvents)
 *   presets.ts  the Windows default audit policy as an input (`--preset`)
 *   compute.ts  coverage: computeCoverage (an event list), computeConfigCoverage (any inputs)
 *   advice.ts   what to collect next: nextBestEvents, configAdvice (audit subcategories, Sysmon
 *               types, switches), and the gain-by-grade helpers both rank with
 *   grades.ts   grades, minimum grade, counts per grade
 *   format.ts   Markdown / CSV / JSON of both reports
 *   layers.ts   ATT&CK Navigator layers
 * How each event is turned on (subcategories, switches, Sysmon elements, snippets) is not here:
 * it is the enablement table of scripts/windows/, carried per event in events.json `enable`.
 *
 * For a planner (scripts/plan/) reusing this core, import from this file:
 *   inputs   ConfigInputs, collectConfiguredEvents, parseAuditpolCsv, parseSysmonConfig,
 *            presetPolicy, resolveEventList / parseEventsArg (and ./load.ts in Node);
 *   advice   configAdvice (greedy units with their commands, GPO paths and snippets), Advice;
 *   grading  withMinGrade, linksByEvent, gradeCounts, classifyTechniques, gainsOver / gainLists /
 *            compareGains; computeConfigCoverage for the whole report.
 * They are pure functions of VersionData and ConfigEvent[]: no state, no I/O.
 */
export * from './types.ts';
export * from './grades.ts';
export * from './events.ts';
export * from './data.ts';
export * from './readers/xml.ts';
export * from './readers/decode.ts';
export * from './readers/auditpol.ts';
export * from './readers/sysmon.ts';
export * from './inputs.ts';
export * from './presets.ts';
export * from './advice.ts';
export * from './compute.ts';
export * from './format.ts';
export * from './layers.ts';
export * from '../navigator/layer-schema.ts';
export * from '../windows/index.ts';
