import type { Logger } from 'pino';
import type { SqlDatabase } from '../db/sql/open.ts';
import { detached } from '../db/sql/transaction-scope.ts';
import { retryDelay, type BackoffPolicy } from './backoff.ts';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { SpanKind, traceHeaders, withSpan } from '../observability/tracing.ts';

export interface DispatcherOptions {
  sql: SqlDatabase;
  log: Logger;
  now: () => number;
  backoff: BackoffPolicy;
  /** Per attempt. */
  timeoutMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
}

/** The host of a webhook URL, for traces (never the path or query, which may hold a token). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}

/** fetch() says "fetch failed" and hides the reason (ECONNREFUSED, timeout) in `cause`. */
function describeFailure(caught: unknown): string {
  const error = caught as Error & { cause?: { message?: string } };
  return error.cause?.message ? `${error.message}: ${error.cause.message}` : error.message;
}

interface DueDelivery {
  id: number;
  attempts: number;
  payload: string;
  url: string;
}

/** How long a claim outlives the attempt's own timeout before another server may take the delivery. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * Sends queued webhook deliveries in the background. Alert processing only inserts rows;
 * this loop reads them, so a slow or dead receiver delays notifications, never alerts.
 * The queue is in the database: after a restart, whatever was pending is sent.
 *
 * Several servers (replicas on one PostgreSQL) run a dispatcher each on the one queue. A
 * dispatcher claims the due rows it will send in one statement (`claimed_until`, a lease a
 * little longer than an attempt can take; on PostgreSQL the candidates are locked with
 * `FOR UPDATE SKIP LOCKED`, so two replicas claiming at once take different rows and never
 * wait on each other), and records the outcome with the claim lifted. So each delivery is
 * sent once across the cluster; one claimed by a replica that died is sent by another once
 * its lease lapses.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #again = false;
  #stopped = false;
  /** The pass over the queue under way, if any (stop() waits for it). */
  #pass: Promise<void> = Promise.resolve();

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** Looks for due deliveries now (after a commit that queued some). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    detached(() => setImmediate(() => this.#pump()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#pass;
    const interrupted = [...this.#inFlight.keys()];
    await Promise.allSettled(this.#inFlight.values());
    // Interrupted attempts stay pending; lift their claims so that they are sent at once after
    // a restart (or by another replica), not only once the lease lapses.
    if (interrupted.length > 0) {
      await this.#options.sql.db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: null })
        .where('id', 'in', interrupted)
        .where('status', '=', 'pending')
        .execute()
        .catch((error: unknown) => this.#options.log.error({ err: error }, 'could not release the claims of interrupted webhook deliveries'));
    }
  }

  #pump(): void {
    this.#pass = this.#sendDue().catch((error: unknown) => {
      // Never let a queue problem escape into the event loop; look again a little later.
      this.#options.log.error({ err: error }, 'webhook dispatcher could not read its queue');
      this.#running = false;
      if (!this.#stopped) setTimeout(() => this.kick(), 5_000).unref();
    });
  }

  async #sendDue(): Promise<void> {
    this.#again = false;
    if (this.#stopped) {
      this.#running = false;
      return;
    }
    const { concurrency } = this.#options;
    const free = concurrency - this.#inFlight.size;
    if (free > 0) {
      const claimed = await this.#claimDue(free);
      for (const delivery of claimed) {
        const attempt = this.#attempt(delivery).finally(() => {
          this.#inFlight.delete(delivery.id);
          this.kick();
        });
        this.#inFlight.set(delivery.id, attempt);
      }
    }
    if (!this.#again) await this.#scheduleNext();
    this.#running = false;
    if (this.#again) this.kick();
  }

  /** Claims up to `limit` due deliveries of enabled webhooks for this server, oldest due first. */
  async #claimDue(limit: number): Promise<DueDelivery[]> {
    const { sql: database, now, timeoutMs } = this.#options;
    const at = now();
    const claimed = await database.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: at + timeoutMs + CLAIM_MARGIN_MS })
      .where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
          .select('d.id')
          .where('d.status', '=', 'pending')
          .where('w.enabled', '=', 1)
          .where('d.next_attempt_at', '<=', at)
          .where((w) => w.or([w('d.claimed_until', 'is', null), w('d.claimed_until', '<=', at)]))
          .orderBy('d.next_attempt_at')
          .orderBy('d.id')
          .limit(limit);
        // SQLite has one writer at a time, so its UPDATE cannot race; PostgreSQL needs the rows locked.
        return database.dialect === 'postgres' ? due.forUpdate('d').skipLocked() : due;
      })
      .returning(['id', 'attempts', 'payload', 'webhook_id'])
      .execute();
    if (claimed.length === 0) return [];
    const urls = new Map(
      (await database.db.selectFrom('webhooks').select(['id', 'url']).where('id', 'in', [...new Set(claimed.map((row) => row.webhook_id))]).execute()).map((row) => [row.id, row.url]),
    );
    return claimed.flatMap((row) => {
      const url = urls.get(row.webhook_id);
      // Removed in between: its deliveries went with it.
      return url === undefined ? [] : [{ id: row.id, attempts: row.attempts, payload: row.payload, url }];
    });
  }

  /** Wakes up when the next delivery falls due (or its claim lapses), at most a minute from now. */
  async #scheduleNext(): Promise<void> {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    // A row another server has claimed is not due for us before its claim lapses.
    const next = await this.#options.sql.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select((eb) => eb.fn.min(eb.case().when('d.claimed_until', '>', eb.ref('d.next_attempt_at')).then(eb.ref('d.claimed_until')).else(eb.ref('d.next_attempt_at')).end()).as('t'))
      .where('d.status', '=', 'pending')
      .where('w.enabled', '=', 1)
      .executeTakeFirst();
    if (this.#stopped || next?.t === null || next?.t === undefined) return;
    const delay = Math.max(0, Math.min(Number(next.t) - this.#options.now(), 60_000));
    this.#timer = setTimeout(() => this.kick(), delay);
    this.#timer.unref();
  }

  async #attempt(delivery: DueDelivery): Promise<void> {
    // One span per outbound delivery; the URL is not recorded (Slack-style URLs carry a secret), its host is.
    return withSpan('webhook.deliver', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'server.address': hostOf(delivery.url), 'smartcloudops.webhook.delivery_id': delivery.id, 'smartcloudops.webhook.attempt': delivery.attempts + 1 } }, (span) =>
      this.#send(delivery, span),
    );
  }

  async #send(delivery: DueDelivery, span: Span | null): Promise<void> {
    const { log, timeoutMs } = this.#options;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'SmartCloudOps-Webhook/1', ...traceHeaders() },
        body: delivery.payload,
        redirect: 'error',
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (caught) {
      error = describeFailure(caught);
    }
    if (statusCode !== null) span?.setAttribute('http.response.status_code', statusCode);
    if (error !== null) span?.setStatus({ code: SpanStatusCode.ERROR, message: error });
    // Stopping (the database may be closing): leave the row pending; it is sent again after the restart.
    if (this.#stopped) return;
    try {
      await this.#record(delivery, statusCode, error);
    } catch (caught) {
      // The claim lapses and the delivery is tried again (by this server or another).
      log.error({ err: caught, deliveryId: delivery.id }, 'could not record a webhook delivery attempt');
    }
  }

  /** The attempt's outcome, with the claim lifted (one statement, so no other server sees it half-done). */
  async #record(delivery: DueDelivery, statusCode: number | null, error: string | null): Promise<void> {
    const { sql: database, now, log, backoff } = this.#options;
    const attempts = delivery.attempts + 1;
    const at = now();
    const update = database.db.updateTable('webhook_deliveries').where('id', '=', delivery.id);
    if (!error) {
      await update.set({ status: 'delivered', attempts, last_status_code: statusCode, last_error: null, next_attempt_at: null, delivered_at: at, claimed_until: null }).execute();
      return;
    }
    const giveUp = attempts >= backoff.maxAttempts;
    log.warn({ deliveryId: delivery.id, attempts, error, giveUp }, 'webhook delivery failed');
    await update
      .set({ status: giveUp ? 'failed' : 'pending', attempts, last_status_code: statusCode, last_error: error, next_attempt_at: giveUp ? null : at + retryDelay(attempts, backoff), claimed_until: null })
      .execute();
  }
}
