/**
 * How much one event says about any one technique, in plain words: an event tied to a handful of
 * techniques is a lead; one tied to half of them is context.
 */
import type { SpecificityView } from './types.ts';

export function percent(count: number, total: number): string {
  if (total <= 0) return '0%';
  const p = (100 * count) / total;
  return p > 0 && p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

export function specificity(count: number, total: number): SpecificityView {
  const share = total > 0 ? count / total : 0;
  const base = { count, total, percent: percent(count, total), low: Math.max(3, Math.floor(total * 0.03)), high: Math.ceil(total * 0.25) };
  const tied = `tied to ${count} of ${total} techniques`;
  if (count <= 3) {
    return { ...base, level: 'very-specific', label: 'Very specific', explanation: `${tied}: it points at ${count === 1 ? 'one technique' : 'a handful of techniques'}.` };
  }
  if (share <= 0.03) {
    return { ...base, level: 'specific', label: 'Specific', explanation: `${tied}: a short list, a good lead.` };
  }
  if (share <= 0.1) {
    return { ...base, level: 'moderate', label: 'Fairly general', explanation: `${tied}: it narrows things down, best read with other events.` };
  }
  if (share <= 0.25) {
    return { ...base, level: 'broad', label: 'Broad', explanation: `${tied}: seen with many techniques, context more than a signal.` };
  }
  return { ...base, level: 'very-broad', label: 'Very broad', explanation: `${tied}: says little about any one of them.` };
}
