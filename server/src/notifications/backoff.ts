export interface BackoffPolicy {
  /** Delay before the second attempt; doubles after each failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this many failed attempts the delivery is marked failed. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 2_000, maxDelayMs: 10 * 60_000, maxAttempts: 10 };

/**
 * Exponential backoff with ±20 % jitter, so that many deliveries failing together (one
 * receiver down) do not come back in lockstep.
 */
export function retryDelay(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
