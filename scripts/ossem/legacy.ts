/** OSSEM legacy `all_data_sources.yml`: ATT&CK ≤ 8 data-source strings → Windows event IDs. */
import { isMap, loadYaml, OssemError, text } from './yaml.ts';

export interface LegacyRecord {
  /** The notebook splits `data_source` on ", ": one record may serve several ATT&CK data sources. */
  dataSources: string[];
  subDataSource: string;
  eventId: string;
  description: string;
  provider: string;
  channel: string;
  /** "Audit Logon/Logoff" style; the "Audit " prefix is kept as upstream writes it. */
  auditCategory: string;
  auditSubcategory: string;
  gpo: string;
  enableCommand: string;
  clientDefault: string;
  serverDefault: string;
}

export function parseLegacy(source: string, where: string): LegacyRecord[] {
  const doc = loadYaml(source, where);
  if (!Array.isArray(doc)) throw new OssemError(where, 'expected a list of data-source records');
  return doc.map((r, i) => {
    const w = `${where} record ${i + 1}`;
    if (!isMap(r)) throw new OssemError(w, 'not a mapping');
    const ds = text(r, 'data_source');
    const id = text(r, 'event_id');
    if (!ds) throw new OssemError(w, 'missing data_source');
    if (!id || !/^\d+$/.test(id)) throw new OssemError(w, `event_id should be a number, got ${JSON.stringify(r['event_id'])}`);
    return {
      dataSources: ds.split(', ').map((s) => s.trim()).filter(Boolean),
      subDataSource: text(r, 'sub_data_source') ?? '',
      eventId: id,
      description: text(r, 'event_id_description') ?? '',
      provider: text(r, 'provider_name') ?? '',
      channel: text(r, 'event_channel') ?? '',
      auditCategory: text(r, 'data_category') ?? '',
      auditSubcategory: text(r, 'data_sub_category') ?? '',
      gpo: text(r, 'gpo') ?? '',
      enableCommand: text(r, 'enable_commands') ?? '',
      clientDefault: text(r, 'client_default') ?? '',
      serverDefault: text(r, 'server_default') ?? '',
    };
  });
}
