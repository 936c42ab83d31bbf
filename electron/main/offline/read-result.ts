import { AppError } from '../../../shared/errors.ts';
import type { ReadResult } from '../../../shared/ipc/result.ts';

export type { ReadResult };

/** Codes that mean "the server cannot be asked right now", as opposed to "it said no". */
const UNREACHABLE = new Set(['E_NETWORK', 'E_TIMEOUT', 'E_UNAVAILABLE']);

export function isUnreachable(error: unknown): error is AppError {
  return error instanceof AppError && UNREACHABLE.has(error.code);
}

/**
 * Asks the server; when it is unreachable answers from the cache instead. A cache miss
 * while offline rethrows the network error (with `offline: true`), so the console shows
 * "not available offline" rather than an empty page.
 */
export async function serverOrCache<T>(
  fromServer: () => Promise<T>,
  fromCache: () => { data: T; freshAsOf: number | null } | undefined,
  now: () => number,
): Promise<ReadResult<T>> {
  try {
    const data = await fromServer();
    return { data, source: 'server', freshAsOf: now() };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const cached = fromCache();
    if (!cached) throw new AppError(error.code, 'The server cannot be reached and this is not in the local cache.', { offline: true });
    return { ...cached, source: 'cache' };
  }
}
