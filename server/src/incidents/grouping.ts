import type { Labels } from '../../../shared/api/alerts.ts';

export interface GroupingPolicy {
  /**
   * Label names tried in order; the first one present decides the group (the alerts of one
   * target join one incident). With none present, alerts group by `alertname`.
   */
  groupBy: readonly string[];
  /** An alert joins an open incident of its group whose last activity is this recent. */
  windowMs: number;
}

export const DEFAULT_GROUPING: GroupingPolicy = {
  groupBy: ['target', 'instance', 'host', 'service'],
  windowMs: 30 * 60_000,
};

/** `target=web-1`, or `alertname=HighCpu` as the fallback. */
export function groupKeyOf(labels: Labels, policy: GroupingPolicy): string {
  for (const name of policy.groupBy) {
    const value = labels[name];
    if (value) return `${name}=${value}`;
  }
  return `alertname=${labels.alertname ?? 'unnamed'}`;
}

/** A readable incident title from the first alert of its group. */
export function incidentTitleFor(labels: Labels, annotations: Labels, groupKey: string): string {
  const name = labels.alertname ?? 'Alert';
  const summary = annotations.summary;
  const where = groupKey.startsWith('alertname=') ? '' : ` on ${groupKey.slice(groupKey.indexOf('=') + 1)}`;
  return summary ? `${name}${where}: ${summary}` : `${name}${where}`;
}
