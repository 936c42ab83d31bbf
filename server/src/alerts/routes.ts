import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AcknowledgeRequestSchema,
  AlertHistoryEntrySchema,
  AlertListQuerySchema,
  AlertPageSchema,
  AlertSchema,
  CommentRequestSchema,
  CreateSilenceRequestSchema,
  PushAlertsRequestSchema,
  PushAlertsResultSchema,
  SilenceListQuerySchema,
  SilencePageSchema,
  SilenceSchema,
} from '../../../shared/api/alerts.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { actorOf } from './actor.ts';
import type { AlertsFeature } from './feature.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** For routes whose body is optional: a POST without one validates as `{}`. */
const emptyBodyAsObject = async (request: FastifyRequest) => {
  request.body ??= {};
};

/** Alerts and silences: reading for viewers, acknowledging and silencing for operators. */
export const alertRoutes: FastifyPluginAsync<{ feature: AlertsFeature }> = async (fastify, { feature }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { service, alerts, silences } = feature;
  const tags = ['alerts'];

  app.get('/alerts', {
    config: { access: 'alerts:read' },
    schema: { tags, querystring: AlertListQuerySchema, response: { 200: AlertPageSchema } },
  }, async (request) => {
    const query = request.query;
    const { items, total } = alerts.list(query);
    return { items, total, limit: query.limit ?? 50, offset: query.offset ?? 0 };
  });

  app.post('/alerts', {
    config: { access: 'alerts:write' },
    schema: { tags, body: PushAlertsRequestSchema, response: { 200: PushAlertsResultSchema } },
  }, async (request) => {
    const principal = principalOf(request);
    const outcomes = service.ingest(request.body.alerts.map((alert) => ({ ...alert, source: 'api' as const })), actorOf(principal, request.ip));
    feature.audit.record({ actor: principal.name, actorKind: principal.kind, action: 'alert.ingest', target: 'integration:api', outcome: 'success', ip: request.ip, details: { count: outcomes.length } });
    return { alertIds: outcomes.map((outcome) => outcome?.alert.id ?? null) };
  });

  app.get('/alerts/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, params: IdParams, response: { 200: AlertSchema } },
  }, async (request) => {
    const alert = alerts.byId(request.params.id);
    if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${request.params.id}.`);
    const { expiresAt: _expiresAt, ...rest } = alert;
    return rest;
  });

  app.get('/alerts/:id/history', {
    config: { access: 'alerts:read' },
    schema: { tags, params: IdParams, response: { 200: Type.Array(AlertHistoryEntrySchema) } },
  }, async (request) => {
    if (!alerts.byId(request.params.id)) throw new AppError('E_NOT_FOUND', `No alert ${request.params.id}.`);
    return alerts.history(request.params.id);
  });

  app.post('/alerts/:id/acknowledge', {
    config: { access: 'alerts:write' },
    schema: { tags, params: IdParams, body: AcknowledgeRequestSchema, response: { 200: AlertSchema } },
  }, async (request) => service.acknowledge(request.params.id, actorOf(principalOf(request), request.ip), request.body.comment, request.body.owner));

  app.post('/alerts/:id/unacknowledge', {
    config: { access: 'alerts:write' },
    preValidation: emptyBodyAsObject,
    schema: { tags, params: IdParams, body: CommentRequestSchema, response: { 200: AlertSchema } },
  }, async (request) => service.unacknowledge(request.params.id, actorOf(principalOf(request), request.ip), request.body.comment));

  app.post('/alerts/:id/resolve', {
    config: { access: 'alerts:write' },
    preValidation: emptyBodyAsObject,
    schema: { tags, params: IdParams, body: CommentRequestSchema, response: { 200: AlertSchema } },
  }, async (request) => service.resolve(request.params.id, actorOf(principalOf(request), request.ip), request.body.comment));

  app.get('/silences', {
    config: { access: 'alerts:read' },
    schema: { tags, querystring: SilenceListQuerySchema, response: { 200: SilencePageSchema } },
  }, async (request) => silences.list(request.query, feature.now()));

  app.get('/silences/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, params: IdParams, response: { 200: SilenceSchema } },
  }, async (request) => {
    const silence = silences.byId(request.params.id, feature.now());
    if (!silence) throw new AppError('E_NOT_FOUND', `No silence ${request.params.id}.`);
    return silence;
  });

  app.post('/silences', {
    config: { access: 'silences:write' },
    schema: { tags, body: CreateSilenceRequestSchema, response: { 201: SilenceSchema } },
  }, async (request, reply) => {
    const silence = service.createSilence(request.body, actorOf(principalOf(request), request.ip));
    return reply.status(201).send(silence);
  });

  app.post('/silences/:id/expire', {
    config: { access: 'silences:write' },
    schema: { tags, params: IdParams, response: { 200: SilenceSchema } },
  }, async (request) => service.expireSilence(request.params.id, actorOf(principalOf(request), request.ip)));
};
