/**
 * The group-by list of incident grouping, as people write it (`alertname, service|job`) and
 * as the server stores it (`['alertname', 'service|job']`): one rule for the console's form
 * and the API (shared/api/incident-grouping.ts).
 */
export const GROUP_BY_LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_GROUP_BY_ENTRIES = 10;
/** One week: a longer window would join unrelated alerts days apart. */
export const MAX_GROUP_WINDOW_MINUTES = 7 * 24 * 60;

export type GroupByParse = { ok: true; entries: string[] } | { ok: false; error: string };

/** Comma-separated entries, each a label or `|`-separated alternatives; spaces ignored. */
export function parseGroupBy(text: string): GroupByParse {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) return { ok: false, error: 'Name at least one label' };
  if (entries.length > MAX_GROUP_BY_ENTRIES) return { ok: false, error: `At most ${MAX_GROUP_BY_ENTRIES} entries` };
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of entries) {
    const labels = entry.split('|').map((label) => label.trim());
    for (const label of labels) {
      if (!GROUP_BY_LABEL.test(label)) return { ok: false, error: label === '' ? `"${entry}" has an empty alternative` : `"${label}" is not a label name (letters, digits and _, not starting with a digit)` };
      if (seen.has(label)) return { ok: false, error: `"${label}" appears twice` };
      seen.add(label);
    }
    out.push(labels.join('|'));
  }
  return { ok: true, entries: out };
}
