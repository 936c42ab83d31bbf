import type { onRequestHookHandler } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { QueryBudget } from '../datasources/query-budget.ts';

/** Whose budget a request spends: an API key on its own (a leaked key floods alone), a user across sessions. */
export function ingestPrincipalKey(principal: Principal): string {
  return principal.kind === 'apiKey' ? `apikey:${principal.apiKeyId ?? principal.name}` : `user:${principal.userId}`;
}

/**
 * A route hook for alert ingest (`POST /alerts` and the Alertmanager receiver): counts the
 * request against its principal's budget, or refuses it with 429 `E_RATE_LIMITED` and
 * `Retry-After` before its body is read. It runs after authentication (a route's hooks follow
 * the server's), and decides in memory (`QueryBudget`: no database write per request, the
 * replicas' counts added up in the background), so ingest throughput does not pay for it.
 */
export function ingestRateLimitHook(budget: Pick<QueryBudget, 'take'>, perMinute: number): onRequestHookHandler {
  return (request, _reply, done) => {
    // An anonymous request was refused by authentication already; nothing to count.
    if (!request.principal) {
      done();
      return;
    }
    const decision = budget.take(ingestPrincipalKey(request.principal));
    if (decision.allowed) {
      done();
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
    done(Object.assign(
      new AppError('E_RATE_LIMITED', `Too many alert ingest requests: at most ${perMinute} a minute per API key or user; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
      // The refused body is not read: kept alive, Node would read and discard it (the flood's bytes).
      { headers: { 'retry-after': String(retryAfterSeconds), connection: 'close' } },
    ));
  };
}
