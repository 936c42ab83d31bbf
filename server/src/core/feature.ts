import type { FastifyPluginAsync } from 'fastify';

/**
 * The one shape of a server feature: `createXFeature(ctx, deps)` builds its stores and
 * services from the shared context and what other features lend it (as interfaces), and
 * returns the service other code may call and the plugin that serves its routes under
 * `/api/v1` and runs its background work for the life of the server. See
 * docs/architecture.md, "A feature's shape".
 */
export interface Feature<S> {
  service: S;
  plugin: FastifyPluginAsync;
}
