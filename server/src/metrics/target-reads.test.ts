import { afterEach, describe, expect, it } from 'vitest';
import { MetricsStore } from './store.ts';
import { anomalyRateOfTarget, recentSamplesOfTarget } from './target-reads.ts';
import { openTempDb } from './test-db.ts';

describe('reads per target', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  function seed(samplesPerSeries = 20): MetricsStore {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const store = new MetricsStore(temp.db, () => 0);
    // cpu every 10 s, mem only every 20 s: distinct times come from either series.
    const cpu: [number, number][] = [];
    const mem: [number, number][] = [];
    const other: [number, number][] = [];
    for (let ts = 0; ts < samplesPerSeries * 10; ts += 10) {
      cpu.push([ts, ts]);
      if (ts % 20 === 0) mem.push([ts, -ts]);
      other.push([ts, 1000 + ts]);
    }
    store.append([
      { name: 'cpu', labels: { host: 'web-1' }, samples: cpu },
      { name: 'mem', labels: { host: 'web-1' }, samples: mem },
      { name: 'cpu', labels: { host: 'db-1' }, samples: other },
    ]);
    return store;
  }

  it("returns the target's samples at its latest distinct times before the bound, oldest first", () => {
    const store = seed();
    const rows = recentSamplesOfTarget(store, 'web-1', 150, 3);
    expect(rows.map((r) => [r.seriesId, r.ts])).toEqual([
      [1, 120],
      [2, 120],
      [1, 130],
      [1, 140],
      [2, 140],
    ]);
    expect(rows[1]).toMatchObject({ name: 'mem', labels: { host: 'web-1' }, value: -120 });
  });

  it('reads across chunks and head alike', () => {
    const store = seed(1000);
    const rows = recentSamplesOfTarget(store, 'db-1', 5_000, 300);
    expect(rows).toHaveLength(300);
    expect(rows[0]).toMatchObject({ ts: 2_000, value: 3_000 });
    expect(rows.at(-1)).toMatchObject({ ts: 4_990, value: 5_990 });
  });

  it('is empty for an unknown target or nothing before the bound', () => {
    const store = seed();
    expect(recentSamplesOfTarget(store, 'nope', 150, 3)).toEqual([]);
    expect(recentSamplesOfTarget(store, 'web-1', 0, 3)).toEqual([]);
  });

  it('counts the anomaly rate over a range from the stored scores', () => {
    const store = seed();
    store.setScores('web-1', [0, 10, 20, 30], [0.1, 5, 0.2, 7]);
    expect(anomalyRateOfTarget(store, 'web-1', 10, 30, 1)).toEqual({ target: 'web-1', from: 10, to: 30, samples: 3, anomalous: 2, rate: 2 / 3, threshold: 1 });
    expect(anomalyRateOfTarget(store, 'db-1', 0, 30, 1)).toMatchObject({ samples: 0, rate: null });
  });
});
