/**
 * The ATT&CK Navigator layer format (4.5) as we write it: its version constants and types. The JSON
 * Schema of the same subset is ./layer-schema.ts. Shared by the artifacts (which publish the
 * schema) and the coverage layers (which build layers), so neither imports the other.
 *
 * Format: https://github.com/mitre-attack/attack-navigator/blob/master/layers/LAYERFORMATv4_5.md
 * Pure module: no I/O, no node: imports.
 */
import { DOMAIN } from '../lib/domain.ts';

export const LAYER_FORMAT_VERSION = '4.5';
/** The Navigator release line that reads layer format 4.5 (4.9.0 and later). */
export const NAVIGATOR_VERSION = '4.9.1';
export const LAYER_DOMAIN = DOMAIN;

export type LayerMetadata = { name: string; value: string } | { divider: true };

export interface LayerTechnique {
  techniqueID: string;
  /** Tactic shortname; only when the technique is in several tactics (one entry per tactic). */
  tactic?: string;
  score?: number;
  color?: string;
  comment?: string;
  enabled?: boolean;
  metadata?: LayerMetadata[];
  showSubtechniques?: boolean;
}

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  description: string;
  filters: { platforms: string[] };
  /** 0: name ascending, 1: name descending, 2: score ascending, 3: score descending. */
  sorting: 0 | 1 | 2 | 3;
  layout: {
    layout: 'side' | 'flat' | 'mini';
    showID: boolean;
    showName: boolean;
    showAggregateScores: boolean;
    countUnscored: boolean;
    aggregateFunction: 'average' | 'min' | 'max' | 'sum';
    expandedSubtechniques: 'none' | 'all' | 'annotated';
  };
  hideDisabled: boolean;
  techniques: LayerTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: Array<{ label: string; color: string }>;
  showTacticRowBackground: boolean;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
  selectVisibleTechniques: boolean;
  metadata: LayerMetadata[];
}
