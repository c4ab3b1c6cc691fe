/**
 * How to turn an event on, as the pages show it: events.json's `enable` (the one enablement
 * table, scripts/windows/) turned into views. No enablement text is written here.
 */
import type { EventArtifact } from '../artifacts/build.ts';
import { isHttpUrl } from '../lib/http-url.ts';
import { enableUnknown, type FactNote, type FactSource } from '../windows/index.ts';
import type { EnableShortView, EnableView, SourceView } from './types.ts';

/** A fact's source as a link; a URL that is not http(s) is dropped, as every upstream URL. */
function sourceView(s: FactSource): SourceView {
  return { name: s.name, url: isHttpUrl(s.url) ? s.url : '' };
}

/** The table's texts are phrases (`turn on …`); a page shows them as sentences. */
const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const noteView = (n: FactNote): { text: string; source: SourceView } => ({ text: sentence(n.text), source: sourceView(n.source) });

const OUTCOME_WORDS = { success: 'success', failure: 'failure', both: 'success and failure' } as const;

export function enableView(e: EventArtifact | undefined): EnableView {
  if (!e) return { channel: '', unknown: true, audit: [], sacl: null, switches: [], sysmon: null, defaults: [] };
  const en = e.enable;
  return {
    channel: e.channel,
    unknown: enableUnknown(en),
    audit: en.audit.map((a) => ({ category: a.category, subcategory: a.subcategory, outcome: OUTCOME_WORDS[a.outcome], auditpol: a.auditpol, gpo: a.gpo, note: a.note, source: sourceView(a.source) })),
    sacl: en.sacl ? noteView(en.sacl) : null,
    switches: en.switches.map((s) => ({ title: sentence(s.title), effect: s.effect, commands: s.commands.join('\n'), gpo: s.gpo, note: s.note, source: sourceView(s.source) })),
    sysmon: en.sysmon ? { element: en.sysmon.element, eventIds: en.sysmon.eventIds.join(', '), snippet: en.sysmon.snippet, note: en.sysmon.element ? en.sysmon.note : sentence(en.sysmon.note), source: sourceView(en.sysmon.source) } : null,
    defaults: en.defaults.map(noteView),
  };
}

/** The one line a technique page shows per event; the event page has the rest. */
export function shortEnable(e: EventArtifact | undefined): EnableShortView {
  const en = e?.enable;
  const first = en?.audit[0];
  const turnsOn = en?.switches.find((s) => s.effect === 'turns-on');
  return {
    auditpol: first?.auditpol ?? '',
    subcategory: first?.subcategory ?? '',
    more: Math.max(0, (en?.audit.length ?? 0) - 1),
    sacl: en?.sacl !== null && en?.sacl !== undefined,
    sysmon: en?.sysmon?.element ?? '',
    switchTitle: turnsOn ? sentence(turnsOn.title) : '',
    note: en?.defaults[0] ? sentence(en.defaults[0].text) : '',
  };
}
