import { sql, type Kysely } from 'kysely';
import { SEVERITIES, severityRank, type Severity, type Webhook, type WebhookDelivery, type WebhookFormat, type WebhookInput } from '../../../shared/api/alerts.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { SqlSchema, WebhookDeliveriesTable, WebhooksTable } from '../db/sql/schema.ts';
import { WRITE_STAGE, type UnitOfWork } from '../core/unit-of-work.ts';
import { columnList, unnestRows } from '../db/sql/unnest.ts';
import { statement } from '../db/sql/statement.ts';

/** A delivery held by a unit: webhook, alert, event, payload, time. */
type HeldDelivery = [number, number, string, string, number];
const DELIVERY_COLUMNS = [['webhook_id', 'integer'], ['alert_id', 'integer'], ['event', 'text'], ['payload', 'text'], ['next_attempt_at', 'bigint']] as const;

type WebhookRow = Omit<WebhooksTable, 'id'> & { id: number };
type DeliveryRow = Omit<WebhookDeliveriesTable, 'id' | 'attempts'> & { id: number; attempts: number };

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    minSeverity: row.min_severity,
    enabled: row.enabled === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    alertId: row.alert_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** Severities a webhook may ask for and still want an alert of this severity. */
/** The enqueue statement of one SQLite connection, prepared once. */
const sqliteStatements = new WeakMap<Db, { insert: Statement }>();

function sqliteEnqueueStatements(db: Db): { insert: Statement } {
  let statements = sqliteStatements.get(db);
  if (!statements) {
    statements = {
      insert: db.prepare("INSERT INTO webhook_deliveries (webhook_id, alert_id, event, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"),
    };
    sqliteStatements.set(db, statements);
  }
  return statements;
}

const enabledWebhooks = statement((db) => db.selectFrom('webhooks').select(['id', 'format', 'min_severity']).where('enabled', '=', 1).orderBy('id'), []);

const minSeveritiesFor = (severity: Severity): Severity[] => SEVERITIES.filter((min) => severityRank(min) <= severityRank(severity));

/**
 * Outbound webhooks and their durable delivery queue, on the shared query layer (SQLite or
 * PostgreSQL). Nothing is cached beyond one unit of work: which webhooks an alert goes to is
 * read in the alert's transaction, so a webhook changed on one replica is used by all from
 * their next batch on.
 *
 * Deliveries are queued inside the alert's unit of work (see notifier.ts), so a notification
 * exists exactly when the alert change does: held by the unit and written with its other
 * rows (`hold`), or in a caller's transaction (`enqueue`, one INSERT … SELECT over the
 * enabled webhooks).
 */
export class WebhookStore {
  readonly #sql: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#sql = database;
  }

  get dialect(): SqlDatabase['dialect'] {
    return this.#sql.dialect;
  }

  async list(): Promise<Webhook[]> {
    return (await this.#sql.db.selectFrom('webhooks').selectAll().orderBy('id').execute()).map(toWebhook);
  }

  async byId(id: number): Promise<Webhook | undefined> {
    const row = await this.#sql.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toWebhook(row);
  }

  async create(input: WebhookInput, by: string, now: number): Promise<Webhook> {
    const row = await this.#sql.db
      .insertInto('webhooks')
      .values({ name: input.name, url: input.url, format: input.format ?? 'json', min_severity: input.minSeverity ?? 'info', enabled: input.enabled === false ? 0 : 1, created_by: by, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toWebhook(row);
  }

  async update(id: number, input: WebhookInput, now: number): Promise<Webhook | undefined> {
    const row = await this.#sql.db
      .updateTable('webhooks')
      .set({ name: input.name, url: input.url, format: input.format ?? 'json', min_severity: input.minSeverity ?? 'info', enabled: input.enabled === false ? 0 : 1, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toWebhook(row);
  }

  async remove(id: number): Promise<boolean> {
    const result = await this.#sql.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * The statement queuing one delivery per enabled webhook that wants this severity, with
   * the payload rendered in each webhook's format. Values are cast so that PostgreSQL knows
   * their types in the SELECT list (SQLite takes the casts as no-ops).
   */
  enqueueStatement(alert: { id: number; severity: Severity }, event: string, payloads: Record<WebhookFormat, string>, now: number, executor: Kysely<SqlSchema> = this.#sql.db) {
    return executor.insertInto('webhook_deliveries').columns(['webhook_id', 'alert_id', 'event', 'payload', 'status', 'next_attempt_at', 'created_at']).expression((eb) =>
      eb
        .selectFrom('webhooks')
        .select((s) => [
          'id',
          sql<number>`CAST(${alert.id} AS BIGINT)`.as('alert_id'),
          sql<string>`CAST(${event} AS TEXT)`.as('event'),
          s.case().when('format', '=', 'slack').then(sql<string>`CAST(${payloads.slack} AS TEXT)`).else(sql<string>`CAST(${payloads.json} AS TEXT)`).end().as('payload'),
          sql<'pending'>`'pending'`.as('status'),
          sql<number>`CAST(${now} AS BIGINT)`.as('next_attempt_at'),
          sql<number>`CAST(${now} AS BIGINT)`.as('created_at'),
        ])
        .where('enabled', '=', 1)
        .where('min_severity', 'in', minSeveritiesFor(alert.severity))
        .orderBy('id'),
    );
  }

  /**
   * Within a unit of work: queues a delivery per enabled webhook that wants this alert's
   * severity. The webhooks are read once per unit (a batch of 100 alerts reads them once; a
   * webhook changed on another replica is used from its next batch on), a payload is
   * rendered only in a format one of them wants (none, usually), and the rows are written
   * with the unit's other held rows when it flushes (on PostgreSQL one statement for the
   * batch). Returns how many it queued.
   */
  async hold(unit: UnitOfWork, alert: { id: number; severity: Severity }, event: string, payloadIn: (format: WebhookFormat) => string, now: number): Promise<number> {
    const held = unit.scratch('webhooks.held', () => {
      const state = {
        targets: enabledWebhooks.all(unit),
        rows: [] as HeldDelivery[],
      };
      unit.holdWrites('webhook_deliveries', WRITE_STAGE.referencing, () => this.#writeHeld(unit, state.rows));
      return state;
    });
    const targets = (await held.targets).filter((target) => severityRank(target.min_severity) <= severityRank(alert.severity));
    const payloads = new Map<WebhookFormat, string>();
    for (const target of targets) {
      let payload = payloads.get(target.format);
      if (payload === undefined) payloads.set(target.format, (payload = payloadIn(target.format)));
      held.rows.push([Number(target.id), alert.id, event, payload, now]);
    }
    return targets.length;
  }

  async #writeHeld(unit: UnitOfWork, held: HeldDelivery[]): Promise<void> {
    const rows = held.splice(0);
    if (rows.length === 0) return;
    if (unit.sqlite) {
      const { insert } = sqliteEnqueueStatements(unit.sqlite);
      for (const [webhookId, alertId, event, payload, now] of rows) insert.run(webhookId, alertId, event, payload, now, now);
      return;
    }
    await sql`INSERT INTO webhook_deliveries (${sql.raw(columnList(DELIVERY_COLUMNS))}, status, created_at) SELECT *, 'pending', u.next_attempt_at FROM ${unnestRows(DELIVERY_COLUMNS, rows)}`.execute(unit.db);
  }

  /** PostgreSQL (or anywhere outside a SQLite transaction): queues the deliveries, in `executor`'s transaction if given; returns how many. */
  async enqueue(alert: { id: number; severity: Severity }, event: string, payloads: Record<WebhookFormat, string>, now: number, executor: Kysely<SqlSchema> = this.#sql.db): Promise<number> {
    const result = await this.enqueueStatement(alert, event, payloads, now, executor).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async deliveries(webhookId: number, limit = 100, offset = 0): Promise<{ items: WebhookDelivery[]; total: number }> {
    const { n } = await this.#sql.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('webhook_id', '=', webhookId).executeTakeFirstOrThrow();
    const rows = await this.#sql.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { items: rows.map(toDelivery), total: Number(n) };
  }

  /** Deliveries not delivered, by status, and the creation time of the oldest pending one (server metrics). */
  async queueState(): Promise<{ pending: number; failed: number; oldestPendingAt: number | null }> {
    const counts = await this.#sql.db
      .selectFrom('webhook_deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '!=', 'delivered')
      .groupBy('status')
      .execute();
    // The partial index webhook_deliveries_due covers pending rows only: cheap however long the history.
    const oldest = await this.#sql.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.min('created_at').as('oldest')).where('status', '=', 'pending').executeTakeFirst();
    const byStatus = new Map(counts.map((row) => [row.status, Number(row.n)]));
    const oldestPendingAt = oldest?.oldest;
    return { pending: byStatus.get('pending') ?? 0, failed: byStatus.get('failed') ?? 0, oldestPendingAt: oldestPendingAt === null || oldestPendingAt === undefined ? null : Number(oldestPendingAt) };
  }
}
