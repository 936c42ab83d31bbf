import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { SqlDatabase } from './sql/open.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { openMigratedDatabase } from '../testing/migrated-database.ts';

// Migration 066: an incident's alert counts kept in its row by triggers on alerts.
for (const database of testDatabases()) {
  describe(`incident alert counts kept by triggers on ${database.name}`, () => {
    const fixture = useTestDatabase(database);

    /** The database migrated to `upTo` (all migrations when undefined); `migrate` applies the rest later. */
    async function open(upTo?: number): Promise<{ layer: SqlDatabase; migrate: () => Promise<void>; close: () => Promise<void> }> {
      const { layers, migrate, close } = await openMigratedDatabase(fixture, { upTo, prefix: 'sco-counts-' });
      return { layer: layers[0]!, migrate, close };
    }

    /** [kept, counted] for each incident: the row's counts and its alerts counted now. */
    async function counts(layer: SqlDatabase): Promise<[number[], number[]][]> {
      const { rows } = await sql<Record<string, number | string>>`
        SELECT i.alert_count, i.firing_count, i.acknowledged_count,
          (SELECT count(*) FROM alerts WHERE incident_id = i.id) AS n,
          (SELECT count(*) FROM alerts WHERE incident_id = i.id AND state = 'firing') AS f,
          (SELECT count(*) FROM alerts WHERE incident_id = i.id AND state = 'acknowledged') AS a
        FROM incidents i ORDER BY i.id`.execute(layer.db);
      return rows.map((row) => [
        [row.alert_count, row.firing_count, row.acknowledged_count].map(Number),
        [row.n, row.f, row.a].map(Number),
      ]);
    }

    const incident = (layer: SqlDatabase, id: number) =>
      sql`INSERT INTO incidents (id, title, severity, status, group_key, opened_at, last_activity_at, updated_at) VALUES (${id}, ${`i${id}`}, 'warning', 'open', ${`g${id}`}, 1, 1, 1)`.execute(layer.db);
    const alertRow = (id: number, state: string, incidentId: number | null) =>
      sql`(${id}, ${`fp${id}`}, 'api', ${state}, 'warning', '{}', '{}', '', 1, 1, 1, ${incidentId})`;
    const alerts = (layer: SqlDatabase, ...rows: [number, string, number | null][]) =>
      sql`INSERT INTO alerts (id, fingerprint, source, state, severity, labels, annotations, search_text, starts_at, last_seen_at, updated_at, incident_id) VALUES ${sql.join(rows.map((row) => alertRow(...row)))}`.execute(layer.db);

    it.skipIf(database.skip)('counts the alerts already there when it is added, then follows every insert, change, move and delete', async () => {
      const { layer, migrate, close } = await open(65);
      await incident(layer, 1);
      await incident(layer, 2);
      await alerts(layer, [1, 'firing', 1], [2, 'acknowledged', 1], [3, 'resolved', 1], [4, 'firing', 2], [5, 'firing', null]);
      await migrate();
      expect(await counts(layer)).toEqual([
        [[3, 1, 1], [3, 1, 1]],
        [[1, 1, 0], [1, 1, 0]],
      ]);

      // Several rows in one statement (a held batch), into both incidents.
      await alerts(layer, [6, 'firing', 1], [7, 'acknowledged', 2], [8, 'firing', 2]);
      // A state change, a move, a change of neither (a repeat), a move out of any incident.
      await sql`UPDATE alerts SET state = 'acknowledged' WHERE id = 4`.execute(layer.db);
      await sql`UPDATE alerts SET incident_id = 2 WHERE id IN (1, 3)`.execute(layer.db);
      await sql`UPDATE alerts SET last_seen_at = 9, occurrences = occurrences + 1`.execute(layer.db);
      await sql`UPDATE alerts SET incident_id = NULL, state = 'resolved' WHERE id = 6`.execute(layer.db);
      await sql`UPDATE alerts SET incident_id = 1 WHERE id = 5`.execute(layer.db);
      await sql`DELETE FROM alerts WHERE id IN (2, 8)`.execute(layer.db);
      const now = await counts(layer);
      for (const [kept, counted] of now) expect(kept).toEqual(counted);
      expect(now.map(([kept]) => kept)).toEqual([
        [1, 1, 0],
        [4, 1, 2],
      ]);
      await close();
    });
  });
}
