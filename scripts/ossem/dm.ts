/** OSSEM-DM `_all_ossem_relationships.yml`: ATT&CK data source/component → events. */
import { isMap, loadYaml, OssemError, text, type YamlValue } from './yaml.ts';

export interface DmEvent {
  eventId: string;
  name: string;
  platform: string;
  logSource: string;
  channel: string;
  auditCategory: string;
  auditSubcategory: string;
}

export interface DmRelationship {
  id: string;
  name: string;
  /** Empty when OSSEM-DM has not tied the relationship to ATT&CK (`attack: null`). */
  dataSource: string;
  dataComponent: string;
  events: DmEvent[];
}

function events(v: YamlValue | undefined, where: string): DmEvent[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OssemError(where, 'security_events should be a list');
  return v.map((e, i) => {
    const w = `${where} security_events[${i}]`;
    if (!isMap(e)) throw new OssemError(w, 'not a mapping');
    const id = text(e, 'event_id');
    if (!id) throw new OssemError(w, 'missing event_id');
    return {
      eventId: id,
      name: text(e, 'name') ?? '',
      platform: text(e, 'platform') ?? '',
      logSource: text(e, 'log_source') ?? '',
      channel: text(e, 'channel') ?? '',
      auditCategory: text(e, 'audit_category') ?? '',
      auditSubcategory: text(e, 'audit_sub_category') ?? '',
    };
  });
}

export function parseDm(source: string, where: string): DmRelationship[] {
  const doc = loadYaml(source, where);
  if (!Array.isArray(doc)) throw new OssemError(where, 'expected a list of relationships');
  return doc.map((r, i) => {
    if (!isMap(r)) throw new OssemError(`${where} item ${i + 1}`, 'not a mapping');
    const id = text(r, 'relationship_id');
    if (!id) throw new OssemError(`${where} item ${i + 1}`, 'missing relationship_id');
    const w = `${where} ${id}`;
    const attack = r['attack'];
    if (attack !== null && attack !== undefined && !isMap(attack)) throw new OssemError(w, '"attack" should be a mapping');
    return {
      id,
      name: text(r, 'name') ?? '',
      dataSource: (attack && text(attack, 'data_source')) ?? '',
      dataComponent: (attack && text(attack, 'data_component')) ?? '',
      events: events(r['security_events'], w),
    };
  });
}
