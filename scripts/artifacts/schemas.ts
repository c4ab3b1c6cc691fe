/**
 * JSON Schemas of the published artifacts, written to `<out>/schemas/` with the data and used to
 * validate every artifact before it is written. Strict: every field required, no extra fields.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { ATTACK_ID_PATTERNS, SAFE_LOG_NAME } from '../attack/stix.ts';
import { DOMAIN } from '../lib/domain.ts';
import { LAYER_SCHEMA } from '../navigator/layer-schema.ts';
import { GRADE_MEANING, GRADES } from '../mapping/grade.ts';
import { EVIDENCE_KINDS, type ProblemKind } from '../mapping/types.ts';
import { RULE_SOURCES } from '../rules/types.ts';
import { ENABLE_SCHEMA } from '../windows/schema.ts';

type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const strs = { type: 'array', items: str } as const;
const int = { type: 'integer', minimum: 0 } as const;
const ID = 'https://example.invalid/winevents-attack-map/schemas/';

function obj(properties: Record<string, unknown>): Schema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

const evidenceKind = { enum: [...EVIDENCE_KINDS] };
const grade = {
  enum: [...GRADES],
  description: `How the link is known, best first. ${GRADES.map((g) => `${g}: ${GRADE_MEANING[g]}`).join('. ')}.`,
};
const ruleCount = { type: 'integer', minimum: 0, description: 'distinct public detection rules that use this event for this technique' };
const era = { enum: ['data-source-strings', 'data-components', 'detection-strategies'] };
const version = { type: 'string', pattern: '^\\d+\\.\\d+$' };
// Every upstream identifier that becomes a file name or a URL path has a pattern, so an artifact
// with a bad one fails validation before anything is written (the mapping already leaves such
// objects out and reports them).
const logName = { type: 'string', pattern: SAFE_LOG_NAME.source };
const eventKey = { type: 'string', pattern: `${SAFE_LOG_NAME.source.slice(0, -1)}:\\d+$` };
const techniqueId = { type: 'string', pattern: ATTACK_ID_PATTERNS.technique };
const tacticId = { type: 'string', pattern: ATTACK_ID_PATTERNS.tactic };
const dataComponentId = { anyOf: [{ const: '' }, { type: 'string', pattern: ATTACK_ID_PATTERNS.dataComponent }] };
const attackUrl = { type: 'string', pattern: '^(?:https?://\\S+)?$', description: "the object's attack.mitre.org page; empty when upstream gave none, or one that is not http(s)" };

/** Every ProblemKind, in the report schema's enum. */
export const PROBLEM_KINDS = [
  'data-source-without-event',
  'free-text-channel',
  'not-a-windows-event-log',
  'dangling-reference',
  'no-detection',
  'ossem-dm-without-attack',
  'ossem-dm-not-windows-event',
  'unknown-log-name',
  'misfiled-event',
  'unknown-event',
  'rule-data-source-not-windows',
  'rule-data-source-unresolved',
  'rule-without-event',
  'rule-technique-not-placed',
  'invalid-identifier',
  'missing-identifier',
  'duplicate-identifier',
  'unsafe-url',
] as const satisfies readonly ProblemKind[];
// Fails to compile, naming the kind, when a ProblemKind is missing from the list above.
const everyProblemKind: [Exclude<ProblemKind, (typeof PROBLEM_KINDS)[number]>] extends [never] ? true : Exclude<ProblemKind, (typeof PROBLEM_KINDS)[number]> = true;
void everyProblemKind;

/** A list of groups, campaigns or software in groups.json. */
function actorList(kind: string, idPattern: string): Schema {
  const anyActorId = { type: 'string', pattern: '^[GCS]\\d{4}$' };
  return {
    type: 'array',
    description: `every ${kind} of the version, by ID; revoked ones with no techniques and the ID that replaced them`,
    items: obj({
      id: { type: 'string', pattern: idPattern },
      name: str,
      aliases: { type: 'array', items: str, description: 'other names ATT&CK gives (aliases, x_mitre_aliases), the name itself left out' },
      url: attackUrl,
      softwareType: { enum: ['', 'malware', 'tool'] },
      techniques: { type: 'array', items: techniqueId, description: 'techniques it uses (any platform); a use of a revoked technique counts for its replacement' },
      software: { type: 'array', items: { type: 'string', pattern: ATTACK_ID_PATTERNS.software }, description: 'groups and campaigns: software they use' },
      attributedTo: { type: 'array', items: { type: 'string', pattern: ATTACK_ID_PATTERNS.group }, description: 'campaigns: groups they are attributed to' },
      revokedBy: { anyOf: [{ const: '' }, anyActorId], description: 'the object that replaced it (end of the revoked-by chain); empty when not revoked' },
      deprecated: { type: 'boolean' },
    }),
  };
}

const counts = obj({ techniques: int, techniquesWithEvents: int, tactics: int, dataComponents: int, events: int, rows: int, links: int, confirmedLinks: int, namedLinks: int, rules: int, problems: int });

export const SCHEMAS: Record<string, Schema> = {
  'techniques.schema.json': {
    $id: `${ID}techniques.schema.json`,
    title: 'Windows techniques of one ATT&CK version with the events that show them',
    ...obj({
      attackVersion: version,
      techniques: {
        type: 'array',
        items: obj({
          id: techniqueId,
          name: str,
          url: attackUrl,
          tactics: strs,
          platforms: strs,
          isSubtechnique: { type: 'boolean' },
          parent: { anyOf: [{ const: '' }, techniqueId] },
          subtechniques: { type: 'array', items: techniqueId },
          dataComponents: {
            type: 'array',
            items: obj({ dataSource: str, dataComponent: str, dataComponentId, events: { type: 'array', items: eventKey } }),
          },
          events: {
            type: 'array',
            items: obj({
              key: eventKey,
              log: logName,
              eventId: { type: 'string', pattern: '^\\d+$' },
              name: str,
              grade,
              rules: ruleCount,
              evidence: { type: 'array', minItems: 1, items: obj({ kind: evidenceKind, ref: str, detail: str }) },
            }),
            description: 'strongest first: grade, then rule count, then event order (log, numeric ID)',
          },
          analytics: {
            type: 'array',
            items: obj({
              ref: { type: 'string', minLength: 1, description: 'the ref of the attack-analytic evidence it gives: DET0363/AN1030' },
              url: { ...attackUrl, description: "the analytic's attack.mitre.org page; empty when upstream gave none, or one that is not http(s)" },
              description: { type: 'string', description: "what the analytic looks for, as ATT&CK's description writes it" },
              mutableElements: {
                type: 'array',
                items: obj({ field: str, description: str }),
                description: "x_mitre_mutable_elements: what ATT&CK says to tune in the analytic, field by field",
              },
            }),
            description: "ATT&CK 18+: the analytics behind the technique's attack-analytic evidence, one per evidence ref, sorted by ref; empty before ATT&CK 18",
          },
        }),
      },
    }),
  },
  'events.schema.json': {
    $id: `${ID}events.schema.json`,
    title: 'Windows events of one ATT&CK version, each with the techniques it helps detect',
    ...obj({
      attackVersion: version,
      events: {
        type: 'array',
        items: obj({
          key: eventKey,
          log: logName,
          eventId: { type: 'string', pattern: '^\\d+$' },
          channel: str,
          provider: str,
          name: str,
          description: str,
          auditCategory: str,
          auditSubcategory: str,
          clientDefault: str,
          serverDefault: str,
          enable: ENABLE_SCHEMA,
          techniques: { type: 'array', items: obj({ id: techniqueId, grade, rules: ruleCount }), description: 'strongest first: grade, then rule count, then technique ID' },
          tactics: strs,
          dataComponents: strs,
        }),
      },
    }),
  },
  'tactics.schema.json': {
    $id: `${ID}tactics.schema.json`,
    title: 'Tactics of one ATT&CK version in matrix order, with their techniques and events',
    ...obj({
      attackVersion: version,
      tactics: {
        type: 'array',
        items: obj({
          id: tacticId,
          shortname: str,
          name: str,
          url: attackUrl,
          techniques: { type: 'array', items: techniqueId },
          events: { type: 'array', items: obj({ key: eventKey, techniques: { type: 'integer', minimum: 1 } }) },
        }),
      },
    }),
  },
  'data-components.schema.json': {
    $id: `${ID}data-components.schema.json`,
    title: 'Data sources/components of one ATT&CK version with their techniques and events',
    ...obj({
      attackVersion: version,
      dataComponents: {
        type: 'array',
        items: obj({ id: dataComponentId, name: str, dataSource: str, techniques: { type: 'array', items: techniqueId }, events: { type: 'array', items: eventKey } }),
      },
    }),
  },
  'report.schema.json': {
    $id: `${ID}report.schema.json`,
    title: 'What did not map in one ATT&CK version, and why',
    ...obj({
      attackVersion: version,
      era,
      skipped: obj({ revoked: int, deprecated: int, notWindows: int }),
      problemCounts: { type: 'object', additionalProperties: int },
      problems: {
        type: 'array',
        items: obj({
          kind: { enum: [...PROBLEM_KINDS] },
          subject: str,
          where: strs,
          message: str,
        }),
      },
      logSpellings: {
        type: 'array',
        items: obj({ spelling: str, log: str, source: { enum: ['attack', 'ossem-dm', 'ossem-legacy', 'ossem-dd'] }, count: { type: 'integer', minimum: 1 } }),
      },
    }),
  },
  'rules.schema.json': {
    $id: `${ID}rules.schema.json`,
    title: 'Public detection rules (Splunk Security Content, MITRE CAR) placed on the Windows techniques of one ATT&CK version',
    ...obj({
      attackVersion: version,
      rules: {
        type: 'array',
        items: obj({
          source: { enum: [...RULE_SOURCES] },
          id: { type: 'string', pattern: '^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|CAR-\\d{4}-\\d{2}-\\d{3})$' },
          name: str,
          url: { type: 'string', pattern: '^https://(?:research\\.splunk\\.com|car\\.mitre\\.org)/' },
          status: { type: 'string', description: 'Splunk status (production, experimental); empty for CAR' },
          techniques: {
            type: 'array',
            minItems: 1,
            items: obj({ tagged: techniqueId, placed: techniqueId, coverage: { type: 'string', description: "CAR's coverage level for the technique; empty for Splunk" } }),
          },
          events: { type: 'array', minItems: 1, items: eventKey },
        }),
      },
    }),
  },
  'groups.schema.json': {
    $id: `${ID}groups.schema.json`,
    title: 'Groups, campaigns and software of one ATT&CK version with the techniques each uses (ATT&CK uses relationships)',
    ...obj({
      attackVersion: version,
      groups: actorList('group', ATTACK_ID_PATTERNS.group),
      campaigns: actorList('campaign', ATTACK_ID_PATTERNS.campaign),
      software: actorList('software', ATTACK_ID_PATTERNS.software),
      otherTechniques: {
        type: 'array',
        description: 'techniques absent from techniques.json: revoked (with the technique that replaced them), deprecated, or not on Windows',
        items: obj({
          id: techniqueId,
          name: str,
          platforms: strs,
          revokedBy: { anyOf: [{ const: '' }, techniqueId], description: 'the technique that replaced it (end of the revoked-by chain); empty when not revoked' },
          deprecated: { type: 'boolean' },
          dataComponents: { ...strs, description: 'what ATT&CK says would show it (Source: Component), on any platform' },
        }),
      },
    }),
  },
  'manifest.schema.json': {
    $id: `${ID}manifest.schema.json`,
    title: 'Sources (URL, sha256, size) and counts of one ATT&CK version build; no timestamps',
    ...obj({
      attackVersion: version,
      era,
      counts,
      sources: {
        type: 'array',
        minItems: 1,
        items: obj({ role: str, url: str, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, size: int }),
      },
      files: { type: 'array', items: obj({ name: str, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, size: int }) },
    }),
  },
  'index.schema.json': {
    $id: `${ID}index.schema.json`,
    title: 'The ATT&CK versions present in this data folder',
    ...obj({
      domain: { const: DOMAIN },
      latest: version,
      versions: { type: 'array', minItems: 1, items: obj({ version, era, path: { type: 'string', pattern: `^${DOMAIN}/\\d+\\.\\d+$` }, counts }) },
    }),
  },
};

/** Every schema published in `<out>/schemas/`: the artifacts' and the Navigator layers'. */
export const PUBLISHED_SCHEMAS: Record<string, Readonly<Record<string, unknown>>> = {
  ...SCHEMAS,
  'navigator-layer.schema.json': LAYER_SCHEMA,
};

/** Which schema checks which artifact file. */
export const SCHEMA_FOR: Record<string, string> = {
  'techniques.json': 'techniques.schema.json',
  'events.json': 'events.schema.json',
  'tactics.json': 'tactics.schema.json',
  'data-components.json': 'data-components.schema.json',
  'report.json': 'report.schema.json',
  'rules.json': 'rules.schema.json',
  'manifest.json': 'manifest.schema.json',
  'groups.json': 'groups.schema.json',
  'index.json': 'index.schema.json',
};

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    compiled = new Map(Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));
  }
  return compiled;
}

/** Returns the problems of a JSON artifact against its schema; an empty list when it is valid. */
export function validateArtifact(fileName: string, value: unknown): string[] {
  const schemaName = SCHEMA_FOR[fileName];
  // A file without a schema would pass unchecked: that is a bug in the caller, not bad data.
  if (!schemaName) throw new Error(`validateArtifact: no schema checks ${fileName}; add it to SCHEMA_FOR`);
  const validate = validators().get(schemaName);
  if (!validate) return [`no schema compiled for ${fileName}`];
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${fileName}${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
