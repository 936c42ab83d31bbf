import type { CacheDb } from './cache-database.ts';

export interface Pin {
  incidentId: number;
  fromTs: number;
  toTs: number;
  seriesIds: number[];
  pinnedAt: number;
  origin: 'server' | 'capsule';
}

/** Incidents kept offline: their metric windows are exempt from every budget. */
export class Pins {
  readonly #db: CacheDb;

  constructor(db: CacheDb) {
    this.#db = db;
  }

  put(pin: Pin): void {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO pins (incident_id, from_ts, to_ts, pinned_at, origin) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (incident_id) DO UPDATE SET from_ts = excluded.from_ts, to_ts = excluded.to_ts, pinned_at = excluded.pinned_at, origin = excluded.origin`,
        )
        .run(pin.incidentId, pin.fromTs, pin.toTs, pin.pinnedAt, pin.origin);
      this.#db.prepare('DELETE FROM pin_series WHERE incident_id = ?').run(pin.incidentId);
      const add = this.#db.prepare('INSERT INTO pin_series (incident_id, series_id) VALUES (?, ?)');
      for (const seriesId of new Set(pin.seriesIds)) add.run(pin.incidentId, seriesId);
    })();
  }

  remove(incidentId: number): void {
    this.#db.prepare('DELETE FROM pins WHERE incident_id = ?').run(incidentId);
  }

  /** Every pin (their series rows go with them: pin_series cascades). */
  clear(): void {
    this.#db.prepare('DELETE FROM pins').run();
  }

  get(incidentId: number): Pin | undefined {
    const row = this.#db.prepare('SELECT incident_id, from_ts, to_ts, pinned_at, origin FROM pins WHERE incident_id = ?').get(incidentId) as PinRow | undefined;
    return row && this.#toPin(row);
  }

  list(): Pin[] {
    return (this.#db.prepare('SELECT incident_id, from_ts, to_ts, pinned_at, origin FROM pins ORDER BY pinned_at').all() as PinRow[]).map((row) => this.#toPin(row));
  }

  /** Pinned windows of one series, [from, to] inclusive. */
  windowsOf(seriesId: number): [number, number][] {
    return this.#db
      .prepare('SELECT p.from_ts, p.to_ts FROM pins p JOIN pin_series s ON s.incident_id = p.incident_id WHERE s.series_id = ? ORDER BY p.from_ts')
      .raw()
      .all(seriesId) as [number, number][];
  }

  #toPin(row: PinRow): Pin {
    const seriesIds = this.#db.prepare('SELECT series_id FROM pin_series WHERE incident_id = ? ORDER BY series_id').pluck().all(row.incident_id) as number[];
    return { incidentId: row.incident_id, fromTs: row.from_ts, toTs: row.to_ts, pinnedAt: row.pinned_at, origin: row.origin, seriesIds };
  }
}

interface PinRow {
  incident_id: number;
  from_ts: number;
  to_ts: number;
  pinned_at: number;
  origin: 'server' | 'capsule';
}
