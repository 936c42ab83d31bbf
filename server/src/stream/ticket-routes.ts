import type { FastifyPluginAsync } from 'fastify';
import { streamRoutes as streamRouteTable } from '../../../shared/api/stream.ts';
import { AppError } from '../../../shared/errors.ts';
import { registerRoute } from '../http/register-route.ts';
import { principalOf } from '../http/access.ts';
import type { StreamTickets } from './tickets.ts';

/** `POST /stream/ticket`: a single-use ticket for the signed-in user's session. */
export const streamTicketRoutes: FastifyPluginAsync<{ tickets: StreamTickets }> = async (app, { tickets }) => {
  registerRoute(app, streamRouteTable.ticket, (request) => {
      const principal = principalOf(request);
      // API keys are for scripts, which can send the Authorization header on the stream itself.
      if (principal.kind !== 'user' || !principal.sessionId) throw new AppError('E_FORBIDDEN', 'Stream tickets are for signed-in users; send the API key in the Authorization header.');
      return { ticket: tickets.issue({ userId: principal.userId, sessionId: principal.sessionId }), expiresIn: Math.round(tickets.ttlMs / 1000) };
  });
};
