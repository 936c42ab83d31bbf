import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { auditRoutes } from './routes.ts';
import type { AuditLog } from './store.ts';

/** The audit log: every feature writes through `ctx.audit`; this feature serves reading it. */
export function createAuditFeature(ctx: ServerContext): Feature<AuditLog> {
  return {
    service: ctx.audit,
    plugin: async (app) => {
      await app.register(auditRoutes, { ctx });
    },
  };
}
