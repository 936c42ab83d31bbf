import type { FastifyPluginAsync } from 'fastify';
import { alertsRoutes, silencesRoutes } from '../../../shared/api/alerts.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import { actorOf } from '../core/actor.ts';
import { withoutEmptyLabels } from './fingerprint.ts';
import { alertBoundProblems } from './alert-bounds.ts';
import type { AlertsService } from './feature.ts';
import { previewSilence, restoreSilence } from './silence-tools.ts';

/** Alerts and silences: reading for viewers, acknowledging and silencing for operators. */
export const alertRoutes: FastifyPluginAsync<{ alerting: AlertsService }> = async (app, { alerting }) => {
  const { service, coalescer, alerts, silences, audit, now, ingestLimit } = alerting;
  const actor = (request: Parameters<typeof principalOf>[0]) => actorOf(principalOf(request), request.ip);

  registerRoutes(app, alertsRoutes, {
    list: async (request) => {
      const query = request.query;
      const { items, total } = await alerts.list(query);
      return { items, total, limit: query.limit ?? 50, offset: query.offset ?? 0 };
    },
    push: async (request) => {
      const principal = principalOf(request);
      // An empty value is no label (ingest leaves it out): an alert needs one with a value.
      const unlabelled = request.body.alerts.findIndex((alert) => Object.keys(withoutEmptyLabels(alert.labels)).length === 0);
      if (unlabelled >= 0) throw new AppError('E_VALIDATION', 'An alert needs at least one label with a value.', [{ path: `/alerts/${unlabelled}/labels`, message: 'has no label with a value' }]);
      // One request is one transaction: an oversized alert refuses the batch, naming each one.
      const oversized = request.body.alerts.flatMap((alert, index) => alertBoundProblems(alert).map((problem) => ({ path: `/alerts/${index}${problem.path}`, message: problem.message })));
      if (oversized.length > 0) throw new AppError('E_VALIDATION', 'An alert carries more labels, annotations or bytes than are taken (docs/alerts.md).', oversized);
      // Committed with the other batches of this turn (IngestCoalescer), the audit entry with them.
      const outcomes = await coalescer.ingest({
        events: request.body.alerts.map((alert) => ({ ...alert, source: 'api' as const })),
        actor: actorOf(principal, request.ip),
        alsoRecord: (done) => audit.record({ actor: principal.name, actorKind: principal.kind, action: 'alert.ingest', target: 'integration:api', outcome: 'success', ip: request.ip, details: { count: done.length } }),
        // These alerts are the caller's: a runbook trigger on them must not pass for the system's (four eyes, safety.role).
        pushedBy: { name: principal.name, kind: principal.kind, userId: principal.userId, ip: request.ip, role: principal.role, scopes: principal.scopes },
      });
      return { alertIds: outcomes.map((outcome) => outcome?.alert.id ?? null) };
    },
    get: async (request) => {
      const alert = await alerts.byId(request.params.id);
      if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${request.params.id}.`);
      const { expiresAt: _expiresAt, ...rest } = alert;
      return rest;
    },
    history: async (request) => {
      if (!(await alerts.byId(request.params.id))) throw new AppError('E_NOT_FOUND', `No alert ${request.params.id}.`);
      return alerts.history(request.params.id);
    },
    acknowledge: async (request) => service.acknowledge(request.params.id, actor(request), request.body.comment, request.body.owner),
    unacknowledge: async (request) => service.unacknowledge(request.params.id, actor(request), request.body.comment),
    resolve: async (request) => service.resolve(request.params.id, actor(request), request.body.comment),
    detail: async (request) => {
      const stored = await alerts.byId(request.params.id);
      if (!stored) throw new AppError('E_NOT_FOUND', `No alert ${request.params.id}.`);
      const { expiresAt: _expiresAt, ...alert } = stored;
      return { alert, history: await alerts.history(alert.id), silences: await silences.matchingAny(alert.labels, now()) };
    },
  }, { push: { onRequest: ingestLimit } });

  registerRoutes(app, silencesRoutes, {
    list: async (request) => silences.list(request.query, now()),
    get: async (request) => {
      const silence = await silences.byId(request.params.id, now());
      if (!silence) throw new AppError('E_NOT_FOUND', `No silence ${request.params.id}.`);
      return silence;
    },
    create: async (request) => service.createSilence(request.body, actor(request)),
    expire: async (request) => service.expireSilence(request.params.id, actor(request)),
    preview: async (request) => previewSilence({ alerts }, request.body.matchers),
    restore: async (request) => restoreSilence({ alerts, silences, service, audit, now }, request.params.id, request.body.endsAt, actor(request)),
  });
};
