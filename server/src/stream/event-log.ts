import type { Db } from '../db/database.ts';
import type { StreamEvent, StreamEventType } from '../../../shared/api/stream.ts';

export interface EventLogOptions {
  /** Most events kept for replay. */
  maxEvents?: number;
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

export type Replay =
  | { kind: 'events'; events: WireEvent[] }
  /** The events after the client's id are gone (pruned, or the id is unknown here). */
  | { kind: 'reset'; lastId: number };

const PRUNE_EVERY = 256;

/**
 * The stream's sequenced, persistent event log: `append` gives each event the next id
 * (AUTOINCREMENT never reuses one, even after pruning or a restart), `after` replays what
 * a reconnecting client missed. Bounded by count and age.
 */
export class StreamEventLog {
  readonly #insert;
  readonly #after;
  readonly #bounds;
  readonly #prune;
  readonly #maxEvents: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #appendsSincePrune = 0;

  constructor(db: Db, options: EventLogOptions = {}) {
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare('INSERT INTO stream_events (type, data, ts) VALUES (?, ?, ?)');
    this.#after = db.prepare('SELECT id, type, data FROM stream_events WHERE id > ? ORDER BY id LIMIT ?').raw();
    this.#bounds = db.prepare("SELECT (SELECT min(id) FROM stream_events), (SELECT seq FROM sqlite_sequence WHERE name = 'stream_events')").raw();
    this.#prune = db.prepare('DELETE FROM stream_events WHERE id <= ? OR ts < ?');
  }

  append(event: StreamEvent): WireEvent {
    const data = JSON.stringify(event.data);
    const id = Number(this.#insert.run(event.type, data, this.#now()).lastInsertRowid);
    if (++this.#appendsSincePrune >= PRUNE_EVERY) this.prune();
    return { id, type: event.type, data };
  }

  /** The newest id handed out so far (0 before the first event). */
  lastId(): number {
    return this.#readBounds()[1];
  }

  /** What a client that last saw `lastId` missed, or a reset when that cannot be told. */
  after(lastId: number, limit = 100_000): Replay {
    const [oldest, newest] = this.#readBounds();
    if (lastId > newest) return { kind: 'reset', lastId: newest };
    if (lastId === newest) return { kind: 'events', events: [] };
    // Events lastId+1 .. oldest-1 were pruned: replaying the rest would leave a hole.
    if (oldest === null || lastId + 1 < oldest) return { kind: 'reset', lastId: newest };
    const rows = this.#after.all(lastId, limit) as [number, StreamEventType, string][];
    // More missed than we replay in one go: cheaper for the client to backfill by query.
    if (rows.length === limit) return { kind: 'reset', lastId: newest };
    return { kind: 'events', events: rows.map(([id, type, data]) => ({ id, type, data })) };
  }

  prune(): void {
    this.#appendsSincePrune = 0;
    this.#prune.run(this.lastId() - this.#maxEvents, this.#now() - this.#maxAgeMs);
  }

  #readBounds(): [number | null, number] {
    const [oldest, newest] = this.#bounds.get() as [number | null, number | null];
    return [oldest, newest ?? 0];
  }
}
