/** Why an event is linked to a technique, in words a reader can check upstream. */
import type { Evidence } from '../mapping/types.ts';
import type { EvidenceView } from './types.ts';

export const EVIDENCE_LABELS: Record<Evidence, string> = {
  'splunk-escu': 'Splunk Security Content rule',
  'mitre-car': 'MITRE CAR analytic',
  'attack-analytic': 'ATT&CK analytic',
  'attack-component': 'ATT&CK data component log source',
  'ossem-dm': 'OSSEM-DM relationship',
  'ossem-legacy': 'OSSEM (legacy table)',
};

export function evidenceView(e: { kind: Evidence; ref: string; detail: string }): EvidenceView {
  return { kind: e.kind, label: EVIDENCE_LABELS[e.kind] ?? e.kind, ref: e.ref, detail: e.detail };
}
