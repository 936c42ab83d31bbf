import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../shared/errors.ts';

export interface RequestsInFlight {
  /** Answers every request not answered yet with 503 `shutting_down`; returns how many. */
  cut(): number;
}

/**
 * The requests the server is answering, so that a shutdown past its grace (main.ts) can
 * answer those still waiting (on a peer that never answers, up to a data source's 300 s
 * timeout) with 503 `shutting_down` rather than wait for them past a supervisor's patience
 * (docker stop: 10 s, Kubernetes: 30 s, then SIGKILL). A request cut this way has written
 * nothing half: every write commits in one transaction, which either ran before or does not
 * run (the database closes after), and the client is told to retry elsewhere.
 */
export function trackRequestsInFlight(app: FastifyInstance): RequestsInFlight {
  const inFlight = new Set<FastifyReply>();
  // A callback hook (no promise per request); 'close' fires for every response, answered or aborted.
  app.addHook('onRequest', (_request, reply, done) => {
    inFlight.add(reply);
    reply.raw.once('close', () => inFlight.delete(reply));
    done();
  });
  return {
    cut() {
      let cut = 0;
      for (const reply of inFlight) {
        // Answered, or hijacked (the event stream: the hub ends it as the server closes).
        if (reply.sent || reply.raw.headersSent) continue;
        cut += 1;
        const error = new AppError('E_UNAVAILABLE', 'The server is shutting down; retry shortly.', { reason: 'shutting_down' });
        void reply.code(error.status).headers({ 'retry-after': '5', connection: 'close' }).send(error.toBody());
      }
      return cut;
    },
  };
}
