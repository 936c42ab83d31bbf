/**
 * The value of label `name`, or the empty string where the labels do not have it (a
 * missing label matches as "", as in Prometheus and Alertmanager). Own properties only:
 * label names are any `[A-Za-z_][A-Za-z0-9_]*`, and `labels.constructor` or
 * `labels.toString` of a parsed JSON object is a function every object inherits, not a
 * label (a matcher on `constructor` answered 500, and a silence with one broke alert ingest).
 */
export function labelValue(labels: Readonly<Record<string, string>>, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}
