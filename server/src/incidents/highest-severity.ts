import { SEVERITIES, severityRank, type Severity } from '../../../shared/api/alerts.ts';

/**
 * The highest severity among alerts (at least one): an incident's severity after a split.
 * A loop, not Math.max(...ranks): an incident can hold more alerts than a call takes
 * arguments (~120,000), and the spread then overflowed the stack.
 */
export function highestSeverity(alerts: readonly { severity: Severity }[]): Severity {
  let rank = 0;
  for (const alert of alerts) rank = Math.max(rank, severityRank(alert.severity));
  return SEVERITIES[rank]!;
}
