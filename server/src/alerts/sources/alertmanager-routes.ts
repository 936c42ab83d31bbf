import type { FastifyPluginAsync } from 'fastify';
import { alertmanagerRoutes as routes } from '../../../../shared/api/alerts.ts';
import { AppError } from '../../../../shared/errors.ts';
import { principalOf } from '../../http/access.ts';
import { registerRoutes } from '../../http/register-route.ts';
import { actorOf } from '../../core/actor.ts';
import type { AlertsService } from '../feature.ts';
import { groupOfPayload, mapAlertmanagerPayload } from './alertmanager.ts';

/**
 * Prometheus Alertmanager's webhook receiver. Authenticated by an API key (Alertmanager's
 * `http_config.authorization.credentials`). Each alert is validated on its own:
 * 200 all accepted, 207 some rejected (listed), 400 none valid. Alertmanager retries
 * only 5xx answers, so a malformed alert is not resent forever.
 */
export const alertmanagerRoutes: FastifyPluginAsync<{ alerting: AlertsService }> = async (app, { alerting: feature }) => {
  registerRoutes(app, routes, { receive: async (request, reply) => {
    const principal = principalOf(request);
    if (principal.kind !== 'apiKey') throw new AppError('E_FORBIDDEN', 'The Alertmanager receiver takes an API key, not a user session.');
    const batch = mapAlertmanagerPayload(request.body.alerts, groupOfPayload(request.body));
    if (batch.rejected.length > 0) {
      request.log.warn({ receiver: request.body.receiver, rejected: batch.rejected }, 'alertmanager payload has malformed alerts');
    }
    if (batch.events.length === 0 && batch.rejected.length > 0) {
      throw new AppError('E_VALIDATION', 'No valid alert in the payload.', { accepted: 0, rejected: batch.rejected });
    }
    // One transaction for the POST (shared with the other POSTs of this turn, IngestCoalescer):
    // alerts, history, incidents, timeline and this audit entry are all durable before the
    // answer; stream events follow the commit.
    const outcomes = await feature.coalescer.ingest({
      events: batch.events,
      actor: actorOf(principal, request.ip),
      alsoRecord: () =>
        feature.audit.record({
          actor: principal.name,
          actorKind: principal.kind,
          action: 'alert.ingest',
          target: 'integration:alertmanager',
          outcome: 'success',
          ip: request.ip,
          details: { receiver: request.body.receiver ?? null, accepted: batch.events.length, rejected: batch.rejected.length },
        }),
      // The key's alerts are its owner's, as on `POST /alerts`: a runbook trigger on them proposes
      // the run as the key (its owner cannot approve it alone), and an auto-mode trigger runs at
      // once only if the key could have run the runbook by hand (four eyes, safety.role).
      pushedBy: { name: principal.name, kind: principal.kind, userId: principal.userId, ip: request.ip, role: principal.role, scopes: principal.scopes },
    });
    const result = {
      accepted: batch.events.length,
      rejected: batch.rejected,
      alertIds: outcomes.flatMap((outcome) => (outcome ? [outcome.alert.id] : [])),
    };
    if (batch.rejected.length > 0) void reply.status(207);
    return result;
  } }, { receive: { onRequest: feature.ingestLimit } });
};
