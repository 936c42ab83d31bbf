import type { Db } from '../db/database.ts';
import { severityRank, type Severity, type Webhook, type WebhookDelivery, type WebhookFormat, type WebhookInput } from '../../../shared/api/alerts.ts';

type Row = Record<string, unknown>;

function toWebhook(row: Row): Webhook {
  return {
    id: row.id as number,
    name: row.name as string,
    url: row.url as string,
    format: row.format as WebhookFormat,
    minSeverity: row.min_severity as Severity,
    enabled: row.enabled === 1,
    createdBy: row.created_by as string,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

export function toDelivery(row: Row): WebhookDelivery {
  return {
    id: row.id as number,
    webhookId: row.webhook_id as number,
    alertId: row.alert_id as number,
    event: row.event as string,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts as number,
    nextAttemptAt: row.next_attempt_at as number | null,
    lastStatusCode: row.last_status_code as number | null,
    lastError: row.last_error as string | null,
    createdAt: row.created_at as number,
    deliveredAt: row.delivered_at as number | null,
  };
}

/**
 * Outbound webhooks and their durable delivery queue. Enqueuing is a row insert in the
 * caller's transaction, so a notification exists exactly when the alert change does.
 */
export class WebhookStore {
  readonly #db: Db;
  readonly #enqueue;
  #enabled: Webhook[] = [];

  constructor(db: Db) {
    this.#db = db;
    this.#enqueue = db.prepare(
      "INSERT INTO webhook_deliveries (webhook_id, alert_id, event, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
    );
    this.#reload();
  }

  #reload(): void {
    this.#enabled = this.list().filter((hook) => hook.enabled);
  }

  list(): Webhook[] {
    return (this.#db.prepare('SELECT * FROM webhooks ORDER BY id').all() as Row[]).map(toWebhook);
  }

  byId(id: number): Webhook | undefined {
    const row = this.#db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined;
    return row ? toWebhook(row) : undefined;
  }

  create(input: WebhookInput, by: string, now: number): Webhook {
    const id = Number(
      this.#db
        .prepare('INSERT INTO webhooks (name, url, format, min_severity, enabled, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.name, input.url, input.format ?? 'json', input.minSeverity ?? 'info', input.enabled === false ? 0 : 1, by, now, now).lastInsertRowid,
    );
    this.#reload();
    return this.byId(id)!;
  }

  update(id: number, input: WebhookInput, now: number): Webhook | undefined {
    this.#db
      .prepare('UPDATE webhooks SET name = ?, url = ?, format = ?, min_severity = ?, enabled = ?, updated_at = ? WHERE id = ?')
      .run(input.name, input.url, input.format ?? 'json', input.minSeverity ?? 'info', input.enabled === false ? 0 : 1, now, id);
    this.#reload();
    return this.byId(id);
  }

  remove(id: number): boolean {
    const removed = this.#db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
    this.#reload();
    return removed;
  }

  /** Queues one delivery per enabled webhook that wants this severity; returns how many. */
  enqueue(alert: { id: number; severity: Severity }, event: string, render: (format: WebhookFormat) => unknown, now: number): number {
    let queued = 0;
    for (const hook of this.#enabled) {
      if (severityRank(alert.severity) < severityRank(hook.minSeverity)) continue;
      this.#enqueue.run(hook.id, alert.id, event, JSON.stringify(render(hook.format)), now, now);
      queued += 1;
    }
    return queued;
  }

  deliveries(webhookId: number, limit = 100, offset = 0): { items: WebhookDelivery[]; total: number } {
    const total = (this.#db.prepare('SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?').get(webhookId) as { n: number }).n;
    const rows = this.#db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ? OFFSET ?').all(webhookId, limit, offset) as Row[];
    return { items: rows.map(toDelivery), total };
  }
}
