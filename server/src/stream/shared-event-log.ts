import type pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { detached } from '../db/sql/transaction-scope.ts';
import type { SampleEventData, StreamEvent, StreamEventType } from '../../../shared/api/stream.ts';
import { expandRecordMarkers, expandSampleMarker, isRecordMarker, isSampleMarker, type RecordReads, type EventLogOptions, type Replay, type SampleMarker, type StreamEventSource, type WireEvent } from './event-log.ts';

/** The NOTIFY channel announcing new rows of stream_events. */
export const STREAM_CHANNEL = 'smartcloudops_stream';
/** Transaction advisory lock that makes event ids commit in order (any fixed number; "SCOevnt"). */
const APPEND_LOCK = (0x53434f65766e74n).toString();
/** Rows read per catch-up query. */
const PAGE = 1_000;

export interface SharedEventLogOptions extends EventLogOptions {
  log?: Logger;
  /** Catch-up read even without a notification (a lost NOTIFY, a reconnect), ms. */
  pollMs?: number;
  /** Pruning of old rows (any replica may do it), ms. */
  pruneEveryMs?: number;
}

/**
 * The event log every replica shares, in PostgreSQL. A replica appends the events published
 * on its bus (in publication order, batched in one transaction) and announces them with
 * NOTIFY; every replica, the publishing one included, LISTENs and reads the new rows in id
 * order, so all streams see the same sequence, whatever replica a client is connected to.
 *
 * Gap-free: appends take one transaction-level advisory lock, so ids commit in increasing
 * order and a reader that has read up to N will never see an id below N appear later.
 *
 * Sample events keep a marker (the metrics store's export positions of an ingest call's
 * samples, shared by the replicas on PostgreSQL) instead of a copy of every sample: the
 * replica that wrote them delivers the samples it still holds, the others and replays read
 * them back from the store.
 */
export class SharedEventLog implements StreamEventSource {
  readonly #sql: SqlDatabase;
  readonly #options: Required<Pick<SharedEventLogOptions, 'maxEvents' | 'maxAgeMs' | 'pollMs' | 'pruneEveryMs'>> & { now: () => number; log: Logger | undefined };
  #queue: StreamEvent[] = [];
  #flushing: Promise<void> | null = null;
  #delivered = 0;
  #deliver: ((event: WireEvent) => void) | null = null;
  #listener: pg.PoolClient | null = null;
  #reading: Promise<void> | null = null;
  #readAgain = false;
  #closed = false;
  #timers: NodeJS.Timeout[] = [];
  /** Ids of rows this replica wrote and has not read back yet: every other row is another replica's. */
  readonly #own = new Set<number>();
  /** The wire data of this replica's rows not read back yet, where the row keeps less (a sample marker). */
  readonly #ownData = new Map<number, string>();
  readonly #samples: ((after: number, upTo: number) => Promise<SampleEventData[]>) | undefined;
  readonly #records: RecordReads | undefined;
  #remote: ((event: StreamEvent) => void) | null = null;

  constructor(database: SqlDatabase, options: SharedEventLogOptions = {}) {
    if (database.dialect !== 'postgres') throw new Error('SharedEventLog needs PostgreSQL');
    this.#sql = database;
    this.#samples = options.samples;
    this.#records = options.records;
    this.#options = {
      maxEvents: options.maxEvents ?? 10_000,
      maxAgeMs: options.maxAgeMs ?? 3_600_000,
      pollMs: options.pollMs ?? 1_000,
      pruneEveryMs: options.pruneEveryMs ?? 60_000,
      now: options.now ?? Date.now,
      log: options.log,
    };
  }

  /** Reads the newest id (live delivery starts after it), then LISTENs. */
  async open(): Promise<void> {
    const row = await this.#sql.db.selectFrom('stream_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    this.#delivered = Number(row?.id ?? 0);
    await this.#listen();
    this.#timers.push(setInterval(() => this.#catchUp(), this.#options.pollMs).unref());
    this.#timers.push(setInterval(() => void this.prune().catch(() => undefined), this.#options.pruneEveryMs).unref());
  }

  start(events: EventBus, deliver: (event: WireEvent) => void): () => void {
    this.#deliver = deliver;
    this.#remote = (event) => events.publishRemote(event);
    const unsubscribe = events.subscribe((event) => this.#enqueue(event));
    return () => {
      unsubscribe();
      this.#deliver = null;
      this.#remote = null;
    };
  }

  /** Resolves once every event published so far is committed (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.#flushing || this.#queue.length > 0) await (this.#flushing ?? this.#flush());
  }

  /** The newest id this replica has delivered to its clients. */
  lastId(): number {
    return this.#delivered;
  }

  async after(lastId: number, limit = 100_000): Promise<Replay> {
    const bounds = await this.#sql.db
      .selectFrom('stream_events')
      .select((eb) => [eb.fn.min('id').as('oldest'), eb.fn.max('id').as('newest')])
      .executeTakeFirstOrThrow();
    const oldest = bounds.oldest === null ? undefined : Number(bounds.oldest);
    const newest = Math.max(Number(bounds.newest ?? 0), this.#delivered);
    if (lastId > newest) return { kind: 'reset', lastId: newest };
    if (lastId === newest) return { kind: 'events', events: [] };
    if (oldest === undefined || lastId + 1 < oldest) return { kind: 'reset', lastId: newest };
    const rows = await this.#sql.db.selectFrom('stream_events').select(['id', 'type', 'data']).where('id', '>', lastId).orderBy('id').limit(limit).execute();
    if (rows.length === limit) return { kind: 'reset', lastId: newest };
    // The hub registered the client before this read, so what commits after it arrives live.
    const events: WireEvent[] = [];
    for (const row of rows) {
      const data = await this.#wireData(row.type, row.data);
      if (data !== undefined) events.push({ id: Number(row.id), type: row.type as StreamEventType, data });
    }
    return { kind: 'events', events };
  }

  /** Drops rows beyond the count and age bounds. */
  async prune(): Promise<void> {
    const cutoff = this.#options.now() - this.#options.maxAgeMs;
    await sql`DELETE FROM stream_events WHERE ts < ${cutoff} OR id <= (SELECT max(id) FROM stream_events) - ${this.#options.maxEvents}`.execute(this.#sql.db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.flushed().catch(() => undefined);
    const listener = this.#listener;
    this.#listener = null;
    if (listener) {
      await listener.query(`UNLISTEN ${STREAM_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
    await this.#reading?.catch(() => undefined);
  }

  #enqueue(event: StreamEvent): void {
    this.#queue.push(event);
    // Its own transactions, whatever publishes (transaction-scope.ts).
    this.#flushing ??= detached(() => this.#flush());
  }

  /** Appends what is queued, in order, one transaction per batch; retried while the database is away. */
  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.slice(0, 500);
        try {
          await this.#sql.db.transaction().execute(async (trx) => {
            await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
            const ts = this.#options.now();
            const rows = await trx
              .insertInto('stream_events')
              .values(batch.map((event) => ({ type: event.type, data: this.#stored(event), ts })))
              .returning('id')
              .execute();
            // Known before the commit makes the rows visible to this replica's reader.
            rows.forEach((row, i) => {
              const id = Number(row.id);
              this.#own.add(id);
              const event = batch[i]!;
              if (event.type === 'samples' && this.#samples) this.#ownData.set(id, JSON.stringify(event.data));
            });
            await sql`SELECT pg_notify(${STREAM_CHANNEL}, '')`.execute(trx);
          });
          this.#queue.splice(0, batch.length);
        } catch (error) {
          if (this.#closed) throw error;
          this.#options.log?.warn({ err: error }, 'stream events not written yet; retrying');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  async #listen(): Promise<void> {
    const pool = this.#sql.pool!;
    const client = await pool.connect();
    // Given back once, however the connection is lost: its end is reported twice (the
    // server's FATAL, then the socket's end), or during the LISTEN itself; a connection
    // kept checked out held the pool's end, and the server's shutdown with it, for ever.
    let lost = false;
    const giveBack = () => {
      if (lost) return;
      lost = true;
      if (this.#listener === client) this.#listener = null;
      client.release(true);
    };
    client.on('notification', () => this.#catchUp());
    // A lost connection: listen again when the database is back, then catch up by id. One
    // lost before its LISTEN answered is retried by the caller (#relisten), not here too.
    client.on('error', () => {
      const listening = this.#listener === client;
      giveBack();
      if (listening) this.#relisten();
    });
    try {
      await client.query(`LISTEN ${STREAM_CHANNEL}`);
    } catch (error) {
      giveBack();
      throw error;
    }
    if (lost || this.#closed) {
      giveBack();
      if (this.#closed) return;
      throw new Error('the LISTEN connection was lost');
    }
    this.#listener = client;
    this.#catchUp();
  }

  #relisten(): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      if (this.#closed) return;
      this.#listen().catch(() => this.#relisten());
    }, 1_000);
    timer.unref();
  }

  /** What the row keeps of an event: a sample event's marker (with a store to replay it from), else the data's JSON. */
  #stored(event: StreamEvent): string {
    if (event.type === 'samples' && this.#samples) return JSON.stringify((event.range ?? null) satisfies SampleMarker);
    return JSON.stringify(event.data);
  }

  /** A row's data as the wire carries it: a sample marker read back from the store (undefined: nothing to send). */
  async #wireData(type: string, data: string): Promise<string | undefined> {
    if (this.#samples && isSampleMarker(type, data)) return expandSampleMarker(data, this.#samples);
    // Rows keep copies of alert and timeline events here; a marker came with a log copied
    // from SQLite (`smartcloudops migrate`), and is replayed as that log would have.
    if (this.#records && isRecordMarker(type, data)) return (await expandRecordMarkers([[0, type as StreamEventType, data]], this.#records))[0]?.[2];
    return data;
  }

  /** Another replica's event to this replica's features (their caches, their share of the work). */
  #toRemote(type: StreamEventType, data: string): void {
    if (!this.#remote) return;
    try {
      this.#remote({ type, data: JSON.parse(data) } as StreamEvent);
    } catch (error) {
      this.#options.log?.warn({ err: error, type }, 'an event from another replica was not handled here');
    }
  }

  /** Reads rows after the last delivered id and delivers them in order; one read at a time. */
  #catchUp(): void {
    if (this.#closed && !this.#flushing) return;
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        for (;;) {
          const rows = await this.#sql.db.selectFrom('stream_events').select(['id', 'type', 'data']).where('id', '>', this.#delivered).orderBy('id').limit(PAGE).execute();
          for (const row of rows) {
            const id = Number(row.id);
            const own = this.#own.delete(id);
            const held = this.#ownData.get(id);
            this.#ownData.delete(id);
            const data = held ?? (await this.#wireData(row.type, row.data));
            this.#delivered = id;
            if (data === undefined) continue;
            this.#deliver?.({ id, type: row.type as StreamEventType, data });
            if (!own) this.#toRemote(row.type as StreamEventType, data);
          }
          if (rows.length < PAGE) break;
        }
      } while (this.#readAgain);
    })()
      .catch(() => undefined)
      .finally(() => {
        this.#reading = null;
      });
  }
}
