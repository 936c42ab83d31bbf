/**
 * The alert drawer opens on top of any page through the `alert` query parameter of the
 * hash (`#/incidents/4?alert=17`), so a link to it can be shared and Back closes it.
 */
export const ALERT_PARAM = 'alert';

function currentHash(): { path: string; search: URLSearchParams } {
  const [path = '/', query = ''] = (window.location.hash.replace(/^#/, '') || '/').split('?');
  return { path, search: new URLSearchParams(query) };
}

/** The hash that shows this page with the alert's drawer open. */
export function alertHref(id: number, from: { path: string; search: URLSearchParams } = currentHash()): string {
  const search = new URLSearchParams(from.search);
  search.set(ALERT_PARAM, String(id));
  return `#${from.path}?${search.toString()}`;
}

export function openAlert(id: number): void {
  window.location.hash = alertHref(id);
}

export function closeAlert(): void {
  const { path, search } = currentHash();
  search.delete(ALERT_PARAM);
  const text = search.toString();
  window.location.hash = `${path}${text ? `?${text}` : ''}`;
}

/** A link target is only offered when it is a web address (never `javascript:`). */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
