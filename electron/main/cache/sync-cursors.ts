import type { CacheDb } from './cache-database.ts';

export interface CursorState {
  /** Opaque server cursor (export cursor, stream event id); null before the first sync. */
  cursor: string | null;
  /** When this collection last caught up with the server (epoch ms): the "fresh as of" figure. */
  caughtUpAt: number | null;
}

/** One cursor per synced collection, written in the same transaction as the data it covers. */
export class SyncCursors {
  readonly #db: CacheDb;

  constructor(db: CacheDb) {
    this.#db = db;
  }

  get(collection: string): CursorState {
    const row = this.#db.prepare('SELECT cursor, caught_up_at FROM sync_cursors WHERE collection = ?').get(collection) as
      | { cursor: string | null; caught_up_at: number | null }
      | undefined;
    return { cursor: row?.cursor ?? null, caughtUpAt: row?.caught_up_at ?? null };
  }

  setCursor(collection: string, cursor: string): void {
    this.#db
      .prepare('INSERT INTO sync_cursors (collection, cursor) VALUES (?, ?) ON CONFLICT (collection) DO UPDATE SET cursor = excluded.cursor')
      .run(collection, cursor);
  }

  /** Back to "never synced" for this collection. */
  clear(collection: string): void {
    this.#db.prepare('DELETE FROM sync_cursors WHERE collection = ?').run(collection);
  }

  markCaughtUp(collection: string, at: number): void {
    this.#db
      .prepare('INSERT INTO sync_cursors (collection, caught_up_at) VALUES (?, ?) ON CONFLICT (collection) DO UPDATE SET caught_up_at = excluded.caught_up_at')
      .run(collection, at);
  }
}
