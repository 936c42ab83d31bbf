import type { Db } from '../db/database.ts';
import type { EventBus } from '../events/bus.ts';
import type { AlertEventData, SampleEventData, StreamEvent, StreamEventType } from '../../../shared/api/stream.ts';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { TimelineEntry } from '../../../shared/api/incidents.ts';

export interface EventLogOptions {
  /** Most events kept for replay. */
  maxEvents?: number;
  /** Most bytes of event data kept for replay (a bulk ingest makes large events). */
  maxBytes?: number;
  /** Oldest event kept for replay, ms. */
  maxAgeMs?: number;
  now?: () => number;
  /**
   * Where sample events are replayed from (the metrics store, by export position). With it,
   * the log keeps a small marker per sample event instead of a copy of every sample.
   */
  samples?: (after: number, upTo: number) => Promise<SampleEventData[]>;
  /**
   * Where alert and timeline events are replayed from (their tables, by id). With it, the log
   * keeps a marker per such event (the record's id, an alert event's action) instead of a
   * ~500-byte copy: two per new alert (docs/alerts.md, "The live stream's log"). This log
   * (SQLite) only: the shared log on PostgreSQL keeps copies, since other replicas deliver
   * its rows to their live clients.
   */
  records?: RecordReads;
  /** A write of the log failed (disk full, say); the events are kept and written again later. Told once until a write succeeds. */
  onWriteError?: (error: unknown) => void;
}

/** The current alerts and timeline entries of these ids; one missing from the map is gone (never replayed). */
export interface RecordReads {
  alerts(ids: readonly number[]): Promise<Map<number, Alert>>;
  timeline(ids: readonly number[]): Promise<Map<number, TimelineEntry>>;
}

/**
 * An alert or timeline event's stored marker: `{"m":<id>}`, with the action for an alert.
 * A full copy of either event starts with `{"action"` or `{"id"`, so the two never mix up
 * (rows an earlier version wrote are replayed as stored).
 */
const RECORD_MARKER = '{"m":';

/** An alert or timeline event's stored data is a marker, not a full copy. */
export function isRecordMarker(type: string, data: string): boolean {
  return (type === 'alert' || type === 'timeline') && data.startsWith(RECORD_MARKER);
}

function recordMarker(event: StreamEvent): string | undefined {
  if (event.type === 'alert') return `{"m":${event.data.alert.id},"action":"${event.data.action}"}`;
  if (event.type === 'timeline') return `{"m":${event.data.id}}`;
  return undefined;
}

/** A stored record marker's id and, for an alert, its action. */
type RecordMarker = { m: number; action?: AlertEventData['action'] };

/**
 * The events of these rows as the wire sends them: a record marker becomes its record as it
 * is now (one read per table for the whole replay), or nothing when the record is gone.
 */
export async function expandRecordMarkers(rows: Array<[number, StreamEventType, string]>, records: RecordReads): Promise<Array<[number, StreamEventType, string]>> {
  const alertIds = new Set<number>();
  const entryIds = new Set<number>();
  const markers = new Map<number, RecordMarker>();
  for (const [id, type, data] of rows) {
    if (!isRecordMarker(type, data)) continue;
    const marker = JSON.parse(data) as RecordMarker;
    markers.set(id, marker);
    (type === 'alert' ? alertIds : entryIds).add(marker.m);
  }
  if (markers.size === 0) return rows;
  const [alerts, entries] = await Promise.all([
    alertIds.size > 0 ? records.alerts([...alertIds]) : new Map<number, Alert>(),
    entryIds.size > 0 ? records.timeline([...entryIds]) : new Map<number, TimelineEntry>(),
  ]);
  const expanded: Array<[number, StreamEventType, string]> = [];
  for (const row of rows) {
    const marker = markers.get(row[0]);
    if (!marker) {
      expanded.push(row);
      continue;
    }
    if (row[1] === 'alert') {
      const alert = alerts.get(marker.m);
      if (alert) expanded.push([row[0], 'alert', JSON.stringify({ action: marker.action, alert } satisfies Partial<AlertEventData>)]);
    } else {
      const entry = entries.get(marker.m);
      if (entry) expanded.push([row[0], 'timeline', JSON.stringify(entry)]);
    }
  }
  return expanded;
}

/** How long a failed write of the log waits before it is tried again. */
const WRITE_RETRY_MS = 1_000;

/** What the log keeps of a sample event: the store positions to replay, or null (replayed with a later event). */
export type SampleMarker = { after: number; upTo: number } | null;

/**
 * Ids handed out ahead of what is written, recorded as `stream_events`' AUTOINCREMENT
 * counter with each write: after a crash the next run numbers its events past every id the
 * crashed one could have sent, instead of sending a client a new event under an id it
 * already saw (it would skip it) or replaying around the events the crash lost.
 */
const ID_RESERVE = 100_000;

/** Rows per INSERT of the log, largest first (the last, 1, takes what is left). */
const INSERT_SIZES = [64, 16, 4, 1];

/** A sample event's stored data is a marker (an object or null), not a full copy (an array). */
export function isSampleMarker(type: string, data: string): boolean {
  return type === 'samples' && data[0] !== '[';
}

/** The samples a marker stands for, as the wire's JSON; undefined when there are none (nothing to send). */
export async function expandSampleMarker(data: string, samples: (after: number, upTo: number) => Promise<SampleEventData[]>): Promise<string | undefined> {
  const marker = JSON.parse(data) as SampleMarker;
  const read = marker ? await samples(marker.after, marker.upTo) : [];
  return read.length > 0 ? JSON.stringify(read) : undefined;
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
  readonly #inserts: Array<[size: number, insert: ReturnType<Db['prepare']>]>;
  readonly #after;
  readonly #deleteUpTo;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #samples: ((after: number, upTo: number) => Promise<SampleEventData[]>) | undefined;
  readonly #records: RecordReads | undefined;
  readonly #retained: Retained[] = [];
  readonly #db: Db;
  readonly #write: (rows: [number, string, string, number][], dropUpTo: number) => void;
  /** Events appended this tick, written in one transaction when it ends (see `flush`). */
  #pending: [number, string, string, number][] = [];
  #dropUpTo = 0;
  #flushScheduled = false;
  #retry: NodeJS.Timeout | null = null;
  #failing = false;
  readonly #onWriteError: (error: unknown) => void;
  #head = 0;
  #bytes = 0;
  #lastId: number;
  /** The ids up to which are recorded as possibly handed out (the AUTOINCREMENT counter). */
  #reserved: number;
  /** A client that last saw an id below this resumed from before a crash that may have lost events: it is sent a reset. */
  readonly #resumeFloor: number;
  readonly #reserve;

  constructor(db: Db, options: EventLogOptions = {}) {
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1_048_576;
    this.#maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#samples = options.samples;
    this.#records = options.records;
    this.#onWriteError = options.onWriteError ?? (() => {});
    this.#db = db;
    // Rows go in statements of up to 64 rows: SQLite updates the AUTOINCREMENT counter once
    // per statement, and a batch of 100 alerts makes ~200 events (1.5× faster than a
    // statement per row, docs/benchmarks.md, "Alert ingest: the checkpoint off the request thread").
    this.#inserts = INSERT_SIZES.map((size) => [size, db.prepare(`INSERT INTO stream_events (id, type, data, ts) VALUES ${Array(size).fill('(?, ?, ?, ?)').join(', ')}`)]);
    this.#after = db.prepare('SELECT id, type, data FROM stream_events WHERE id > ? ORDER BY id LIMIT ?').raw();
    this.#deleteUpTo = db.prepare('DELETE FROM stream_events WHERE id <= ?');
    this.#write = db.transaction((rows: [number, string, string, number][], dropUpTo: number) => {
      let at = 0;
      for (const [size, insert] of this.#inserts) {
        for (; rows.length - at >= size; at += size) insert.run(rows.slice(at, at + size).flat());
      }
      if (dropUpTo > 0) this.#deleteUpTo.run(dropUpTo);
      // With the rows (one single-row UPDATE a tick): the reserve stays ahead of the ids
      // handed out, even if a reservation made inside another's transaction was rolled back.
      this.#reserveIds(this.#lastId + ID_RESERVE);
    });
    this.#reserve = db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'stream_events'");
    for (const [id, bytes, ts] of db.prepare('SELECT id, length(data), ts FROM stream_events ORDER BY id').raw().all() as [number, number, number][]) {
      this.#retained.push({ id, bytes, ts });
      this.#bytes += bytes;
    }
    const counter = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'stream_events'").pluck().get() as number | undefined) ?? 0;
    const written = this.#retained.at(-1)?.id ?? 0;
    // A counter past the newest row: the last run did not close (a crash, SIGKILL) and may
    // have sent ids up to the counter whose events it never wrote. Number on from the
    // counter, and reset every client that resumes from before it. (A clean close brings
    // the counter back to the last id; an empty log resets such clients anyway.)
    this.#lastId = counter;
    this.#reserved = counter;
    this.#resumeFloor = counter > written ? counter : 0;
  }

  /** Records ids up to `upTo` as possibly handed out (the AUTOINCREMENT counter: never below a written id). */
  #reserveIds(upTo: number): void {
    if (this.#reserve.run(upTo).changes === 0) this.#db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('stream_events', ?)").run(upTo);
    this.#reserved = upTo;
  }

  /** One process: the log is written where the event is published, and delivered at once. */
  start(events: EventBus, deliver: (event: WireEvent) => void): () => void {
    return events.subscribe((event) => deliver(this.append(event)));
  }

  append(event: StreamEvent): WireEvent {
    const marker = event.type === 'samples' && this.#samples ? JSON.stringify((event.range ?? null) satisfies SampleMarker) : this.#records && recordMarker(event);
    let json = marker === undefined ? JSON.stringify(event.data) : undefined;
    const stored = marker ?? json!;
    const ts = this.#now();
    // Ids are handed out here (the log is the only writer of the table) and the rows written
    // at the end of the tick, all in one transaction: a burst of events (a scored back-fill)
    // costs one commit, not one each. A crash may lose the last tick's events; a client that
    // saw them then gets a reset, never a wrong event.
    const id = ++this.#lastId;
    // A burst beyond the reserve (one tick of more than half of it): reserve before sending.
    if (id > this.#reserved && this.#db.open) {
      try {
        this.#reserveIds(id + ID_RESERVE);
      } catch (error) {
        // A full disk: the event still goes out (the next write that succeeds reserves).
        if (!this.#failing) this.#onWriteError(error);
      }
    }
    this.#pending.push([id, event.type, stored, ts]);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
    this.#retained.push({ id, bytes: stored.length, ts });
    this.#bytes += stored.length;
    this.prune();
    // The wire form of a sample, alert or timeline event is only built when a client is there to receive it.
    return {
      id,
      type: event.type,
      get data() {
        return (json ??= JSON.stringify(event.data));
      },
    };
  }

  /** The newest id handed out so far (0 before the first event). */
  lastId(): number {
    return this.#lastId;
  }

  /** What a client that last saw `lastId` missed, or a reset when that cannot be told. */
  async after(lastId: number, limit = 100_000): Promise<Replay> {
    const newest = this.#lastId;
    if (lastId > newest || lastId < this.#resumeFloor) return { kind: 'reset', lastId: newest };
    this.flush();
    if (lastId === newest) return { kind: 'events', events: [] };
    // Events not written yet (a failed write waiting for its retry) cannot be replayed.
    if (this.#pending.length > 0) return { kind: 'reset', lastId: newest };
    // Events lastId+1 .. oldest-1 were pruned: replaying the rest would leave a hole.
    const oldest = this.#retained[this.#head]?.id;
    if (oldest === undefined || lastId + 1 < oldest) return { kind: 'reset', lastId: newest };
    let rows = this.#after.all(lastId, limit) as [number, StreamEventType, string][];
    // More missed than we replay in one go: cheaper for the client to backfill by query.
    if (rows.length === limit) return { kind: 'reset', lastId: newest };
    // Alert and timeline markers: the records as they are now (a later state supersedes).
    if (this.#records) rows = await expandRecordMarkers(rows, this.#records);
    const events: WireEvent[] = [];
    for (const [id, type, data] of rows) {
      // A sample marker: samples from the store.
      if (this.#samples && isSampleMarker(type, data)) {
        const expanded = await expandSampleMarker(data, this.#samples);
        if (expanded !== undefined) events.push({ id, type, data: expanded });
        continue;
      }
      events.push({ id, type, data });
    }
    return { kind: 'events', events };
  }

  /**
   * Shutdown: the events of this tick are written before the database closes, and the ids
   * reserved but not handed out are given back, so that clients resume after a clean
   * restart without a reset.
   */
  close(): Promise<void> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.flush();
    if (this.#db.open && this.#pending.length === 0 && this.#reserved > this.#lastId) {
      try {
        this.#reserveIds(this.#lastId);
      } catch {
        // A full disk: the next start then takes it for a crash and resets resuming clients once.
      }
    }
    return Promise.resolve();
  }

  /** Writes the events appended since the last flush and deletes the pruned ones, in one transaction. */
  flush(): void {
    this.#flushScheduled = false;
    // Closed meanwhile (shutdown flushes first; a test may close its database right away).
    if (!this.#db.open || (this.#pending.length === 0 && this.#dropUpTo === 0)) return;
    const rows = this.#pending;
    this.#pending = [];
    const dropUpTo = this.#dropUpTo;
    this.#dropUpTo = 0;
    try {
      this.#write(rows, dropUpTo);
      this.#failing = false;
    } catch (error) {
      // Runs from a timer: a throw here would end the process. Keep the rows (minus what was
      // pruned meanwhile, so the queue stays inside the log's bounds) and try again shortly;
      // until then `after` answers a reset rather than replay around the hole.
      this.#dropUpTo = Math.max(dropUpTo, this.#dropUpTo);
      this.#pending = rows.concat(this.#pending).filter(([id]) => id > this.#dropUpTo);
      // Told once per failing spell, not at every retry.
      if (!this.#failing) this.#onWriteError(error);
      this.#failing = true;
      this.#retry ??= setTimeout(() => {
        this.#retry = null;
        this.flush();
      }, WRITE_RETRY_MS).unref();
    }
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
    this.#dropUpTo = dropped;
    if (!this.#flushScheduled) this.flush();
    // Compact the queue now and then instead of shifting on every drop.
    if (this.#head > 1024 && this.#head * 2 > this.#retained.length) {
      this.#retained.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
