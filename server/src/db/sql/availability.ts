import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from '../../../../shared/errors.ts';
import type { SqlDatabase } from './open.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PING_TIMEOUT_MS = 10_000;

/**
 * Whether the database answers, checked every `intervalMs` (PostgreSQL: a network away,
 * it can be lost and come back). While it is lost the server refuses writes with 503 and
 * Retry-After instead of failing them half-way, and /ready says not-ready so the load
 * balancer sends traffic elsewhere; the next successful check lifts both by itself.
 */
export class DatabaseAvailability {
  readonly #sql: SqlDatabase;
  readonly #log: Logger | undefined;
  #available = true;
  #reason: string | undefined;
  #slowAnswers = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(database: SqlDatabase, log?: Logger) {
    this.#sql = database;
    this.#log = log;
  }

  get available(): boolean {
    return this.#available;
  }

  get reason(): string | undefined {
    return this.#reason;
  }

  /** Pings now; returns whether the database answered. */
  async check(): Promise<boolean> {
    try {
      await this.#sql.ping(PING_TIMEOUT_MS);
      if (!this.#available) this.#log?.info('database reachable again; accepting writes');
      this.#available = true;
      this.#reason = undefined;
      this.#slowAnswers = 0;
    } catch (error) {
      // A refused connection is certain at once; a slow answer (a busy database or pool)
      // counts only the third time in a row.
      if (!refusedOutright(error) && ++this.#slowAnswers < 3) return this.#available;
      if (this.#available) {
        this.#log?.error({ err: error, database: this.#sql.description }, 'database unreachable; refusing writes until it answers');
        // Connections opened before may be cut without a word (a partition): closed, so the
        // requests waiting on them answer 503 now and the pool opens new ones once it is back.
        this.#sql.dropConnections();
      }
      this.#available = false;
      this.#reason = (error as Error).message;
    }
    return this.#available;
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.check(), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Refuses state-changing requests while the database is lost. */
  install(app: FastifyInstance): void {
    // A callback hook (no promise or microtask per request: it runs on every one).
    app.addHook('onRequest', (request, _reply, done) => {
      if (this.#available || SAFE_METHODS.has(request.method)) {
        done();
        return;
      }
      done(Object.assign(new AppError('E_UNAVAILABLE', 'The database is unreachable; writes are refused until it is back.', { retryAfterSeconds: 5, reason: 'database_unreachable' }), {
        headers: { 'retry-after': '5' },
      }));
    });
    app.addHook('onClose', async () => this.stop());
  }
}

/** PostgreSQL SQLSTATE classes and driver errors that mean "the database is not there", not "the query is wrong". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);

export function isDatabaseUnreachable(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /Connection terminated|Client has encountered a connection error/i.test(message);
}

/**
 * pg-pool's own words when a query waited `POOL_WAIT_MS` for a pooled connection that slow
 * requests held all along (a new connection that does not open says "Connection terminated
 * due to connection timeout" instead): the database answers, the replica is busy.
 */
export function isPoolExhausted(error: unknown): boolean {
  const { message } = error as { message?: string };
  return message === 'timeout exceeded when trying to connect';
}

/** A network-level refusal or a server shutting down: the database is certainly not there. */
function refusedOutright(error: unknown): boolean {
  const { code } = error as { code?: string };
  return code !== undefined && (UNREACHABLE_CODES.has(code) || code.startsWith('08'));
}
