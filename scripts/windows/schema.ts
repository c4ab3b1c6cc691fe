/**
 * The JSON Schema of an event's `enable` object in events.json (EventEnable in ./enable.ts),
 * kept beside the type so the two change together; artifacts/schemas.ts puts it in
 * events.schema.json. Strict like the others: every field required, no extra fields.
 *
 * Pure module: no I/O, no node: imports.
 */
import { AUDIT_OUTCOMES } from './audit.ts';

type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
function obj(properties: Record<string, unknown>, description?: string): Schema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties, ...(description ? { description } : {}) };
}
const nullable = (s: Schema): Schema => ({ anyOf: [{ type: 'null' }, s] });

const source = obj(
  { name: str, url: { type: 'string', pattern: '^(?:https?://\\S+)?$' } },
  "where the fact comes from: a Microsoft documentation page, OSSEM, or this project's table (url empty)",
);
const note = obj({ text: str, source });

export const ENABLE_SCHEMA: Schema = obj(
  {
    audit: {
      type: 'array',
      description: 'Security: every audit subcategory that writes the event, OSSEM’s first',
      items: obj({
        subcategory: str,
        guid: { type: 'string', pattern: '^\\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\\}$' },
        category: str,
        outcome: { enum: [...AUDIT_OUTCOMES], description: 'the audit outcome that writes the event' },
        auditpol: { type: 'string', description: 'the command (elevated) that turns the subcategory on for that outcome' },
        gpo: { type: 'string', description: 'the same setting in Group Policy' },
        note: { type: 'string', description: 'what the subcategory needs beyond the switch; empty when nothing' },
        source,
      }),
    },
    sacl: { ...nullable(note), description: 'object access: written only for objects whose SACL has an audit entry; null otherwise' },
    switches: {
      type: 'array',
      description: 'named switches: turns-on (the event is not written without it) or adds-detail (fields such as the 4688 command line)',
      items: obj({
        id: { type: 'string', pattern: '^[a-z0-9-]+$' },
        title: str,
        effect: { enum: ['turns-on', 'adds-detail'] },
        commands: { type: 'array', items: str, description: 'commands to run (elevated), in order' },
        gpo: str,
        note: str,
        source,
      }),
    },
    sysmon: {
      ...nullable(
        obj({
          element: { type: 'string', description: 'the Sysmon configuration element (ProcessCreate); empty for the service events Sysmon always writes' },
          eventIds: { type: 'array', items: { type: 'string', pattern: '^\\d+$' }, description: 'every event ID the element filters' },
          snippet: { type: 'string', description: 'the smallest configuration that logs every event of the element' },
          defaultOn: { type: 'boolean', description: 'logged when a configuration has no rule for the element' },
          note: str,
          source,
        }),
      ),
      description: 'Sysmon events only; null for other logs',
    },
    defaults: { type: 'array', items: note, description: 'what Windows does out of the box (default audit policy, PowerShell logging)' },
  },
  'how to turn the event on, from the one enablement table (scripts/windows/)',
);
