import { afterEach, describe, expect, it } from 'vitest';
import { openTempDb } from '../metrics/test-db.ts';
import fs from 'node:fs';
import path from 'node:path';
import { releaseFreePages } from '../db/free-pages.ts';
import { checkpointWal } from '../db/wal-checkpoint.ts';
import { ModelRegistry } from './registry.ts';

describe('model registry storage', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  /** Bytes shaped like a serialized model: the magic, then a repetitive node table. */
  function modelBytes(): Uint8Array {
    const bytes = new Uint8Array(50_000);
    bytes.set([0x53, 0x43, 0x41, 0x4d], 0);
    for (let i = 4; i < bytes.length; i++) bytes[i] = (i * 7) % 13 === 0 ? i & 0xff : 0;
    return bytes;
  }

  function add(registry: ModelRegistry, model: Uint8Array) {
    return registry.add(
      { target: 'web-1', createdBy: 'system', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model },
      'active',
    );
  }

  it('stores models deflated and gives back the exact bytes; rows stored whole before that still read', () => {
    const { db, cleanup } = openTempDb();
    cleanups.push(cleanup);
    const registry = new ModelRegistry(db, () => 0);
    const model = modelBytes();
    const record = add(registry, model);
    expect(record.bytes).toBe(model.length);
    const stored = db.prepare('SELECT length(model) FROM anomaly_models WHERE id = ?').pluck().get(record.id) as number;
    expect(stored).toBeLessThan(model.length / 4);
    expect(registry.bytesOf(record.id)).toEqual(model);

    db.prepare('UPDATE anomaly_models SET model = ? WHERE id = ?').run(Buffer.from(model), record.id);
    expect(registry.bytesOf(record.id)).toEqual(model);
    // Bytes that are neither go to the worker as they are, which refuses them (a load failure).
    db.prepare('UPDATE anomaly_models SET model = ? WHERE id = ?').run(Buffer.from([1, 2, 3]), record.id);
    expect(registry.bytesOf(record.id)).toEqual(new Uint8Array([1, 2, 3]));
    // The JSON columns are stored deflated; JSON text written before that still reads.
    expect(db.prepare('SELECT typeof(params) FROM anomaly_models WHERE id = ?').pluck().get(record.id)).toBe('blob');
    expect(registry.byId(record.id)!.scoreDistribution).toEqual({ quantiles: [], threshold: 0.5 });
    db.prepare('UPDATE anomaly_models SET params = ? WHERE id = ?').run('{"metrics":["cpu"]}', record.id);
    expect(registry.byId(record.id)!.params).toEqual({ metrics: ['cpu'] });
  });

  describe('pruning', () => {
    /** A registry whose clock moves one second per change, so "most recently retired" is unambiguous. */
    function registryAt(keepRetired?: number) {
      const { db, cleanup } = openTempDb();
      cleanups.push(cleanup);
      let clock = 1_000;
      return { db, registry: new ModelRegistry(db, () => (clock += 1_000), keepRetired === undefined ? {} : { keepRetired }) };
    }
    const kept = (db: ReturnType<typeof openTempDb>['db']) =>
      (db.prepare("SELECT version || ':' || state || ':' || (CASE WHEN pruned_at IS NULL THEN 'kept' ELSE 'pruned' END) FROM anomaly_models ORDER BY version").pluck().all() as string[]);

    it('keeps the model of the active version, the candidate and the newest retired one; older versions keep their row only', () => {
      const { db, registry } = registryAt();
      const model = modelBytes();
      for (let i = 0; i < 4; i++) add(registry, model); // growth refits: each replaces the active one
      registry.add({ target: 'web-1', createdBy: 'admin', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model }, 'candidate');
      expect(kept(db)).toEqual(['1:retired:pruned', '2:retired:pruned', '3:retired:kept', '4:active:kept', '5:candidate:kept']);
      // A pruned version reads as before (history, events that name it) with its pruning time, but has no model bytes left.
      const first = registry.list('web-1').find((m) => m.version === 1)!;
      expect(first).toMatchObject({ state: 'retired', bytes: model.length, prunedAt: expect.any(Number) });
      expect(registry.bytesOf(first.id)).toHaveLength(0);
      expect(db.prepare('SELECT length(model) FROM anomaly_models WHERE version = 3').pluck().get()).toBeGreaterThan(0);
      // The other targets are left alone.
      registry.add({ target: 'db-1', createdBy: 'system', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model }, 'active');
      expect(registry.inState('db-1', 'active')!.prunedAt).toBeNull();
    });

    it('rolls back to the kept version, and back again; a rolled-back-from version is kept for the next roll-back', () => {
      const { db, registry } = registryAt();
      const model = modelBytes();
      const versions = [add(registry, model), add(registry, model), add(registry, model)];
      expect(kept(db)).toEqual(['1:retired:pruned', '2:retired:kept', '3:active:kept']);
      const restored = registry.rollback('web-1')!;
      expect(restored.version).toBe(2);
      expect(registry.bytesOf(restored.id)).toEqual(model);
      expect(kept(db)).toEqual(['1:retired:pruned', '2:active:kept', '3:retired:kept']);
      // Rolling back again goes to v3 (the newest retired with its model), never to pruned v1.
      expect(registry.rollback('web-1')!.version).toBe(3);
      expect(registry.bytesOf(versions[2]!.id)).toEqual(model);
      expect(kept(db)).toEqual(['1:retired:pruned', '2:retired:kept', '3:active:kept']);
    });

    it('has nowhere to roll back to when every retired version is pruned (keepRetired 0), and keeps more with a larger keepRetired', () => {
      const none = registryAt(0);
      add(none.registry, modelBytes());
      add(none.registry, modelBytes());
      expect(kept(none.db)).toEqual(['1:retired:pruned', '2:active:kept']);
      expect(none.registry.rollback('web-1')).toBeUndefined();

      const two = registryAt(2);
      for (let i = 0; i < 4; i++) add(two.registry, modelBytes());
      expect(kept(two.db)).toEqual(['1:retired:pruned', '2:retired:kept', '3:retired:kept', '4:active:kept']);
    });

    it('prunes a failed version and a replaced candidate; pruneAll catches up a folder written before pruning', () => {
      const { db, registry } = registryAt(5);
      const model = modelBytes();
      for (let i = 0; i < 4; i++) add(registry, model);
      const candidate = registry.add({ target: 'web-1', createdBy: 'admin', trainedFrom: 0, trainedTo: 1, trainRows: 10, params: {}, scoreDistribution: { quantiles: [], threshold: 0.5 }, evaluation: {}, model }, 'candidate');
      registry.markFailed(candidate.id);
      expect(kept(db)).toEqual(['1:retired:kept', '2:retired:kept', '3:retired:kept', '4:active:kept', '5:failed:pruned']);
      // The same folder opened by a server that keeps one retired version.
      expect(new ModelRegistry(db, () => 99_000).pruneAll()).toBe(2);
      expect(kept(db)).toEqual(['1:retired:pruned', '2:retired:pruned', '3:retired:kept', '4:active:kept', '5:failed:pruned']);
    });

    it('gives the pruned pages back to the file system (incremental vacuum, then the WAL checkpoint)', () => {
      const { db, dir, cleanup } = openTempDb();
      cleanups.push(cleanup);
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
      const keepAll = new ModelRegistry(db, () => (clock += 1_000), { keepRetired: 100 });
      for (let i = 0; i < 20; i++) add(keepAll, noise());
      checkpointWal(db);
      const before = fs.statSync(file).size;
      expect(before).toBeGreaterThan(4_000_000);
      // 18 of the 20 versions pruned: their 3.6 MB leave the file.
      const registry = new ModelRegistry(db, () => (clock += 1_000));
      expect(registry.pruneAll()).toBe(18);
      expect(releaseFreePages(db)).toBeGreaterThan(800);
      checkpointWal(db);
      expect(fs.statSync(file).size).toBeLessThan(before - 3_400_000);
      expect(registry.bytesOf(registry.inState('web-1', 'active')!.id)).toHaveLength(200_000);
      // A few free pages are left for SQLite to reuse.
      expect(releaseFreePages(db)).toBe(0);
    });
  });
});
