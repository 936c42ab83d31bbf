import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes as routes } from '../../../shared/api/audit.ts';
import type { ServerContext } from '../context.ts';
import { registerRoutes } from '../http/register-route.ts';

export interface AuditRoutesOptions {
  ctx: ServerContext;
}

/** `GET /audit`: filtered, newest first, keyset paging through `before` / `nextBefore`. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (app, { ctx }) => {
  registerRoutes(app, routes, {
    list: async (request) => {
      const limit = request.query.limit ?? 100;
      // One extra row tells whether an older page exists without a COUNT.
      const rows = await ctx.audit.query({ ...request.query, limit: limit + 1 });
      const entries = rows.slice(0, limit);
      return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null };
    },
  });
};
