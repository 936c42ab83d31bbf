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

/** The path of the current location, outside React (`/` when the hash is empty). */
export function currentPath(): string {
  return read().split('?')[0] || '/';
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

/** The `:name` segments of a route pattern, as a type: `'/incidents/:id'` → `'id'`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | PathParamNames<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;

/** The parameters a route pattern captures, each a decoded path segment. */
export type PathParams<P extends string> = string extends P ? Record<string, string> : { [K in PathParamNames<P>]: string };

/** What a routed view receives: the parameters of its own pattern. */
export interface RouteProps<P extends string = string> {
  params: PathParams<P>;
}

/** Matches `/incidents/:id` style patterns. */
export function matchPath<P extends string>(pattern: P, path: string): PathParams<P> | null {
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
  return params as PathParams<P>;
}
