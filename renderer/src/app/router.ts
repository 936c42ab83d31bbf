import { useSyncExternalStore } from 'react';

/**
 * Hash routing (`#/incidents/12?tab=notes`): the same URLs work in the browser, where the
 * server serves index.html at `/`, and in the desktop window loaded from a custom protocol.
 */
export interface Location {
  path: string;
  search: URLSearchParams;
}

function read(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useLocation(): Location {
  const raw = useSyncExternalStore(subscribe, read, () => '/');
  const [path = '/', query = ''] = raw.split('?');
  return { path, search: new URLSearchParams(query) };
}

export function navigate(to: string): void {
  window.location.hash = to;
}

/** Replaces the query of the current path, keeping history clean while filters change. */
export function replaceSearch(path: string, params: Record<string, string | null | undefined>): void {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  window.history.replaceState(null, '', `#${path}${text ? `?${text}` : ''}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Matches `/incidents/:id` style patterns. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i] as string;
    const value = got[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}
