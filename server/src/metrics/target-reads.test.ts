import { afterEach, describe, expect, it } from 'vitest';
import { SqliteMetricsStorage } from './storage.ts';
import { MetricsStore } from './store.ts';
import { TargetReads } from './target-reads.ts';
import { openTempDb } from './test-db.ts';

describe('TargetReads (on the chunk store)', async () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  function seed(samplesPerSeries = 20): { store: MetricsStore; reads: TargetReads } {
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
    return { store, reads: new TargetReads(new SqliteMetricsStorage(temp.db, store)) };
  }

  it("returns the target's samples at its latest distinct times before the bound, oldest first", async () => {
    const { reads } = seed();
    const rows = await reads.recentSamplesOfTarget('web-1', 150, 3);
    expect(rows.map((r) => [r.seriesId, r.ts])).toEqual([
      [1, 120],
      [2, 120],
      [1, 130],
      [1, 140],
      [2, 140],
    ]);
    expect(rows[1]).toMatchObject({ name: 'mem', labels: { host: 'web-1' }, value: -120 });
  });

  it('reads across chunks and head alike', async () => {
    const { reads } = seed(1000);
    const rows = await reads.recentSamplesOfTarget('db-1', 5_000, 300);
    expect(rows).toHaveLength(300);
    expect(rows[0]).toMatchObject({ ts: 2_000, value: 3_000 });
    expect(rows.at(-1)).toMatchObject({ ts: 4_990, value: 5_990 });
  });

  it('is empty for an unknown target or nothing before the bound', async () => {
    const { reads } = seed();
    expect(await reads.recentSamplesOfTarget('nope', 150, 3)).toEqual([]);
    expect(await reads.recentSamplesOfTarget('web-1', 0, 3)).toEqual([]);
  });

  it("pages a target's samples after a cursor: whole times across its series, until the end", async () => {
    const { reads } = seed(1000);
    const page = await reads.samplesAfter('web-1', 105, 4);
    expect(Array.from(page.times)).toEqual([110, 120, 130, 140]);
    expect(page.complete).toBe(false);
    const bySeries = Object.fromEntries(page.series.map(({ ref, samples }) => [ref.name, Array.from(samples.ts.subarray(0, samples.length))]));
    expect(bySeries).toEqual({ cpu: [110, 120, 130, 140], mem: [120, 140] });
    // Across chunk boundaries (120 samples a chunk) and into the head, to the end.
    let cursor = -Infinity;
    let times = 0;
    for (let pages = 0; pages < 100; pages++) {
      const next = await reads.samplesAfter('web-1', cursor, 333);
      times += next.times.length;
      if (next.times.length > 0) cursor = next.times[next.times.length - 1]!;
      if (next.complete) break;
    }
    expect(times).toBe(1000);
    expect(cursor).toBe(9_990);
    expect(await reads.samplesAfter('web-1', cursor, 10)).toMatchObject({ complete: true, series: [] });
    expect(await reads.firstSampleTs('web-1')).toBe(0);
    expect(await reads.firstSampleTs('nope')).toBeUndefined();
    expect(await reads.lastScoreTs('web-1')).toBeUndefined();
    await reads.setScores('web-1', [10, 20], [0.1, 0.2]);
    expect(await reads.lastScoreTs('web-1')).toBe(20);
  });

  it('pages only up to a bound: later samples are left for later pages', async () => {
    const { reads } = seed(1000);
    const page = await reads.samplesAfter('web-1', 105, 4, 125);
    expect(Array.from(page.times)).toEqual([110, 120]);
    // Nothing else is stored up to the bound: the cursor has caught up for now.
    expect(page.complete).toBe(true);
    const bySeries = Object.fromEntries(page.series.map(({ ref, samples }) => [ref.name, Array.from(samples.ts.subarray(0, samples.length))]));
    expect(bySeries).toEqual({ cpu: [110, 120], mem: [120] });
    expect(await reads.samplesAfter('web-1', 105, 4, 140)).toMatchObject({ complete: false });
    expect(await reads.samplesAfter('web-1', 120, 4, 125)).toMatchObject({ complete: true, series: [] });
  });

  it('stores scores in the score chunks and counts the anomaly rate over a range from them', async () => {
    const { store, reads } = seed();
    await reads.setScores('web-1', [0, 10, 20, 30], [0.1, 5, 0.2, 7]);
    // A later score for a time replaces the earlier one.
    await reads.setScores('web-1', [20], [9]);
    expect(Array.from(store.readScores('web-1', 0, 100).values)).toEqual([0.1, 5, 9, 7]);
    expect(await reads.anomalyRate('web-1', 10, 30, 1)).toEqual({ target: 'web-1', from: 10, to: 30, samples: 3, anomalous: 3, rate: 1, threshold: 1 });
    expect(await reads.anomalyRate('db-1', 0, 30, 1)).toMatchObject({ samples: 0, rate: null });
  });
});
