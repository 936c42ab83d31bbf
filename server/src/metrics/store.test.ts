import { afterEach, describe, expect, it } from 'vitest';
import { MetricsStore } from './store.ts';
import { enforceRetention } from './retention.ts';
import { openDatabase } from '../db/database.ts';
import { openTempDb } from './test-db.ts';
import fs from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';

const T0 = Date.UTC(2026, 0, 1);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tempStore() {
  const temp = openTempDb();
  cleanups.push(temp.cleanup);
  return { ...temp, store: new MetricsStore(temp.db, () => T0) };
}

describe('metrics store', () => {
  it('round-trips samples, one series per name and label set whatever the label order', () => {
    const { store } = tempStore();
    const [a, b, c] = store.append([
      { name: 'node_load1', labels: { host: 'web-1', zone: 'eu' }, samples: [[T0, 1], [T0 + 10_000, 2]] },
      { name: 'node_load1', labels: { zone: 'eu', host: 'web-1' }, samples: [[T0 + 20_000, 3]] },
      { name: 'node_load1', labels: { host: 'web-2' }, samples: [[T0, 9]] },
    ]);
    expect(a!.id).toBe(b!.id);
    expect(c!.id).not.toBe(a!.id);
    expect(store.readRaw(a!.id, T0, T0 + 60_000)).toEqual([[T0, 1], [T0 + 10_000, 2], [T0 + 20_000, 3]]);
    expect(store.latest(a!.id)).toEqual({ ts: T0 + 20_000, value: 3 });
    expect(store.series()).toHaveLength(2);
  });

  it('keeps a label named __proto__ in the series identity', () => {
    const { store } = tempStore();
    const labelled = JSON.parse('{"__proto__":"x","host":"web-1"}') as Record<string, string>;
    const [a, b, c] = store.append([
      { name: 'odd', labels: labelled, samples: [[T0, 1]] },
      { name: 'odd', labels: { host: 'web-1' }, samples: [[T0, 2]] },
      { name: 'odd', labels: JSON.parse('{"host":"web-1","__proto__":"x"}') as Record<string, string>, samples: [[T0 + 10_000, 3]] },
    ]);
    expect(b!.id).not.toBe(a!.id);
    expect(c!.id).toBe(a!.id);
    expect(store.readRaw(a!.id, T0, T0 + 60_000)).toEqual([[T0, 1], [T0 + 10_000, 3]]);
    expect(Object.hasOwn(store.series().find((s) => s.id === a!.id)!.labels, '__proto__')).toBe(true);
  });

  it('replaces a sample written twice at the same time, and keeps the catalogue across reopen', () => {
    const { store, db, dir } = tempStore();
    const [s] = store.append([{ name: 'm', labels: {}, samples: [[T0, 1]] }]);
    store.append([{ name: 'm', labels: {}, samples: [[T0, 5]] }]);
    expect(store.readRaw(s!.id, T0, T0 + 1)).toEqual([[T0, 5]]);
    db.close();
    const reopened = openDatabase(path.join(dir, 'test.db'));
    const again = new MetricsStore(reopened);
    expect(again.series()).toEqual([{ id: s!.id, name: 'm', labels: {} }]);
    expect(again.latest(s!.id)).toEqual({ ts: T0, value: 5 });
    expect(again.resolveSeries('m', {}).id).toBe(s!.id);
    reopened.close();
    cleanups.pop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores anomaly scores per target and reads them beside the samples', () => {
    const { store } = tempStore();
    const [s] = store.append([{ name: 'm', labels: { host: 'web-1' }, samples: [[T0, 1], [T0 + 1000, 2]] }]);
    store.setScores('web-1', [T0 + 1000, T0 + 5000], [0.93, 1]);
    expect(store.readScored(s!.id, T0, T0 + 2000)).toEqual([[T0, 1, null], [T0 + 1000, 2, 0.93]]);
    store.setScores('web-1', [T0 + 1000], [0.5]);
    expect(Array.from(store.readScores('web-1', 0, T0 + 10_000).values)).toEqual([0.5, 1]);
    expect(store.readScores('elsewhere', 0, T0 + 10_000).length).toBe(0);
  });

  it('rolls raw samples up into 1 m and 1 h buckets (min, max, sum, count, last), including late samples', () => {
    const { store } = tempStore();
    // 2 hours at 10 s: value = minute index, and inside each minute 0..5 added.
    const samples: [number, number][] = [];
    for (let i = 0; i < 720; i++) samples.push([T0 + i * 10_000, Math.floor(i / 6) + (i % 6)]);
    const [s] = store.append([{ name: 'm', labels: {}, samples }]);
    const minutes = store.readRollup('1m', s!.id, T0, T0 + 7_200_000);
    expect(minutes).toHaveLength(120);
    expect(minutes[3]).toEqual([T0 + 180_000, 3, 8, 3 * 6 + 15, 6, 8]);
    const hours = store.readRollup('1h', s!.id, T0, T0 + 7_200_000);
    expect(hours).toHaveLength(2);
    expect(hours[0]).toEqual([T0, 0, 64, (59 * 60) / 2 * 6 + 15 * 60, 360, 64]);

    // A late sample into minute 3 and a replaced one are reflected in both rollups.
    store.append([{ name: 'm', labels: {}, samples: [[T0 + 185_000, -100], [T0 + 180_000, 100]] }]);
    expect(store.readRollup('1m', s!.id, T0 + 180_000, T0 + 180_001)[0]).toEqual([T0 + 180_000, -100, 100, 3 * 6 + 15 - 3 + 100 - 100, 7, 8]);
    const [hour] = store.readRollup('1h', s!.id, T0, T0 + 1);
    expect(hour![1]).toBe(-100);
    expect(hour![2]).toBe(100);
    expect(hour![4]).toBe(361);
  });

  it('enforces retention per resolution, summarising raw samples before they go', () => {
    const { store, db } = tempStore();
    const day = 86_400_000;
    const [s] = store.append([{ name: 'm', labels: {}, samples: [[T0, 1], [T0 + 3 * day, 2], [T0 + 10 * day, 3]] }]);
    const now = T0 + 10 * day + 1;
    const result = enforceRetention(db, store, { rawMs: 2 * day, minuteMs: 5 * day, hourMs: 9 * day }, now);
    expect(result).toEqual({ raw: 2, minute: 2, hour: 1 });
    expect(store.readRaw(s!.id, 0, now)).toEqual([[T0 + 10 * day, 3]]);
    expect(store.readRollup('1m', s!.id, 0, now).map((r) => r[0])).toEqual([T0 + 10 * day]);
    expect(store.readRollup('1h', s!.id, 0, now).map((r) => r[0])).toEqual([T0 + 3 * day, T0 + 10 * day]);
  });

  it('stores minutes only once retention removes their raw samples, and the 1 m view reads the same before and after', () => {
    const { store, db } = tempStore();
    const day = 86_400_000;
    // 6 h at 10 s, value = i; the raw cutoff falls inside the fourth hour, mid-minute.
    const samples = Array.from({ length: 2160 }, (_, i) => [T0 + i * 10_000, i] as [number, number]);
    const [s] = store.append([{ name: 'm', labels: {}, samples }]);
    const storedMinutes = () => db.prepare('SELECT count(*) FROM metric_rollup_chunks WHERE width = 60000').pluck().get() as number;
    const before = store.readRollup('1m', s!.id, T0, T0 + 6 * 3_600_000);
    expect(before).toHaveLength(360);
    expect(before[7]).toEqual([T0 + 7 * 60_000, 42, 47, 42 + 43 + 44 + 45 + 46 + 47, 6, 47]);
    expect(storedMinutes()).toBe(0);

    const cutoff = T0 + 3 * 3_600_000 + 25_000;
    const result = enforceRetention(db, store, { rawMs: day, minuteMs: 30 * day, hourMs: 400 * day }, cutoff + day);
    // Raw leaves by whole minutes: the samples before the cutoff's minute.
    expect(result.raw).toBe(3 * 360);
    expect(store.readRaw(s!.id, 0, T0 + day)[0]).toEqual([T0 + 3 * 3_600_000, 1080]);
    expect(storedMinutes()).toBeGreaterThan(0);
    expect(store.readRollup('1m', s!.id, T0, T0 + 6 * 3_600_000)).toEqual(before);
    expect(store.readRollup('1h', s!.id, T0, T0 + 6 * 3_600_000).map((h) => h[4])).toEqual([360, 360, 360, 360, 360, 360]);

    // A late sample in a minute already stored combines with it (the 1 m view and the hour).
    store.append([{ name: 'm', labels: {}, samples: [[T0 + 7 * 60_000 + 5_000, 1000]] }]);
    expect(store.readRollup('1m', s!.id, T0 + 7 * 60_000, T0 + 7 * 60_000 + 1)[0]).toEqual([T0 + 7 * 60_000, 42, 1000, 42 + 43 + 44 + 45 + 46 + 47 + 1000, 7, 1000]);
    expect(store.readRollup('1h', s!.id, T0, T0 + 1)[0]![4]).toBe(361);
    enforceRetention(db, store, { rawMs: day, minuteMs: 30 * day, hourMs: 400 * day }, cutoff + day);
    expect(store.readRollup('1m', s!.id, T0 + 7 * 60_000, T0 + 7 * 60_000 + 1)[0]![4]).toBe(7);
  });

  it('exports samples in insertion order with a cursor, replaced samples moving to the end', () => {
    const { store } = tempStore();
    const [a, b] = store.append([
      { name: 'a', labels: {}, samples: [[T0, 1], [T0 + 1, 2]] },
      { name: 'b', labels: {}, samples: [[T0, 3]] },
    ]);
    const first = store.exportAfter(0, 2);
    expect([first.seriesIds, first.ts, first.values]).toEqual([[a!.id, a!.id], [T0, T0 + 1], [1, 2]]);
    store.append([{ name: 'a', labels: {}, samples: [[T0, 10]] }]);
    const second = store.exportAfter(first.seqs.at(-1)!, 10);
    expect([second.seriesIds, second.ts, second.values]).toEqual([[b!.id, a!.id], [T0, T0], [3, 10]]);
    expect(store.exportAfter(second.seqs.at(-1)!, 10).seqs).toEqual([]);
  });

  it('never moves the export cursor back, even after retention deleted every sample and a reopen', () => {
    const { store, db, dir } = tempStore();
    store.append([{ name: 'a', labels: {}, samples: [[T0, 1], [T0 + 1, 2]] }]);
    const cursor = store.exportAfter(0, 10).seqs.at(-1)!;
    enforceRetention(db, store, { rawMs: 1, minuteMs: 1, hourMs: 1 }, T0 + 86_400_000);
    expect(store.exportAfter(0, 10).seqs).toEqual([]);
    db.close();
    cleanups.pop();
    const reopened = openDatabase(path.join(dir, 'test.db'));
    cleanups.push(() => {
      reopened.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const again = new MetricsStore(reopened);
    again.append([{ name: 'a', labels: {}, samples: [[T0 + 2, 3]] }]);
    expect(again.exportAfter(cursor, 10).values).toEqual([3]);
  });

  it('writes all of a call or nothing, catalogue included', () => {
    const { store } = tempStore();
    expect(() => store.append([
      { name: 'fine', labels: {}, samples: [[T0, 1]] },
      { name: 'broken', labels: {}, samples: [[T0, Number.NaN]] },
    ])).toThrow(RangeError);
    expect(store.series()).toEqual([]);
    expect(store.exportAfter(0, 10).seqs).toEqual([]);
    const [fine] = store.append([{ name: 'fine', labels: {}, samples: [[T0, 1]] }]);
    expect(store.seriesById(fine!.id)).toEqual({ id: fine!.id, name: 'fine', labels: {} });
    expect(store.latest(fine!.id)).toEqual({ ts: T0, value: 1 });
  });

  it('answers a name lookup exactly as a scan of the catalogue, after adds, a rolled-back append and a reopen', () => {
    const { store, db } = tempStore();
    const names = ['cpu', 'mem', 'disk'];
    const expectSame = (s: MetricsStore) => {
      for (const name of [...names, 'absent']) {
        expect(s.seriesNamed(name)).toEqual(s.series((n) => n === name));
        expect(s.seriesNamed(name, (_n, l) => l.host !== 'h1')).toEqual(s.series((n, l) => n === name && l.host !== 'h1'));
      }
    };
    // Names interleaved, so each name's series are not contiguous in the catalogue.
    for (let host = 0; host < 4; host++) store.append(names.map((name) => ({ name, labels: { host: `h${host}` }, samples: [[T0, host]] })));
    expectSame(store);
    // A rolled-back append forgets its new series; the ids are handed out again after it.
    expect(() => store.append([
      { name: 'cpu', labels: { host: 'h9' }, samples: [[T0, 1]] },
      { name: 'gone', labels: {}, samples: [[T0, 1]] },
      { name: 'mem', labels: { host: 'h0' }, samples: [[T0, Number.NaN]] },
    ])).toThrow(RangeError);
    expect(store.seriesNamed('gone')).toEqual([]);
    expectSame(store);
    store.append([{ name: 'mem', labels: { host: 'h8' }, samples: [[T0, 1]] }, { name: 'cpu', labels: { host: 'h7' }, samples: [[T0, 1]] }]);
    expectSame(store);
    expect(store.seriesNamed('cpu').map((s) => s.labels.host)).toEqual(['h0', 'h1', 'h2', 'h3', 'h7']);
    expectSame(new MetricsStore(db, () => T0));
  });

  it('writes large batches through multi-row statements without losing or reordering samples', () => {
    const { store } = tempStore();
    const samples = Array.from({ length: 1234 }, (_, i) => [T0 + i, i] as [number, number]);
    const [s] = store.append([{ name: 'm', labels: {}, samples }, { name: 'm', labels: {}, samples: [[T0 + 5, -5]] }]);
    const rows = store.readRaw(s!.id, T0, T0 + 2000);
    expect(rows).toHaveLength(1234);
    expect(rows[5]).toEqual([T0 + 5, -5]);
    expect(rows[1233]).toEqual([T0 + 1233, 1233]);
    const exported = store.exportAfter(0, 2000);
    expect(exported.ts).toHaveLength(1234);
    expect(exported.values[exported.ts.indexOf(T0 + 5)]).toBe(-5);
    expect(exported.seqs).toEqual([...exported.seqs].sort((a, b) => a - b));
  });

  it('reads the chunks of a range as views of one buffer, in time order, late rewrites and head included (a Buffer per chunk was half the read)', () => {
    const { store } = tempStore();
    const samples = Array.from({ length: 1000 }, (_, i): [number, number] => [T0 + i * 10_000, Math.round(Math.sin(i) * 1000) / 1000]);
    // In time order but for a late batch that rewrites stored chunks, and a head of 40 after the last chunk.
    const [s] = store.append([{ name: 'm', labels: {}, samples: samples.filter((_, i) => i % 7 !== 3) }]);
    store.append([{ name: 'm', labels: {}, samples: samples.filter((_, i) => i % 7 === 3) }]);
    const from = T0 + 95 * 10_000;
    const to = T0 + 1000 * 10_000;
    const raw = store.readRawChunks(s!.id, from, to);
    expect(raw.chunks.length).toBeGreaterThan(5);
    expect(new Set(raw.chunks.map((c) => c.buffer)).size).toBe(1);
    expect(store.readRaw(s!.id, from, to)).toEqual(samples.slice(95));
    expect(store.readRawChunks(s!.id, T0 - 1000, T0).chunks).toEqual([]);
  });

  it("holds what a cursor's page read, not room for a whole page per series (a 50,000-series target's page allocated ~400 MB)", () => {
    const { store } = tempStore();
    // One series in chunks and head (130 samples), one with a single head sample.
    const [wide, single] = store.append([
      { name: 'm', labels: { host: 'a' }, samples: Array.from({ length: 130 }, (_, i): [number, number] => [T0 + i * 10_000, i]) },
      { name: 'm', labels: { host: 'b' }, samples: [[T0, 7]] },
    ]);
    const page = store.readFirst(single!.id, -Infinity, 512);
    expect(page.length).toBe(1);
    expect(page.ts.length).toBe(1);
    expect([...page.values]).toEqual([7]);
    const fromChunks = store.readFirst(wide!.id, T0 + 5 * 10_000, 512);
    expect(fromChunks.length).toBe(124);
    expect(fromChunks.ts.length).toBe(124);
    expect(fromChunks.ts[0]).toBe(T0 + 6 * 10_000);
    expect(fromChunks.values[123]).toBe(129);
    expect(store.readFirst(wide!.id, -Infinity, 3)).toMatchObject({ length: 3, ts: new Float64Array([T0, T0 + 10_000, T0 + 20_000]) });
  });

  it('rolls up samples far apart in time without visiting every window between them (two samples at the ends of the timestamp range took 20 s)', () => {
    const { store } = tempStore();
    const last = 8_640_000_000_000_000 - 1000;
    const [s] = store.append([{ name: 'm', labels: {}, samples: [[0, 1], [T0, 2], [last, 3]] }]);
    const started = performance.now();
    store.flushRollups();
    const hours = store.readRollup('1h', s!.id, 0, last + 1);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(hours.map((h) => [h[0], h[4]])).toEqual([[0, 1], [T0, 1], [last - (last % 3_600_000), 1]]);
    // A later sample in between replaces only its own window; the others stay.
    store.append([{ name: 'm', labels: {}, samples: [[T0 + 1000, 5]] }]);
    store.flushRollups();
    expect(store.readRollup('1h', s!.id, 0, last + 1).map((h) => [h[0], h[4]])).toEqual([[0, 1], [T0, 2], [last - (last % 3_600_000), 1]]);
  }, 60_000);
});

describe('crash consistency and migration', () => {
  it('rolls up samples written just before a restart (the pending ranges are stored with the samples)', () => {
    const { store, db, dir } = tempStore();
    const now = T0 + 10 * 3_600_000;
    const threeHoursAgo = now - 3 * 3_600_000;
    const samples = Array.from({ length: 120 }, (_, i) => [threeHoursAgo + i * 1000, 1] as [number, number]);
    const [s] = store.append([{ name: 'm', labels: {}, samples }]);
    expect(store.pendingRollups).toBe(1);
    // Restart before the maintenance job ran: no flush, the database closed as a crash leaves it.
    db.close();
    cleanups.pop();
    const reopened = openDatabase(path.join(dir, 'test.db'));
    cleanups.push(() => {
      reopened.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const again = new MetricsStore(reopened, () => now);
    const minutes = again.readRollup('1m', s!.id, 0, now);
    expect(minutes.reduce((n, r) => n + r[4], 0)).toBe(120);
    expect(again.readRollup('1h', s!.id, 0, now).reduce((n, r) => n + r[4], 0)).toBe(120);
    expect(again.pendingRollups).toBe(0);
  });

  it('converts a data folder written by the row-per-sample store, losing nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-legacy-'));
    const file = path.join(dir, 'smartcloudops.db');
    fs.copyFileSync(path.join(import.meta.dirname, 'fixtures', 'legacy-v1.db'), file);
    const legacy = new Database(file, { readonly: true });
    const before = {
      samples: legacy.prepare('SELECT series_id, ts, value FROM metric_samples ORDER BY series_id, ts').raw().all() as [number, number, number][],
      scores: legacy.prepare('SELECT series_id, ts, score FROM metric_samples WHERE score IS NOT NULL ORDER BY series_id, ts').raw().all() as [number, number, number][],
      minutes: legacy.prepare('SELECT series_id, bucket, min, max, sum, count, last FROM metric_rollups_1m ORDER BY series_id, bucket').raw().all() as number[][],
      hours: legacy.prepare('SELECT series_id, bucket, min, max, sum, count, last FROM metric_rollups_1h ORDER BY series_id, bucket').raw().all() as number[][],
      series: legacy.prepare('SELECT count(*) FROM metric_series').pluck().get() as number,
      lastSeq: legacy.prepare('SELECT last_seq FROM metric_export_state').pluck().get() as number,
    };
    legacy.close();
    expect(before.samples.length).toBe(2400);
    const db = openDatabase(file);
    cleanups.push(() => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const store = new MetricsStore(db, () => T0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('metric_samples', 'metric_rollups_1m', 'metric_rollups_1h')").pluck().get()).toBe(0);
    expect(store.series()).toHaveLength(before.series);
    const after: [number, number, number][] = [];
    for (const { id } of store.series().sort((a, b) => a.id - b.id)) for (const [ts, v] of store.readRaw(id, 0, Number.MAX_SAFE_INTEGER)) after.push([id, ts, v]);
    expect(after).toEqual(before.samples);
    for (const [id, ts, score] of before.scores) expect(store.readScored(id, ts, ts + 1)[0]![2]).toBe(score);
    for (const [resolution, rows] of [['1m', before.minutes], ['1h', before.hours]] as const) {
      for (const [id, ...bucket] of rows) expect(store.readRollup(resolution, id!, bucket[0]!, bucket[0]! + 1)[0]).toEqual(bucket);
    }
    expect(store.lastSeq).toBe(before.lastSeq);
    const exported = store.exportAfter(0, 10_000);
    expect(exported.ts).toHaveLength(2400);
    expect(store.latest(store.resolveSeries('node_load1', { host: 'web-1', job: 'node' }).id)).toEqual({ ts: T0 + 399 * 10_000, value: before.samples[399]![2] });
    // Ingest goes on after the conversion, and a second start does not convert again.
    store.append([{ name: 'node_load1', labels: { host: 'web-1', job: 'node' }, samples: [[T0 + 400 * 10_000, 7]] }]);
    expect(new MetricsStore(db, () => T0).readRaw(1, T0 + 399 * 10_000, T0 + 401 * 10_000)).toHaveLength(2);
  });
});
