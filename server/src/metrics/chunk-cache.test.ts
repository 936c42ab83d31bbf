import { afterEach, describe, expect, it } from 'vitest';
import { chunkCount } from '../../../shared/metrics/chunk-codec.ts';
import { ChunkCache, type SeriesChunks } from './chunk-cache.ts';
import { ChunkTable, seqColumns } from './chunk-table.ts';
import { openTempDb } from './test-db.ts';
import { MetricsStore } from './store.ts';
import { decodeRawInto, type RawChunks } from './raw-chunks.ts';

const T0 = Date.UTC(2026, 0, 1);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Two views of one table: `kept` reads through the cache, `plain` (its own instance) only through SQLite. */
function tables() {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  // The store creates the tables (migrations) and the series row the chunks belong to.
  const store = new MetricsStore(temp.db, () => T0);
  const [series] = store.append([{ name: 'm', labels: {}, samples: [] }]);
  const kept = new ChunkTable(temp.db, 'metric_chunks', 'metric_head');
  return { db: temp.db, id: series!.id, kept, plain: () => new ChunkTable(temp.db, 'metric_chunks', 'metric_head') };
}

function write(table: ChunkTable, id: number, samples: [number, number][]): void {
  const c = seqColumns(samples.length);
  samples.forEach(([t, v], i) => {
    c.ts[i] = t;
    c.values[i] = v;
  });
  table.write(id, c.ts, c.values, c.seqs, samples.length);
}

const bytesOf = (raw: RawChunks) => ({ chunks: raw.chunks.map((c) => Buffer.from(c).toString('hex')), head: [...raw.headTs], values: [...raw.headValues] });

const sample = (i: number): [number, number] => [T0 + i * 10_000, Math.round(Math.sin(i) * 1000) / 1000];

/** Ranges around chunk edges: before the first chunk, on and between chunk starts, in the head, past the end. */
const RANGES: [number, number][] = [
  [T0 - 5_000, T0],
  [T0 - 5_000, T0 + 1],
  [T0, T0 + 10_000 * 120],
  [T0 + 10_000 * 120, T0 + 10_000 * 121],
  [T0 + 10_000 * 119, T0 + 10_000 * 240],
  [T0 + 10_000 * 121 + 1, T0 + 10_000 * 400],
  [T0 - 1, T0 + 10_000 * 1000],
  [T0 + 10_000 * 990, T0 + 10_000 * 2000],
  [T0 + 10_000 * 5000, T0 + 10_000 * 6000],
];

/** The same chunks and head as the statement's read, and the same samples decoded (from the kept decoded columns when there are). */
function expectSameAsPlain(kept: ChunkTable, plain: ChunkTable, id: number): void {
  for (const [from, to] of RANGES) {
    const raw = kept.readChunksKept(id, from, to);
    const reference = plain.readChunks(id, from, to);
    expect(bytesOf(raw), `[${from}, ${to})`).toEqual(bytesOf(reference));
    const samples = decodeRawInto(raw, from, to);
    const expected = decodeRawInto(reference, from, to);
    expect([...samples.ts.subarray(0, samples.length)], `[${from}, ${to})`).toEqual([...expected.ts.subarray(0, expected.length)]);
    expect([...samples.values.subarray(0, samples.length)]).toEqual([...expected.values.subarray(0, expected.length)]);
  }
}

describe('the range queries’ chunk cache', () => {
  it('answers a series read again from its chunks kept in memory: one buffer across reads, the same chunks as the table’s read for every range', () => {
    const { id, kept, plain } = tables();
    // 1,000 samples with a late batch that rewrites chunks, and a head of 40 after the last chunk.
    write(kept, id, Array.from({ length: 1000 }, (_, i) => sample(i)).filter((_, i) => i % 7 !== 3));
    write(kept, id, Array.from({ length: 1000 }, (_, i) => sample(i)).filter((_, i) => i % 7 === 3));
    const first = kept.readChunksKept(id, T0, T0 + 10_000 * 1000);
    const second = kept.readChunksKept(id, T0 + 1, T0 + 10_000 * 1000);
    const third = kept.readChunksKept(id, T0 + 2, T0 + 10_000 * 1000);
    // The first read goes to SQLite; the second keeps the series; the third reads what was kept.
    expect(third.chunks[0]!.buffer).toBe(second.chunks[0]!.buffer);
    expect(first.chunks[0]!.buffer).not.toBe(second.chunks[0]!.buffer);
    // Kept decoded too: a range is copied from these rather than decoded again.
    const chunked = kept.readChunksKept(id, -Infinity, Infinity).chunks.reduce((n, c) => n + chunkCount(c), 0);
    expect(chunked).toBeGreaterThan(900);
    expect(third.decoded?.ts.length).toBe(chunked);
    expectSameAsPlain(kept, plain(), id);
  });

  it('forgets a series’ kept chunks when a late sample rewrites them, a new chunk is sealed or retention trims them', () => {
    const { id, kept, plain } = tables();
    write(kept, id, Array.from({ length: 500 }, (_, i) => sample(i * 2)));
    kept.readChunksKept(id, T0, T0 + 1);
    kept.readChunksKept(id, T0, T0 + 1);
    // Late: odd samples between the stored even ones.
    write(kept, id, Array.from({ length: 100 }, (_, i) => sample(i * 2 + 1)));
    expectSameAsPlain(kept, plain(), id);
    // New samples past the end: the head fills and chunks are sealed.
    write(kept, id, Array.from({ length: 300 }, (_, i) => sample(1000 + i)));
    expectSameAsPlain(kept, plain(), id);
    kept.deleteBefore(id, T0 + 10_000 * 333);
    expectSameAsPlain(kept, plain(), id);
  });

  it('keeps nothing read inside a transaction, whose writes may be rolled back', () => {
    const { db, id, kept, plain } = tables();
    write(kept, id, Array.from({ length: 500 }, (_, i) => sample(i * 2)));
    expect(() =>
      db.transaction(() => {
        write(kept, id, Array.from({ length: 100 }, (_, i) => sample(i * 2 + 1)));
        kept.readChunksKept(id, T0, T0 + 1);
        kept.readChunksKept(id, T0, T0 + 1);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expectSameAsPlain(kept, plain(), id);
  });

  it('lets go of every kept series when the server is quiet', () => {
    const { id, kept } = tables();
    write(kept, id, Array.from({ length: 500 }, (_, i) => sample(i)));
    kept.readChunksKept(id, T0, T0 + 1);
    const held = kept.readChunksKept(id, T0, T0 + 1);
    // The compressed chunks and the 480 chunked samples decoded (16 bytes each).
    expect(kept.releaseIdleMemory()).toBe(held.chunks[0]!.buffer.byteLength + 480 * 16);
    expect(kept.releaseIdleMemory()).toBe(0);
  });
});

describe('ChunkCache', () => {
  const entry = (bytes: number): SeriesChunks => ({ bytes: new Uint8Array(bytes), starts: new Float64Array([0]), ends: new Uint32Array([bytes]) });

  it('keeps a series from its second read, up to its bytes in all, the least recently read let go first', () => {
    const cache = new ChunkCache(300, 200);
    expect(cache.admit(1)).toBe(false);
    expect(cache.admit(1)).toBe(true);
    cache.set(1, entry(100));
    cache.set(2, entry(100));
    cache.set(3, entry(100));
    cache.get(1);
    cache.set(4, entry(100));
    expect([1, 2, 3, 4].map((id) => cache.get(id) !== undefined)).toEqual([true, false, true, true]);
    expect(cache.bytes).toBe(300);
    // A series larger than a series may hold is not kept.
    cache.set(5, entry(201));
    expect(cache.get(5)).toBeUndefined();
    cache.drop(3);
    expect(cache.bytes).toBe(200);
  });
});
