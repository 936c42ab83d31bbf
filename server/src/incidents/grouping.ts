import type { Labels } from '../../../shared/api/alerts.ts';

export interface GroupingPolicy {
  /**
   * The labels alerts are grouped on, like Alertmanager's `group_by`. An entry may name
   * alternatives separated by `|` (`service|job`): the first one present counts. Labels an
   * alert lacks are left out of its key; an alert with none of them groups on its alertname.
   */
  groupBy: readonly string[];
  /** An alert joins an open incident of its group whose last activity is this recent. */
  windowMs: number;
  /** An incident resolves by itself when its last firing or acknowledged alert resolves. */
  autoResolve: boolean;
}

export const DEFAULT_GROUPING: GroupingPolicy = {
  groupBy: ['alertname', 'service|job'],
  windowMs: 30 * 60_000,
  autoResolve: true,
};

/**
 * How an alert arrived grouped by its source: Alertmanager's `groupKey` and `groupLabels`
 * of the webhook notification it came in. Such an alert joins that group, not ours.
 */
export interface SourceGroup {
  key: string;
  labels: Labels;
}

/** `name=value` pairs in a stable order, the readable form of a group. */
function pairs(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join(',');
}

/** The labels an alert is grouped on under the policy. */
export function groupLabelsOf(labels: Labels, policy: Pick<GroupingPolicy, 'groupBy'>): Labels {
  const out: [string, string][] = [];
  for (const entry of policy.groupBy) {
    const name = entry.split('|').find((alternative) => Object.hasOwn(labels, alternative) && labels[alternative]);
    if (name) out.push([name, labels[name]!]);
  }
  // Defined, not assigned: a label named `__proto__` is a label like any other.
  return Object.fromEntries(out);
}

/**
 * `alertname=HighLatency,service=api`; `alertname=...` alone when none of the group labels
 * is present. An Alertmanager group keeps Alertmanager's decision: its group labels, or its
 * raw group key when it groups on nothing (`group_by: []`), prefixed so the two never mix.
 */
export function groupKeyOf(labels: Labels, policy: Pick<GroupingPolicy, 'groupBy'>, source?: SourceGroup): string {
  if (source) return Object.keys(source.labels).length > 0 ? `alertmanager:${pairs(source.labels)}` : `alertmanager:${source.key}`;
  const grouped = groupLabelsOf(labels, policy);
  return Object.keys(grouped).length > 0 ? pairs(grouped) : `alertname=${labels.alertname ?? 'unnamed'}`;
}

/** The label pairs of a group key, for the title (raw Alertmanager keys have none). */
function keyPairs(groupKey: string): Array<[string, string]> {
  const body = groupKey.startsWith('alertmanager:') ? groupKey.slice('alertmanager:'.length) : groupKey;
  if (body.startsWith('{')) return [];
  return body.split(',').flatMap((pair) => {
    const eq = pair.indexOf('=');
    return eq > 0 ? [[pair.slice(0, eq), pair.slice(eq + 1)] as [string, string]] : [];
  });
}

/** A readable incident title from the first alert of its group: `HighLatency on api: summary`. */
export function incidentTitleFor(labels: Labels, annotations: Labels, groupKey: string): string {
  const name = labels.alertname ?? 'Alert';
  const where = keyPairs(groupKey)
    .filter(([label]) => label !== 'alertname')
    .map(([, value]) => value)
    .join(', ');
  const summary = annotations.summary;
  const head = where ? `${name} on ${where}` : name;
  return summary ? `${head}: ${summary}` : head;
}
