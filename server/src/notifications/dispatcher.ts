import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { retryDelay, type BackoffPolicy } from './backoff.ts';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { SpanKind, traceHeaders, withSpan } from '../observability/tracing.ts';

export interface DispatcherOptions {
  db: Db;
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

/**
 * Sends queued webhook deliveries in the background. Alert processing only inserts rows;
 * this loop reads them, so a slow or dead receiver delays notifications, never alerts.
 * The queue lives in SQLite: after a restart, whatever was pending is sent.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #again = false;
  #stopped = false;

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
    setImmediate(() => this.#pump());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    await Promise.allSettled(this.#inFlight.values());
  }

  #pump(): void {
    try {
      this.#sendDue();
    } catch (error) {
      // Never let a queue problem escape into the event loop; look again a little later.
      this.#options.log.error({ err: error }, 'webhook dispatcher could not read its queue');
      this.#running = false;
      if (!this.#stopped) setTimeout(() => this.kick(), 5_000).unref();
    }
  }

  #sendDue(): void {
    this.#again = false;
    if (this.#stopped) {
      this.#running = false;
      return;
    }
    const { db, now, concurrency } = this.#options;
    const free = concurrency - this.#inFlight.size;
    if (free > 0) {
      const skip = [...this.#inFlight.keys()];
      const due = db
        .prepare(
          `SELECT d.id, d.attempts, d.payload, w.url FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.status = 'pending' AND w.enabled = 1 AND d.next_attempt_at <= ? ${skip.length ? `AND d.id NOT IN (${skip.join(',')})` : ''}
           ORDER BY d.next_attempt_at, d.id LIMIT ?`,
        )
        .all(now(), free) as DueDelivery[];
      for (const delivery of due) {
        const attempt = this.#attempt(delivery).finally(() => {
          this.#inFlight.delete(delivery.id);
          this.kick();
        });
        this.#inFlight.set(delivery.id, attempt);
      }
    }
    this.#running = false;
    if (this.#again) this.kick();
    else this.#scheduleNext();
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    const next = this.#options.db
      .prepare("SELECT min(d.next_attempt_at) AS t FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND w.enabled = 1")
      .get() as { t: number | null };
    if (next.t === null) return;
    const delay = Math.max(0, Math.min(next.t - this.#options.now(), 60_000));
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
      this.#record(delivery, statusCode, error);
    } catch (caught) {
      log.error({ err: caught, deliveryId: delivery.id }, 'could not record a webhook delivery attempt');
    }
  }

  #record(delivery: DueDelivery, statusCode: number | null, error: string | null): void {
    const { db, now, log, backoff } = this.#options;
    const attempts = delivery.attempts + 1;
    const at = now();
    if (!error) {
      db.prepare("UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status_code = ?, last_error = NULL, next_attempt_at = NULL, delivered_at = ? WHERE id = ?")
        .run(attempts, statusCode, at, delivery.id);
      return;
    }
    const giveUp = attempts >= backoff.maxAttempts;
    log.warn({ deliveryId: delivery.id, attempts, error, giveUp }, 'webhook delivery failed');
    db.prepare('UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(giveUp ? 'failed' : 'pending', attempts, statusCode, error, giveUp ? null : at + retryDelay(attempts, backoff), delivery.id);
  }
}
