import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import { withinWindow } from '../../../shared/within-window.ts';

/** Expired windows are deleted at most this often, so the table holds only live counters. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A store for @fastify/rate-limit on the shared query layer: fixed windows counted in the
 * database with one atomic upsert per request, so N replicas behind a load balancer allow
 * the configured rate in total, not N times it. Keys are the route and the client address.
 */
export function sqlRateLimitStore(database: SqlDatabase, now: () => number = Date.now): FastifyRateLimitStoreCtor {
  let lastSweep = 0;
  const sweep = async (at: number, timeWindow: number) => {
    if (withinWindow(at, lastSweep, SWEEP_INTERVAL_MS)) return;
    lastSweep = at;
    await database.db.deleteFrom('rate_limit_counters').where('window_start', '<=', at - Math.max(timeWindow, SWEEP_INTERVAL_MS)).execute();
  };

  class SqlRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(_options?: unknown, prefix = '') {
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const at = now();
      // A window that has passed, or that began after now (the clock stepped back since: NTP,
      // a resumed virtual machine), starts again: otherwise a limited client stayed limited
      // for as long as the step (shared/within-window.ts).
      const stale = sql<boolean>`(${at} < rate_limit_counters.window_start OR ${at} - rate_limit_counters.window_start >= ${timeWindow})`;
      database.db
        .insertInto('rate_limit_counters')
        .values({ key: `${this.#prefix}${key}`, hits: 1, window_start: at })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`CASE WHEN ${stale} THEN 1 ELSE rate_limit_counters.hits + 1 END`,
            window_start: sql<number>`CASE WHEN ${stale} THEN ${at} ELSE rate_limit_counters.window_start END`,
          }),
        )
        .returning(['hits', 'window_start'])
        .executeTakeFirstOrThrow()
        .then(async (row) => {
          await sweep(at, timeWindow);
          callback(null, { current: row.hits, ttl: Math.max(0, row.window_start + timeWindow - at) });
        })
        .catch((error: unknown) => callback(error as Error));
    }

    child(routeOptions: { routeInfo?: { method?: string; url?: string }; method?: string | string[]; url?: string }): FastifyRateLimitStore {
      const method = routeOptions.routeInfo?.method ?? String(routeOptions.method ?? '');
      const url = routeOptions.routeInfo?.url ?? routeOptions.url ?? '';
      return new SqlRateLimitStore(undefined, `${method} ${url}|`);
    }
  }
  return SqlRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
