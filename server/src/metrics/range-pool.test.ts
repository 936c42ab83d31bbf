import { afterEach, describe, expect, it as itBase } from 'vitest';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { EventBus } from '../events/bus.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import type { RangeTask } from './range-answer.ts';
import { writeRangeAnswer } from './range-json.ts';
import { RangePool } from './range-pool.ts';
import { chooseResolution, readSource, type RangeRequest } from './range-query.ts';
import { MetricsService } from './service.ts';
import { openTempDb } from './test-db.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * Series a number writer and a decoder can get wrong: decimals that are and are not short,
 * large and tiny magnitudes, negatives, integers past 2^32, irregular spacing, a late batch
 * that rewrites stored chunks, and a head of samples not yet in a chunk.
 */
function trickySeries(seed: number): [number, number][] {
  const random = createRandom(seed).next;
  const out: [number, number][] = [];
  let ts = T0;
  for (let i = 0; i < 3_000; i++) {
    ts += 1 + Math.floor(random() * 20_000);
    const r = random();
    const kinds = [r, -r * 1e6, Math.round(r * 1000) / 1000, Math.round((r - 0.5) * 1e8) / 100, Math.floor(r * 2 ** 53), r * 1e-12, r * 1e300, 0, -0.5, 0.1 + 0.2, 2 ** 40 + i];
    out.push([ts, kinds[i % kinds.length]!]);
  }
  return out;
}

describe.each(testDatabases())('range answers on worker threads ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = database.skip ? itBase.skip : itBase;

  async function serviceWithData(): Promise<MetricsService> {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const sql = database.name === 'postgres' ? (await databases.twoLayers('sco-range-pool-')).sql[0] : undefined;
    // Every answer goes to a worker, however small.
    const metrics = new MetricsService({ db: temp.db, ...(sql ? { sql } : {}), events: new EventBus(), now: () => T0 + 24 * HOUR, rangePool: { inlineMaxSize: 0, threads: 1 } });
    cleanups.push(() => metrics.close());
    for (let s = 0; s < 4; s++) {
      const all = trickySeries(s + 1);
      // In time order except a late batch in the middle (rewrites chunks), and a tail of 37
      // samples (fewer than a chunk: they stay in the head).
      const late = all.splice(1_000, 200);
      await metrics.ingest([{ name: 'tricky', labels: { n: String(s), 'é': 'ünï"cödé\n' }, samples: all.slice(0, 1_500) }]);
      await metrics.ingest([{ name: 'tricky', labels: { n: String(s), 'é': 'ünï"cödé\n' }, samples: all.slice(1_500, all.length - 37) }]);
      await metrics.ingest([{ name: 'tricky', labels: { n: String(s), 'é': 'ünï"cödé\n' }, samples: late }]);
      await metrics.ingest([{ name: 'tricky', labels: { n: String(s), 'é': 'ünï"cödé\n' }, samples: all.slice(all.length - 37) }]);
    }
    return metrics;
  }

  const requests: RangeRequest[] = [
    { from: T0, to: T0 + 24 * HOUR, agg: 'avg', maxPoints: 100_000 },
    { from: T0 + 3 * HOUR + 17, to: T0 + 9 * HOUR - 3, agg: 'avg', maxPoints: 333 },
    ...(['avg', 'min', 'max', 'sum', 'count', 'last'] as const).map((agg) => ({ from: T0 + 1234, to: T0 + 20 * HOUR, step: 45_000, agg, maxPoints: 2_000 })),
    { from: T0, to: T0 + 24 * HOUR, step: 5 * 60_000, agg: 'max', maxPoints: 2_000 },
    { from: T0 + 5 * HOUR, to: T0 + 5 * HOUR + 1, agg: 'avg', maxPoints: 10 },
  ];

  it('writes the same bytes on a worker as on the request thread, and caches the same columns', async () => {
    const metrics = await serviceWithData();
    const inline = new RangePool({ inlineMaxSize: Number.POSITIVE_INFINITY });
    const worker = new RangePool({ inlineMaxSize: 0, threads: 1 });
    cleanups.push(() => worker.close());
    const series = await metrics.findSeries('tricky');
    expect(series).toHaveLength(4);
    const task = async (request: RangeRequest): Promise<RangeTask> => {
      const resolution = chooseResolution(request, metrics.retention, T0 + 24 * HOUR);
      return { request, series: await Promise.all(series.map(async (ref) => ({ ...ref, resolution, source: await readSource(metrics.storage, ref.id, request, resolution) }))) };
    };
    for (const request of requests) {
      const here = await inline.answer(await task(request));
      const there = await worker.answer(await task(request));
      expect(Buffer.from(there.json).equals(Buffer.from(here.json)), JSON.stringify(request)).toBe(true);
      expect(there.computed).toEqual(here.computed);
      // A series taken from the cache is written alongside computed ones.
      const mixed = await task(request);
      mixed.series[1] = { ...mixed.series[1]!, source: undefined, cached: here.computed[1]! };
      expect(Buffer.from((await worker.answer(mixed)).json).equals(Buffer.from(here.json))).toBe(true);
      // And the API's answer (through the service's cache, on a worker) is the column API's answer written out.
      const api = await metrics.queryRangeAnswer(series, request);
      expect(api.json.equals(writeRangeAnswer(await metrics.queryRangeYielding(series, request)))).toBe(true);
      const again = await metrics.queryRangeAnswer(series, request);
      expect(again.hits).toBe(4);
      expect(again.json.equals(api.json)).toBe(true);
    }
    expect(worker.stats()).toMatchObject({ offloaded: requests.length * 2, failures: 0 });
    expect(inline.stats()).toMatchObject({ inline: requests.length, offloaded: 0 });
    expect(inline.stats().threads).toBe(0);
  });
});
