import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';

/**
 * Bytes of write bodies (bulk ingest) the server reads and parses at once. A 64 MiB JSON
 * ingest body holds ~250 MiB while it is parsed and stored (the text, then millions of
 * small arrays), so a client sending a dozen at once took the server to gigabytes, past
 * any container's limit. One body is always admitted, however large its route allows.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** The write bodies being read and handled now, by their declared bytes (`installBodyBudget`). */
    writeBodies: { inFlight(): number };
  }
}

export const BODY_BUDGET_BYTES = 64 * 1_048_576;
/**
 * Bodies this small are not counted: the server's default body limit. Every alert write
 * is one, and a writer holding the budget with one slow large body cannot shed them.
 */
const UNCOUNTED_BYTES = 1_048_576;
/** What a shed write is told to wait: a full-size ingest is read and stored in seconds. */
const RETRY_AFTER_SECONDS = 2;

export interface BodyBudgetOptions {
  /** `METHOD /route` of the writes whose bodies share the budget (the route pattern, not the URL). */
  routes: readonly string[];
  budgetBytes?: number;
}

/**
 * Whether the body comes compressed (`Content-Encoding` other than identity). @fastify/compress
 * unpacks such a body before it is parsed, up to the route's body limit: its Content-Length
 * says nothing of what is read (155 KiB of gzip is 60 MiB of ingest JSON).
 */
function isEncoded(header: string | string[] | undefined): boolean {
  const values = (Array.isArray(header) ? header : [header ?? '']).flatMap((value) => value.split(','));
  return values.some((value) => {
    const coding = value.trim().toLowerCase();
    return coding !== '' && coding !== 'identity';
  });
}

/**
 * Admits a guarded write only while the bodies in flight, by their Content-Length (or the
 * route's body limit when the length is not declared, a chunked body may grow to it, or the
 * body is compressed, it may unpack to it), stay
 * within the budget; beyond, 503 `E_UNAVAILABLE` with Retry-After before the body is read.
 * A body's bytes are counted from its headers until its answer is sent or the connection
 * closes.
 */
export function installBodyBudget(app: FastifyInstance, { routes, budgetBytes = BODY_BUDGET_BYTES }: BodyBudgetOptions): void {
  const guarded = new Set(routes);
  const counted = new WeakMap<object, number>();
  let inFlight = 0;
  // Every way a request ends releases its bytes once (an answer, an abort, a closed socket).
  const release = (request: object) => {
    const bytes = counted.get(request);
    if (bytes === undefined) return;
    counted.delete(request);
    inFlight -= bytes;
  };
  app.addHook('onResponse', (request, _reply, done) => {
    release(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    release(request);
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!guarded.has(`${request.method} ${request.routeOptions.url}`)) {
      done();
      return;
    }
    const declared = Number(request.headers['content-length']);
    const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? budgetBytes;
    const bytes = !isEncoded(request.headers['content-encoding']) && Number.isSafeInteger(declared) && declared >= 0 ? declared : limit;
    if (bytes <= UNCOUNTED_BYTES) {
      done();
      return;
    }
    if (inFlight > 0 && inFlight + bytes > budgetBytes) {
      done(Object.assign(new AppError('E_UNAVAILABLE', `The server is busy reading other large writes; retry after ${RETRY_AFTER_SECONDS} s.`, { retryAfterSeconds: RETRY_AFTER_SECONDS, queue: 'write bodies in flight' }), {
        // The refused body is not read: the connection closes after the answer (kept alive, Node
        // would read and discard it to reuse the connection, the very bytes shed here).
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS), connection: 'close' },
      }));
      return;
    }
    inFlight += bytes;
    counted.set(request, bytes);
    reply.raw.once('close', () => release(request));
    done();
  });
  app.decorate('writeBodies', { inFlight: () => inFlight });
}
