import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ExportQuerySchema,
  IncidentBundleSchema,
  IncidentDetailSchema,
  IncidentListQuerySchema,
  IncidentPageSchema,
  IncidentSchema,
  MergeIncidentsRequestSchema,
  NoteRequestSchema,
  NoteRevisionSchema,
  SplitIncidentRequestSchema,
  TimelineEntrySchema,
  UpdateIncidentRequestSchema,
} from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { actorOf } from '../alerts/actor.ts';
import type { AlertsFeature } from '../alerts/feature.ts';
import { renderPostmortem } from './postmortem.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const NoteParams = Type.Object({ id: Type.Integer({ minimum: 1 }), entryId: Type.Integer({ minimum: 1 }) });

/** Incidents, their timeline and notes, and the postmortem export. */
export const incidentRoutes: FastifyPluginAsync<{ feature: AlertsFeature }> = async (fastify, { feature }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { incidents, incidentService: service, timeline } = feature;
  const tags = ['incidents'];
  const actor = (request: Parameters<typeof principalOf>[0]) => actorOf(principalOf(request), request.ip);

  app.get('/incidents', {
    config: { access: 'incidents:read' },
    schema: { tags, querystring: IncidentListQuerySchema, response: { 200: IncidentPageSchema } },
  }, async (request) => {
    const { items, total } = incidents.list(request.query);
    return { items, total, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 };
  });

  app.get('/incidents/:id', {
    config: { access: 'incidents:read' },
    schema: { tags, params: IdParams, response: { 200: IncidentDetailSchema } },
  }, async (request) => service.detail(request.params.id));

  app.patch('/incidents/:id', {
    config: { access: 'incidents:write' },
    schema: { tags, params: IdParams, body: UpdateIncidentRequestSchema, response: { 200: IncidentSchema } },
  }, async (request) => service.update(request.params.id, request.body, actor(request)));

  app.post('/incidents/:id/merge', {
    config: { access: 'incidents:write' },
    schema: { tags, params: IdParams, body: MergeIncidentsRequestSchema, response: { 200: IncidentSchema } },
  }, async (request) => service.merge(request.params.id, request.body.incidentIds, actor(request)));

  app.post('/incidents/:id/split', {
    config: { access: 'incidents:write' },
    schema: { tags, params: IdParams, body: SplitIncidentRequestSchema, response: { 201: IncidentSchema } },
  }, async (request, reply) => reply.status(201).send(service.split(request.params.id, request.body.alertIds, request.body.title, actor(request))));

  app.get('/incidents/:id/timeline', {
    config: { access: 'incidents:read' },
    schema: { tags, params: IdParams, response: { 200: Type.Array(TimelineEntrySchema) } },
  }, async (request) => {
    service.detail(request.params.id);
    return timeline.of(request.params.id);
  });

  app.post('/incidents/:id/notes', {
    config: { access: 'incidents:write' },
    schema: { tags, params: IdParams, body: NoteRequestSchema, response: { 201: TimelineEntrySchema } },
  }, async (request, reply) => reply.status(201).send(service.addNote(request.params.id, request.body.text, actor(request))));

  app.put('/incidents/:id/notes/:entryId', {
    config: { access: 'incidents:write' },
    schema: { tags, params: NoteParams, body: NoteRequestSchema, response: { 200: TimelineEntrySchema } },
  }, async (request) => service.editNote(request.params.id, request.params.entryId, request.body.text, actor(request)));

  app.delete('/incidents/:id/notes/:entryId', {
    config: { access: 'incidents:write' },
    schema: { tags, params: NoteParams, response: { 200: TimelineEntrySchema } },
  }, async (request) => service.deleteNote(request.params.id, request.params.entryId, actor(request)));

  app.get('/incidents/:id/notes/:entryId/revisions', {
    config: { access: 'incidents:read' },
    schema: { tags, params: NoteParams, response: { 200: Type.Array(NoteRevisionSchema) } },
  }, async (request) => {
    const entry = timeline.byId(request.params.entryId);
    if (!entry || entry.incidentId !== request.params.id) throw new AppError('E_NOT_FOUND', `No note ${request.params.entryId} in incident ${request.params.id}.`);
    return timeline.revisionsOfEntry(entry.id);
  });

  app.get('/incidents/:id/export', {
    config: { access: 'incidents:read' },
    schema: {
      tags,
      params: IdParams,
      querystring: ExportQuerySchema,
      response: { 200: Type.Union([IncidentBundleSchema, Type.String()]) },
    },
  }, async (request, reply) => {
    const bundle = service.bundle(request.params.id);
    const format = request.query.format ?? 'json';
    const name = `incident-${bundle.incident.id}`;
    if (format === 'md') {
      const metricsUrl = (selector: string, from: number, to: number) =>
        `/api/v1/metrics/query_range?${new URLSearchParams({ match: selector, from: String(from), to: String(to) }).toString()}`;
      return reply
        .header('content-type', 'text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-postmortem.md"`)
        .send(renderPostmortem(bundle, metricsUrl));
    }
    return reply.header('content-disposition', `attachment; filename="${name}.json"`).send(bundle);
  });
};
