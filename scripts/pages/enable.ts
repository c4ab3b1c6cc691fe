/** How to turn an event on, from events.json: audit policy, GPO path, Sysmon event type, defaults. */
import type { EventArtifact } from '../artifacts/build.ts';
import type { EnableView } from './types.ts';

export function enableView(e: EventArtifact | undefined): EnableView {
  if (!e) {
    return { auditpol: '', category: '', subcategory: '', gpo: '', sysmon: '', clientDefault: '', serverDefault: '', channel: '', unknown: true };
  }
  const v = {
    auditpol: e.enable.auditpol,
    category: e.auditCategory,
    subcategory: e.auditSubcategory,
    gpo: e.enable.gpo,
    sysmon: e.enable.sysmonEventType,
    clientDefault: e.clientDefault,
    serverDefault: e.serverDefault,
    channel: e.channel,
  };
  return { ...v, unknown: !v.auditpol && !v.subcategory && !v.gpo && !v.sysmon };
}

export function shortEnable(e: EventArtifact | undefined): { auditpol: string; subcategory: string; sysmon: string } {
  return { auditpol: e?.enable.auditpol ?? '', subcategory: e?.auditSubcategory ?? '', sysmon: e?.enable.sysmonEventType ?? '' };
}
