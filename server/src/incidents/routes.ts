import type { FastifyPluginAsync } from 'fastify';
import { incidentsRoutes as routes } from '../../../shared/api/incidents.ts';
import { metricsRoutes } from '../../../shared/api/metrics.ts';
import { API_PREFIX } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import { actorOf } from '../core/actor.ts';
import { renderPostmortem } from './postmortem.ts';
import { readable, readableBundle, readableDetail } from './readable-parts.ts';
import type { IncidentService } from './service.ts';
import type { IncidentStore } from './store.ts';
import type { TimelineStore } from './timeline.ts';

export interface IncidentRoutesOptions {
  incidents: IncidentStore;
  timeline: TimelineStore;
  service: IncidentService;
}

/** Where the postmortem links a chart: the metrics range query of the route table. */
const metricsUrl = (selector: string, from: number, to: number) =>
  `${API_PREFIX}${metricsRoutes.range.path}?${new URLSearchParams({ match: selector, from: String(from), to: String(to) }).toString()}`;

/** Incidents, their timeline and notes, and the postmortem export. */
export const incidentRoutes: FastifyPluginAsync<IncidentRoutesOptions> = async (app, { incidents, timeline, service }) => {
  const actor = (request: Parameters<typeof principalOf>[0]) => actorOf(principalOf(request), request.ip);

  registerRoutes(app, routes, {
    list: async (request) => {
      const { items, total } = await incidents.list(request.query);
      return { items, total, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 };
    },
    get: async (request) => readableDetail(await service.detail(request.params.id), principalOf(request)),
    update: async (request) => service.update(request.params.id, request.body, actor(request)),
    merge: async (request) => service.merge(request.params.id, request.body.incidentIds, actor(request)),
    split: async (request) => service.split(request.params.id, request.body.alertIds, request.body.title, actor(request)),
    timeline: async (request) => {
      await service.detail(request.params.id);
      return timeline.of(request.params.id);
    },
    addNote: async (request) => service.addNote(request.params.id, request.body.text, actor(request)),
    editNote: async (request) => service.editNote(request.params.id, request.params.entryId, request.body.text, actor(request)),
    deleteNote: async (request) => service.deleteNote(request.params.id, request.params.entryId, actor(request)),
    noteRevisions: async (request) => {
      const entry = await timeline.byId(request.params.entryId);
      if (!entry || entry.incidentId !== request.params.id) throw new AppError('E_NOT_FOUND', `No note ${request.params.entryId} in incident ${request.params.id}.`);
      return timeline.revisionsOfEntry(entry.id);
    },
    sourceQueries: async (request) => service.sourceQueries(request.params.id),
    addSourceQuery: async (request) => service.addSourceQuery(request.params.id, request.body, actor(request)),
    removeSourceQuery: async (request) => service.removeSourceQuery(request.params.id, request.params.queryId, actor(request)),
    export: async (request, reply) => {
      const bundle = readableBundle(await service.bundle(request.params.id), principalOf(request));
      const format = request.query.format ?? 'json';
      const name = `incident-${bundle.incident.id}`;
      if (format === 'md') {
        void reply.header('content-type', 'text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="${name}-postmortem.md"`);
        return renderPostmortem(bundle, metricsUrl, readable(principalOf(request)).alerts);
      }
      void reply.header('content-disposition', `attachment; filename="${name}.json"`);
      return bundle;
    },
  });
};
