import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { databaseSettings } from '../db/database-url.ts';
import { releaseFreePages } from '../db/free-pages.ts';
import { openSqlDatabase, type SqlDatabase } from '../db/sql/open.ts';
import { checkpointWal } from '../db/wal-checkpoint.ts';
import { openTempDb } from '../metrics/test-db.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { ModelRegistry } from './registry.ts';

/** Bytes shaped like a serialized model: the magic, then a repetitive node table. */
function modelBytes(): Uint8Array {
  const bytes = new Uint8Array(50_000);
  bytes.set([0x53, 0x43, 0x41, 0x4d], 0);
  for (let i = 4; i < bytes.length; i++) bytes[i] = (i * 7) % 13 === 0 ? i & 0xff : 0;
  return bytes;
}

function add(registry: ModelRegistry, model: Uint8Array, state: 'active' | 'candidate' = 'active', target = 'web-1') {
  return registry.add({ target, createdBy: 'system', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model }, state);
}

/** "version:state:kept|pruned" per version of web-1, oldest first. */
async function kept(sql: SqlDatabase): Promise<string[]> {
  const rows = await sql.db.selectFrom('anomaly_models').select(['version', 'state', 'pruned_at']).where('target', '=', 'web-1').orderBy('version').execute();
  return rows.map((r) => `${r.version}:${r.state}:${r.pruned_at === null ? 'kept' : 'pruned'}`);
}

describe.each(testDatabases())('model registry on $name', (database) => {
  const databases = useTestDatabase(database);

  /** A registry whose clock moves one second per change, so "most recently retired" is unambiguous. */
  async function registryAt(keepRetired?: number) {
    const { sql } = await databases.twoLayers('sco-registry-');
    let clock = 1_000;
    const now = () => (clock += 1_000);
    const options = keepRetired === undefined ? {} : { keepRetired };
    const registry = new ModelRegistry(sql[0], now, options);
    // Another replica's registry; on SQLite (one server, one connection) the same process's.
    return { sql: sql[0], registry, other: database.name === 'postgres' ? new ModelRegistry(sql[1], now, options) : registry };
  }

  it.skipIf(database.skip)('stores models deflated and gives back the exact bytes; rows stored whole before that still read', async () => {
    const { sql, registry } = await registryAt();
    const model = modelBytes();
    const record = await add(registry, model);
    expect(record.bytes).toBe(model.length);
    const stored = await sql.db.selectFrom('anomaly_models').select('model').where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(stored.model.byteLength).toBeLessThan(model.length / 4);
    expect(await registry.bytesOf(record.id)).toEqual(model);

    await sql.db.updateTable('anomaly_models').set({ model: Buffer.from(model) }).where('id', '=', record.id).execute();
    expect(await registry.bytesOf(record.id)).toEqual(model);
    // Bytes that are neither go to the worker as they are, which refuses them (a load failure).
    await sql.db.updateTable('anomaly_models').set({ model: Buffer.from([1, 2, 3]) }).where('id', '=', record.id).execute();
    expect(await registry.bytesOf(record.id)).toEqual(new Uint8Array([1, 2, 3]));
    // The JSON columns are stored deflated.
    const params = await sql.db.selectFrom('anomaly_models').select('params').where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(params.params).toBeInstanceOf(Uint8Array);
    expect((await registry.byId(record.id))!.scoreDistribution).toEqual({ quantiles: [], threshold: 0.5 });
  });

  it.skipIf(database.skip)('keeps the model of the active version, the candidate and the newest retired one; older versions keep their row only', async () => {
    const { sql, registry } = await registryAt();
    const model = modelBytes();
    for (let i = 0; i < 4; i++) await add(registry, model); // growth refits: each replaces the active one
    await add(registry, model, 'candidate');
    expect(await kept(sql)).toEqual(['1:retired:pruned', '2:retired:pruned', '3:retired:kept', '4:active:kept', '5:candidate:kept']);
    // A pruned version reads as before (history, events that name it) with its pruning time, but has no model bytes left.
    const first = (await registry.list('web-1')).find((m) => m.version === 1)!;
    expect(first).toMatchObject({ state: 'retired', bytes: model.length, prunedAt: expect.any(Number) });
    expect(await registry.bytesOf(first.id)).toHaveLength(0);
    // The other targets are left alone.
    await add(registry, model, 'active', 'db-1');
    expect((await registry.inState('db-1', 'active'))!.prunedAt).toBeNull();
    expect((await registry.list()).map((m) => `${m.target}#${m.version}`)).toEqual(['db-1#1', 'web-1#5', 'web-1#4', 'web-1#3', 'web-1#2', 'web-1#1']);
  });

  it.skipIf(database.skip)('rolls back to the kept version, and back again; a rolled-back-from version is kept for the next roll-back', async () => {
    const { sql, registry } = await registryAt();
    const model = modelBytes();
    const versions = [await add(registry, model), await add(registry, model), await add(registry, model)];
    expect(await kept(sql)).toEqual(['1:retired:pruned', '2:retired:kept', '3:active:kept']);
    const restored = (await registry.rollback('web-1'))!;
    expect(restored.version).toBe(2);
    expect(await registry.bytesOf(restored.id)).toEqual(model);
    expect(await kept(sql)).toEqual(['1:retired:pruned', '2:active:kept', '3:retired:kept']);
    // Rolling back again goes to v3 (the newest retired with its model), never to pruned v1.
    expect((await registry.rollback('web-1'))!.version).toBe(3);
    expect(await registry.bytesOf(versions[2]!.id)).toEqual(model);
    expect(await kept(sql)).toEqual(['1:retired:pruned', '2:retired:kept', '3:active:kept']);
  });

  it.skipIf(database.skip)('has nowhere to roll back to when every retired version is pruned (keepRetired 0), and keeps more with a larger keepRetired', async () => {
    const none = await registryAt(0);
    await add(none.registry, modelBytes());
    await add(none.registry, modelBytes());
    expect(await kept(none.sql)).toEqual(['1:retired:pruned', '2:active:kept']);
    expect(await none.registry.rollback('web-1')).toBeUndefined();

    const two = await registryAt(2);
    for (let i = 0; i < 4; i++) await add(two.registry, modelBytes());
    expect(await kept(two.sql)).toEqual(['1:retired:pruned', '2:retired:kept', '3:retired:kept', '4:active:kept']);
  });

  it.skipIf(database.skip)('prunes a failed version and a replaced candidate; pruneAll catches up a database written before pruning', async () => {
    const { sql, registry } = await registryAt(5);
    const model = modelBytes();
    for (let i = 0; i < 4; i++) await add(registry, model);
    const candidate = await add(registry, model, 'candidate');
    await registry.markFailed(candidate.id);
    expect(await kept(sql)).toEqual(['1:retired:kept', '2:retired:kept', '3:retired:kept', '4:active:kept', '5:failed:pruned']);
    // The same database opened by a server that keeps one retired version.
    expect(await new ModelRegistry(sql, () => 99_000).pruneAll()).toBe(2);
    expect(await kept(sql)).toEqual(['1:retired:pruned', '2:retired:pruned', '3:retired:kept', '4:active:kept', '5:failed:pruned']);
  });

  it.skipIf(database.skip)('counts shadow scoring and promotes a candidate, retiring the active model', async () => {
    const { registry } = await registryAt();
    const active = await add(registry, modelBytes());
    const candidate = await add(registry, modelBytes(), 'candidate');
    await registry.recordShadow(candidate.id, true, false, false, 0.25);
    await registry.recordShadow(candidate.id, false, true, false, 0.75);
    expect((await registry.byId(candidate.id))!.shadow).toEqual({ samples: 2, agreement: 0.5, candidateAlarms: 1, activeAlarms: 0, meanAbsScoreDiff: 0.5 });
    await registry.promote(candidate.id);
    expect((await registry.inState('web-1', 'active'))!.id).toBe(candidate.id);
    expect((await registry.byId(active.id))!.state).toBe('retired');
    await registry.retireCandidates('web-1');
    expect(await registry.inState('web-1', 'candidate')).toBeUndefined();
  });

  it.skipIf(database.skip)('two replicas changing one target at once leave one active model and distinct versions', async () => {
    const { sql, registry, other } = await registryAt(10);
    const model = modelBytes();
    await add(registry, model);
    // Trainings, promotions and roll-backs of one target from two replicas, interleaved.
    const candidates = await Promise.all([add(registry, model, 'candidate'), add(other, model, 'candidate')]);
    await Promise.all([
      add(registry, model),
      add(other, model),
      registry.promote(candidates[0].id),
      other.promote(candidates[1].id),
      registry.rollback('web-1'),
      other.rollback('web-1'),
    ]);
    const rows = await sql.db.selectFrom('anomaly_models').select(['version', 'state']).where('target', '=', 'web-1').execute();
    expect(rows.filter((r) => r.state === 'active')).toHaveLength(1);
    expect(new Set(rows.map((r) => r.version)).size).toBe(rows.length);
    expect(rows).toHaveLength(5);
  });
});

describe('model registry on SQLite: the file', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('gives the pruned pages back to the file system (incremental vacuum, then the WAL checkpoint)', async () => {
    const { db, dir, cleanup } = openTempDb();
    cleanups.push(cleanup);
    const sql = openSqlDatabase(databaseSettings({}, dir), db);
    const file = path.join(dir, 'test.db');
    // Models that do not deflate: 20 versions of 200 KB each, all kept at first.
    const noise = () => {
      const bytes = new Uint8Array(200_000);
      bytes.set([0x53, 0x43, 0x41, 0x4d], 0);
      for (let i = 4; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      return bytes;
    };
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    let clock = 0;
    const keepAll = new ModelRegistry(sql, () => (clock += 1_000), { keepRetired: 100 });
    for (let i = 0; i < 20; i++) await add(keepAll, noise());
    checkpointWal(db);
    const before = fs.statSync(file).size;
    expect(before).toBeGreaterThan(4_000_000);
    // 18 of the 20 versions pruned: their 3.6 MB leave the file.
    const registry = new ModelRegistry(sql, () => (clock += 1_000));
    expect(await registry.pruneAll()).toBe(18);
    expect(releaseFreePages(db)).toBeGreaterThan(800);
    checkpointWal(db);
    expect(fs.statSync(file).size).toBeLessThan(before - 3_400_000);
    expect(await registry.bytesOf((await registry.inState('web-1', 'active'))!.id)).toHaveLength(200_000);
    // A few free pages are left for SQLite to reuse.
    expect(releaseFreePages(db)).toBe(0);
  });

  it('reads JSON text written before the columns were deflated', async () => {
    const { db, dir, cleanup } = openTempDb();
    cleanups.push(cleanup);
    const registry = new ModelRegistry(openSqlDatabase(databaseSettings({}, dir), db), () => 0);
    const record = await add(registry, modelBytes());
    db.prepare('UPDATE anomaly_models SET params = ? WHERE id = ?').run('{"metrics":["cpu"]}', record.id);
    expect((await registry.byId(record.id))!.params).toEqual({ metrics: ['cpu'] });
  });
});
