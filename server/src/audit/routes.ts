import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes as routes } from '../../../shared/api/audit.ts';
import type { ServerContext } from '../context.ts';
import { registerRoutes } from '../http/register-route.ts';
import { auditActor } from './actor.ts';
import type { AuditLog } from './store.ts';

export interface AuditRoutesOptions {
  ctx: ServerContext;
}

/** NDJSON lines of the entries in the range, a page at a time (the download is as long as the range). */
async function* ndjson(audit: AuditLog, from: number | undefined, to: number | undefined): AsyncGenerator<string> {
  for await (const page of audit.range(from, to)) yield page.map((entry) => `${JSON.stringify(entry)}\n`).join('');
}

/** `GET /audit`: filtered, newest first, keyset paging through `before` / `nextBefore`; `GET /audit/export`: a range as NDJSON. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (app, { ctx }) => {
  registerRoutes(app, routes, {
    list: async (request) => {
      const limit = request.query.limit ?? 100;
      // One extra row tells whether an older page exists without a COUNT.
      const rows = await ctx.audit.query({ ...request.query, limit: limit + 1 });
      const entries = rows.slice(0, limit);
      return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null };
    },
    export: async (request, reply) => {
      const { from, to } = request.query;
      // Who took a copy of the log, and of which range, is itself in the log (written before the answer).
      ctx.audit.record({ ...auditActor(request), action: 'audit.export', target: null, outcome: 'success', details: { from: from ?? null, to: to ?? null } });
      await ctx.audit.flush();
      const name = `audit-${from ?? 'start'}-${to ?? 'end'}.ndjson`;
      void reply.type('application/x-ndjson; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`);
      return Readable.from(ndjson(ctx.audit, from, to));
    },
  });
};
