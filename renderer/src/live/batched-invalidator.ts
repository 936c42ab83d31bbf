import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Coalesces invalidations: a burst of 200 alert events refetches the alert list once,
 * not 200 times.
 */
export function createBatchedInvalidator(queryClient: QueryClient, delayMs = 250) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key });
    pending.clear();
  };
  return {
    invalidate(key: QueryKey) {
      pending.set(JSON.stringify(key), key);
      timer ??= setTimeout(flush, delayMs);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      pending.clear();
    },
  };
}
