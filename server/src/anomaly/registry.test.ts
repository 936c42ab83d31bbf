import { afterEach, describe, expect, it } from 'vitest';
import { openTempDb } from '../metrics/test-db.ts';
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
  });
});
