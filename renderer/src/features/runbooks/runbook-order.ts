import type { RunbookSummary } from '../../../../shared/api/runbooks.ts';

/**
 * The order a reader scans the runbooks list in: by the title shown, numbers by their value
 * ("Restart service 2" before "Restart service 10"). The server lists them by id, compared as
 * text, which read "1, 10, 11 … 19, 2, 20" on a folder of thirty.
 */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function byTitle(runbooks: readonly RunbookSummary[]): RunbookSummary[] {
  return [...runbooks].sort((a, b) => collator.compare(a.title, b.title) || collator.compare(a.id, b.id));
}
