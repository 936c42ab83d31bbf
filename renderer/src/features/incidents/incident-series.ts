import { useQueries } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { metricsQueries } from '../metrics/queries.ts';

/**
 * Selectors asked about at most: enough to find the few charts drawn among series the server
 * lacks, without one request per host of a fleet-wide incident.
 */
export const MAX_CHECKED = 12;

export interface SeriesPresence {
  /** Still asking the server about some of them. */
  pending: boolean;
  /** Selectors that match at least one series, or whose check failed (their chart says why). */
  present: string[];
  /** Selectors the server answered no series for. */
  missing: string[];
  /** Selectors not asked about (past MAX_CHECKED). */
  unchecked: number;
}

/**
 * Which of an incident's selectors name series this server has, whatever the range: an
 * incident from Alertmanager about hosts it does not collect drew one "No series match"
 * chart per host, four identical panels, instead of saying it once.
 */
export function useSeriesPresence(selectors: readonly string[]): SeriesPresence {
  const api = useApi();
  const checked = selectors.slice(0, MAX_CHECKED);
  const answers = useQueries({ queries: checked.map((selector) => metricsQueries.matching(api, selector)) });
  const present: string[] = [];
  const missing: string[] = [];
  checked.forEach((selector, i) => {
    const answer = answers[i]!;
    if (answer.isSuccess && answer.data.series.length === 0) missing.push(selector);
    else if (answer.isSuccess || answer.isError) present.push(selector);
  });
  return { pending: answers.some((answer) => answer.isPending), present, missing, unchecked: selectors.length - checked.length };
}
