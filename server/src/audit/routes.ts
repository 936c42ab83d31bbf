import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AuditPageSchema, AuditQuerySchema } from '../../../shared/api/audit.ts';
import type { ServerContext } from '../context.ts';

export interface AuditRoutesOptions {
  ctx: ServerContext;
}

/** `GET /audit`: filtered, newest first, keyset paging through `before` / `nextBefore`. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/audit', {
    config: { access: 'audit:read' },
    schema: { tags: ['audit'], querystring: AuditQuerySchema, response: { 200: AuditPageSchema } },
  }, async (request) => {
    const limit = request.query.limit ?? 100;
    // One extra row tells whether an older page exists without a COUNT.
    const rows = ctx.audit.query({ ...request.query, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null };
  });
};
