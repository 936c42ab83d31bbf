import { useSyncExternalStore } from 'react';

/**
 * Desktop: when a read was answered by the local cache instead of the server, how fresh
 * that copy is. The live indicator shows it ("offline · data 12 min old").
 */
export interface CacheFreshness {
  /** Epoch ms the cached data last matched the server; null if never synced. */
  freshAsOf: number | null;
  /** When the console last had to read from the cache. */
  readAt: number;
}

let current: CacheFreshness | null = null;
const listeners = new Set<() => void>();

export function reportCacheRead(freshAsOf: number | null): void {
  current = { freshAsOf, readAt: Date.now() };
  listeners.forEach((listener) => listener());
}

/** A read from the server again: the console is no longer showing cached data. */
export function reportServerRead(): void {
  if (current === null) return;
  current = null;
  listeners.forEach((listener) => listener());
}

export function useCacheFreshness(): CacheFreshness | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
