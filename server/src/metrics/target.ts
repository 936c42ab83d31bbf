/**
 * The target a series belongs to: the machine or service its labels name (`target`, else
 * `host`, else `instance`), or `server` for the server's own series. The one definition of
 * the rule: anomaly models, scores and rates are per target.
 */
export function targetOf(labels: Readonly<Record<string, string>>): string {
  return labels.target ?? labels.host ?? labels.instance ?? 'server';
}

/** Labels that name the target, and so are not part of a metric's identity within it. */
export const TARGET_LABELS: readonly string[] = ['target', 'host', 'instance'];
