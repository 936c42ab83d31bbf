/** The PromQL queries a person ran, newest first, per browser profile (localStorage). */
const KEY = 'smartcloudops.promql-history';
const MAX = 50;

export function loadHistory(storage: Pick<Storage, 'getItem'> = localStorage): string[] {
  try {
    const parsed = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((q): q is string => typeof q === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

/** Moves the query to the top (no duplicates) and keeps the newest fifty. */
export function remember(query: string, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): string[] {
  const trimmed = query.trim();
  if (!trimmed) return loadHistory(storage);
  const next = [trimmed, ...loadHistory(storage).filter((q) => q !== trimmed)].slice(0, MAX);
  try {
    storage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: the history is a convenience, the query still runs
  }
  return next;
}
