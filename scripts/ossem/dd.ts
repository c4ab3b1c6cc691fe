/** OSSEM-DD event dictionaries (windows/.../events/event-<id>[_v<n>].yml): names and descriptions. */
import { isMap, loadYaml, OssemError, text } from './yaml.ts';

export interface DdEvent {
  /** The provider (`log_source`), e.g. Microsoft-Windows-Sysmon. */
  provider: string;
  eventId: string;
  /** Event version: from `event_version`, else the file's `_v<n>` suffix, else 0. */
  version: number;
  name: string;
  description: string;
}

export function parseDdEvent(source: string, where: string): DdEvent {
  const doc = loadYaml(source, where);
  if (!isMap(doc)) throw new OssemError(where, 'expected an event dictionary mapping');
  const id = text(doc, 'event_id');
  const provider = text(doc, 'log_source');
  if (!id) throw new OssemError(where, 'missing event_id');
  if (!provider) throw new OssemError(where, 'missing log_source');
  const fromFile = /_v(\d+)\.ya?ml$/.exec(where);
  const version = Number(text(doc, 'event_version') ?? (fromFile ? fromFile[1] : '0'));
  return {
    provider,
    eventId: id,
    version: Number.isFinite(version) ? version : 0,
    name: text(doc, 'name') ?? '',
    description: text(doc, 'description') ?? '',
  };
}
