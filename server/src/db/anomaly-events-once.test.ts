import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../../shared/anomaly/index.ts';
import { AnomalyEventStore } from '../anomaly/event-store.ts';
import { ModelRegistry } from '../anomaly/registry.ts';
import type { SqlDatabase } from './sql/open.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { openMigratedDatabase } from '../testing/migrated-database.ts';

// Migration 068: one anomaly event per target and time, by a unique index.
for (const database of testDatabases()) {
  describe(`anomaly events kept once per target and time on ${database.name}`, () => {
    const fixture = useTestDatabase(database);

    const open = async (upTo?: number) => {
      const { layers, migrate, close } = await openMigratedDatabase(fixture, { upTo, layers: 2, prefix: 'sco-events-once-' });
      return { layers: layers as [SqlDatabase, SqlDatabase], migrate, close };
    };

    /** The model the events name (id 1 in a fresh database). */
    const model = (layer: SqlDatabase) =>
      new ModelRegistry(layer, () => 1_000).add({ target: 'web-1', createdBy: 'system', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model: new Uint8Array([1]) }, 'active');
    const explanation = (summary: string) => ({ summary, metrics: [], features: [] }) as unknown as Explanation;
    const rows = async (layer: SqlDatabase) =>
      (await sql<{ id: number; target: string; ts: number; summary: string }>`SELECT id, target, ts, summary FROM anomaly_events ORDER BY id`.execute(layer.db)).rows.map((r) => `${Number(r.id)} ${r.target}@${Number(r.ts)}: ${r.summary}`);

    it.skipIf(database.skip)('settles duplicates stored before it by keeping the first of each target and time', async () => {
      const { layers, migrate, close } = await open(67);
      try {
        await model(layers[0]);
        const events = new AnomalyEventStore(layers[0]);
        const insert = (id: number, target: string, ts: number, summary: string) =>
          sql`INSERT INTO anomaly_events (id, target, ts, model_id, score, threshold, summary, explanation) VALUES (${id}, ${target}, ${ts}, 1, 0.9, 0.6, ${summary}, ${layers[0].dialect === 'postgres' ? Buffer.from('{}') : '{}'})`.execute(layers[0].db);
        await insert(1, 'web-1', 1_000, 'first');
        await insert(2, 'web-1', 1_000, 'again');
        await insert(3, 'web-2', 1_000, 'other target');
        await insert(4, 'web-1', 2_000, 'later');
        await insert(5, 'web-1', 1_000, 'third time');
        await migrate();
        expect(await rows(layers[0])).toEqual(['1 web-1@1000: first', '3 web-2@1000: other target', '4 web-1@2000: later']);
        // The kept one still answers, and adding it again adds nothing.
        await events.add({ target: 'web-1', ts: 1_000, modelId: 1, score: 0.95, threshold: 0.6, explanation: explanation('after the migration') });
        expect(await rows(layers[0])).toHaveLength(3);
      } finally {
        await close();
      }
    });

    it.skipIf(database.skip)('keeps one event when two writers add the same target and time at once', async () => {
      const { layers, close } = await open();
      try {
        await model(layers[0]);
        const stores = layers.map((layer) => new AnomalyEventStore(layer));
        for (let ts = 1; ts <= 20; ts++) {
          await Promise.all(stores.map((store, i) => store.add({ target: 'web-1', ts, modelId: 1, score: 0.9, threshold: 0.6, explanation: explanation(`writer ${i}`) })));
        }
        const kept = await rows(layers[0]);
        expect(kept).toHaveLength(20);
        expect(new Set(kept.map((row) => row.split(':')[0]?.split(' ')[1])).size).toBe(20);
      } finally {
        await close();
      }
    });
  });
}
