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

/** The same rule over a JSON labels column. */
export function targetOfSql(labelsColumn: string): string {
  return `COALESCE(json_extract(${labelsColumn}, '$.target'), json_extract(${labelsColumn}, '$.host'), json_extract(${labelsColumn}, '$.instance'), '${LOCAL_TARGET}')`;
}
