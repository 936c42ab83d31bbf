/**
 * The target a series belongs to (the host or service a model watches): its `target`
 * label, else `host`, else `instance`, else this server. One rule, used in JavaScript and
 * in SQL alike, so the metrics store and the anomaly engine can never disagree: anomaly
 * models, scores and rates are per target.
 */
export const LOCAL_TARGET = 'server';

/** Labels that name the target, and so are not part of a metric's identity within it. */
export const TARGET_LABELS: readonly string[] = ['target', 'host', 'instance'];

export function targetOf(labels: Readonly<Record<string, string>>): string {
  return labels.target ?? labels.host ?? labels.instance ?? LOCAL_TARGET;
}

/** Series (anything with labels) by their target, in the order given. */
export function groupByTarget<T extends { labels: Readonly<Record<string, string>> }>(series: Iterable<T>): Map<string, T[]> {
  const byTarget = new Map<string, T[]>();
  for (const one of series) {
    const key = targetOf(one.labels);
    const list = byTarget.get(key);
    if (list) list.push(one);
    else byTarget.set(key, [one]);
  }
  return byTarget;
}

/** The same rule over a JSON labels column. */
export function targetOfSql(labelsColumn: string): string {
  return `COALESCE(json_extract(${labelsColumn}, '$.target'), json_extract(${labelsColumn}, '$.host'), json_extract(${labelsColumn}, '$.instance'), '${LOCAL_TARGET}')`;
}
