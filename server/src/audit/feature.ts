import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { AuditRetention } from './retention.ts';
import { auditRoutes } from './routes.ts';
import type { AuditLog } from './store.ts';

/** The audit log: every feature writes through `ctx.audit`; this feature serves reading it and runs its retention. */
export function createAuditFeature(ctx: ServerContext): Feature<AuditLog> {
  return {
    service: ctx.audit,
    plugin: async (app) => {
      await app.register(auditRoutes, { ctx });
      // Nothing runs with the default retention of 0 (keep every entry, as before it existed).
      const retention = new AuditRetention({ sql: ctx.sql, audit: ctx.audit, now: ctx.now, leadership: ctx.leadership, log: ctx.log, retentionDays: ctx.config.auditRetentionDays });
      app.addHook('onReady', async () => retention.start());
      app.addHook('onClose', async () => retention.stop());
    },
  };
}
