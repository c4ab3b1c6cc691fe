/**
 * Everything the coverage page shows after a change, computed in one call: the CLI's configuration
 * report of the page's inputs at the chosen minimum grade, the ranked advice, the next-best events
 * and the per-tactic table (with nothing collected, the table's "mapped" column at that grade).
 * Pure (no DOM, no node: imports): it runs in the page's worker thread, or in the page itself
 * where workers are not available.
 */
import {
  type Advice,
  classifyTechniques,
  configAdvice,
  type ConfigCoverageReport,
  type ConfigEvent,
  DEFAULT_TOP,
  type Grade,
  nextBestEvents,
  type NextBestEvent,
  tacticCounts,
  type VersionData,
  withMinGrade,
} from '../../coverage/index.ts';
import { type PageInputs, pageReport } from './coverage-config.ts';

export interface PageRequest {
  inputs: PageInputs;
  /** `--min-grade`: links weaker than this do not count. */
  minGrade: Grade;
}

/** One row of the per-tactic table: techniques seen per grade, partial ones, and those with a mapped event. */
export interface RowCounts {
  confirmed: number;
  named: number;
  related: number;
  partial: number;
  mapped: number;
}

export interface PageResult {
  minGrade: Grade;
  /** The report of the inputs; null when nothing is collected. */
  report: ConfigCoverageReport | null;
  advice: Advice[];
  next: NextBestEvent[];
  table: { totals: RowCounts; tactics: Array<{ id: string } & RowCounts> };
}

export interface PageModel {
  data: VersionData;
  details: readonly ConfigEvent[];
}

const rowOf = (c: RowCounts): RowCounts => ({ confirmed: c.confirmed, named: c.named, related: c.related, partial: c.partial, mapped: c.mapped });

export function computePage(m: PageModel, req: PageRequest, top = DEFAULT_TOP): PageResult {
  const report = pageReport(m.data, m.details, req.inputs, top, req.minGrade);
  const graded = withMinGrade(m.data, req.minGrade);
  const full = new Set((report?.events ?? []).filter((e) => e.status === 'full').map((e) => e.key));
  const seen = new Map<string, Grade>((report?.seen ?? []).map((t) => [t.id, t.grade]));
  const counts = report ?? tacticCounts(graded, classifyTechniques(graded, new Set(), new Set()).count);
  return {
    minGrade: req.minGrade,
    report,
    advice: report ? report.advice : configAdvice(graded, m.details, [], top),
    next: nextBestEvents(m.data, full, seen, top, req.minGrade),
    table: { totals: rowOf(counts.totals), tactics: counts.tactics.map((t) => ({ id: t.id, ...rowOf(t) })) },
  };
}
