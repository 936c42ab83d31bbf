import type { Db } from '../db/database.ts';
import type { EventBus } from '../events/bus.ts';
import type { StreamEvent, StreamEventType } from '../../../shared/api/stream.ts';

export interface EventLogOptions {
  /** Most events kept for replay. */
  maxEvents?: number;
  /** Most bytes of event data kept for replay (a bulk ingest makes large events). */
  maxBytes?: number;
  /** Oldest event kept for replay, ms. */
  maxAgeMs?: number;
  now?: () => number;
}

/** An event as it goes on the wire: its id, its type and its data already as JSON. */
export interface WireEvent {
  id: number;
  type: StreamEventType;
  data: string;
}

/**
 * Where the hub gets its events: each event published on the bus gets an id and reaches
 * `deliver` in id order (on PostgreSQL also the events other replicas published), and
 * `after` replays what a reconnecting client missed.
 */
export interface StreamEventSource {
  start(events: EventBus, deliver: (event: WireEvent) => void): () => void;
  after(lastId: number): Replay | Promise<Replay>;
  close?(): Promise<void>;
}

export type Replay =
  | { kind: 'events'; events: WireEvent[] }
  /** The events after the client's id are gone (pruned, or the id is unknown here). */
  | { kind: 'reset'; lastId: number };

interface Retained {
  id: number;
  bytes: number;
  ts: number;
}

/**
 * The stream's sequenced, persistent event log: `append` gives each event the next id
 * (AUTOINCREMENT never reuses one, even after pruning or a restart), `after` replays what
 * a reconnecting client missed. Bounded by count, bytes and age; what is retained is
 * mirrored in memory (id, size, time) so that bounding it costs no query.
 */
export class StreamEventLog implements StreamEventSource {
  readonly #insert;
  readonly #after;
  readonly #deleteUpTo;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #retained: Retained[] = [];
  #head = 0;
  #bytes = 0;
  #lastId: number;

  constructor(db: Db, options: EventLogOptions = {}) {
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1_048_576;
    this.#maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare('INSERT INTO stream_events (type, data, ts) VALUES (?, ?, ?)');
    this.#after = db.prepare('SELECT id, type, data FROM stream_events WHERE id > ? ORDER BY id LIMIT ?').raw();
    this.#deleteUpTo = db.prepare('DELETE FROM stream_events WHERE id <= ?');
    for (const [id, bytes, ts] of db.prepare('SELECT id, length(data), ts FROM stream_events ORDER BY id').raw().all() as [number, number, number][]) {
      this.#retained.push({ id, bytes, ts });
      this.#bytes += bytes;
    }
    this.#lastId = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'stream_events'").pluck().get() as number | undefined) ?? 0;
  }

  /** One process: the log is written where the event is published, and delivered at once. */
  start(events: EventBus, deliver: (event: WireEvent) => void): () => void {
    return events.subscribe((event) => deliver(this.append(event)));
  }

  append(event: StreamEvent): WireEvent {
    const data = JSON.stringify(event.data);
    const ts = this.#now();
    const id = Number(this.#insert.run(event.type, data, ts).lastInsertRowid);
    this.#lastId = id;
    this.#retained.push({ id, bytes: data.length, ts });
    this.#bytes += data.length;
    this.prune();
    return { id, type: event.type, data };
  }

  /** The newest id handed out so far (0 before the first event). */
  lastId(): number {
    return this.#lastId;
  }

  /** What a client that last saw `lastId` missed, or a reset when that cannot be told. */
  after(lastId: number, limit = 100_000): Replay {
    const newest = this.#lastId;
    if (lastId > newest) return { kind: 'reset', lastId: newest };
    if (lastId === newest) return { kind: 'events', events: [] };
    // Events lastId+1 .. oldest-1 were pruned: replaying the rest would leave a hole.
    const oldest = this.#retained[this.#head]?.id;
    if (oldest === undefined || lastId + 1 < oldest) return { kind: 'reset', lastId: newest };
    const rows = this.#after.all(lastId, limit) as [number, StreamEventType, string][];
    // More missed than we replay in one go: cheaper for the client to backfill by query.
    if (rows.length === limit) return { kind: 'reset', lastId: newest };
    return { kind: 'events', events: rows.map(([id, type, data]) => ({ id, type, data })) };
  }

  /** Drops the oldest events beyond the count, size and age bounds. */
  prune(): void {
    const cutoff = this.#now() - this.#maxAgeMs;
    let dropped: number | undefined;
    while (this.#head < this.#retained.length) {
      const oldest = this.#retained[this.#head]!;
      const count = this.#retained.length - this.#head;
      if (count <= this.#maxEvents && this.#bytes <= this.#maxBytes && oldest.ts >= cutoff) break;
      this.#bytes -= oldest.bytes;
      dropped = oldest.id;
      this.#head++;
    }
    if (dropped === undefined) return;
    this.#deleteUpTo.run(dropped);
    // Compact the queue now and then instead of shifting on every drop.
    if (this.#head > 1024 && this.#head * 2 > this.#retained.length) {
      this.#retained.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
