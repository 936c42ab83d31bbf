import type { Alert } from '../../../shared/api/alerts.ts';
import type { Incident, IncidentBundle, TimelineEntry } from '../../../shared/api/incidents.ts';
import type { CacheDb } from './cache-database.ts';

export interface Cached<T> {
  value: T;
  /** When this copy was received from the server (epoch ms). */
  fetchedAt: number;
}

/** Incidents, alerts, timelines and export bundles, stored as the server sent them. */
export class IncidentCache {
  readonly #db: CacheDb;

  constructor(db: CacheDb) {
    this.#db = db;
  }

  putIncident(incident: Incident, fetchedAt: number): void {
    this.#db
      .prepare(
        `INSERT INTO incidents (id, opened_at, updated_at, body, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET opened_at = excluded.opened_at, updated_at = excluded.updated_at, body = excluded.body, fetched_at = excluded.fetched_at
         WHERE excluded.updated_at >= incidents.updated_at`,
      )
      .run(incident.id, incident.openedAt, incident.updatedAt, JSON.stringify(incident), fetchedAt);
  }

  putAlert(alert: Alert, fetchedAt: number): void {
    this.#db
      .prepare(
        `INSERT INTO alerts (id, incident_id, starts_at, updated_at, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, starts_at = excluded.starts_at, updated_at = excluded.updated_at,
           body = excluded.body, fetched_at = excluded.fetched_at
         WHERE excluded.updated_at >= alerts.updated_at`,
      )
      .run(alert.id, alert.incidentId, alert.startsAt, alert.updatedAt, JSON.stringify(alert), fetchedAt);
  }

  /** Every incident, alert, timeline entry and bundle (a replaced server's, whose ids mean other things now). */
  clear(): void {
    this.#db.transaction(() => {
      for (const table of ['timeline_entries', 'alerts', 'incident_exports', 'incidents']) this.#db.prepare(`DELETE FROM ${table}`).run();
    })();
  }

  putTimelineEntry(entry: TimelineEntry): void {
    this.#db
      .prepare('INSERT INTO timeline_entries (id, incident_id, ts, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, ts = excluded.ts, body = excluded.body')
      .run(entry.id, entry.incidentId, entry.ts, JSON.stringify(entry));
  }

  /** Stores a bundle and everything in it, so the incident reads the same offline as online. */
  putBundle(bundle: IncidentBundle, fetchedAt: number): void {
    this.#db.transaction(() => {
      this.putIncident(bundle.incident, fetchedAt);
      for (const alert of bundle.alerts) this.putAlert(alert, fetchedAt);
      for (const entry of bundle.timeline) this.putTimelineEntry(entry);
      this.#db
        .prepare('INSERT INTO incident_exports (incident_id, body, fetched_at) VALUES (?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at')
        .run(bundle.incident.id, JSON.stringify(bundle), fetchedAt);
    })();
  }

  incident(id: number): Cached<Incident> | undefined {
    const row = this.#db.prepare('SELECT body, fetched_at FROM incidents WHERE id = ?').get(id) as { body: string; fetched_at: number } | undefined;
    return row && { value: JSON.parse(row.body) as Incident, fetchedAt: row.fetched_at };
  }

  /** Most recently opened first. */
  incidents(limit = 100): Cached<Incident>[] {
    const rows = this.#db.prepare('SELECT body, fetched_at FROM incidents ORDER BY opened_at DESC LIMIT ?').all(limit) as { body: string; fetched_at: number }[];
    return rows.map((row) => ({ value: JSON.parse(row.body) as Incident, fetchedAt: row.fetched_at }));
  }

  alertsOf(incidentId: number): Cached<Alert>[] {
    const rows = this.#db.prepare('SELECT body, fetched_at FROM alerts WHERE incident_id = ? ORDER BY starts_at').all(incidentId) as { body: string; fetched_at: number }[];
    return rows.map((row) => ({ value: JSON.parse(row.body) as Alert, fetchedAt: row.fetched_at }));
  }

  /** Most recently started first. */
  recentAlerts(limit: number): Cached<Alert>[] {
    const rows = this.#db.prepare('SELECT body, fetched_at FROM alerts ORDER BY starts_at DESC, id DESC LIMIT ?').all(limit) as { body: string; fetched_at: number }[];
    return rows.map((row) => ({ value: JSON.parse(row.body) as Alert, fetchedAt: row.fetched_at }));
  }

  timelineOf(incidentId: number): TimelineEntry[] {
    const rows = this.#db.prepare('SELECT body FROM timeline_entries WHERE incident_id = ? ORDER BY ts, id').all(incidentId) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as TimelineEntry);
  }

  bundle(incidentId: number): Cached<IncidentBundle> | undefined {
    const row = this.#db.prepare('SELECT body, fetched_at FROM incident_exports WHERE incident_id = ?').get(incidentId) as { body: string; fetched_at: number } | undefined;
    return row && { value: JSON.parse(row.body) as IncidentBundle, fetchedAt: row.fetched_at };
  }
}
