import type { AppError } from '../../../shared/errors.ts';

export interface RetryOptions {
  /** Further attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Uniform [0, 1); injected so tests can make the jitter deterministic. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Failures worth another try: the server was unreachable, overloaded or restarting. */
export function isTransient(error: AppError): boolean {
  if (error.code === 'E_NETWORK') return (error.details as { reason?: string } | undefined)?.reason !== 'tls';
  return error.code === 'E_UNAVAILABLE' || error.code === 'E_TIMEOUT';
}

/** Exponential backoff with full jitter, so many clients do not retry in step. */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  return Math.round(options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt));
}

export async function withRetry<T>(operation: () => Promise<T>, shouldRetry: (error: AppError) => boolean, options: RetryOptions, toError: (error: unknown) => AppError): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (raw) {
      const error = toError(raw);
      if (attempt >= options.retries || !shouldRetry(error)) throw error;
      await options.sleep(backoffDelay(attempt, options));
    }
  }
}
