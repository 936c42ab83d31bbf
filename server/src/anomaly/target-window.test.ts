import { describe, expect, it } from 'vitest';
import { TargetWindow, type WindowRow } from './target-window.ts';

/** What the window must equal: the last `max` rows pushed, as plain objects. */
function reference(rows: WindowRow[]) {
  const metrics = [...new Set(rows.flatMap((row) => Object.keys(row.values)))].sort();
  return {
    length: rows.length,
    firstTs: rows[0]?.ts,
    lastTs: rows.at(-1)?.ts,
    metrics,
    columns: Object.fromEntries(metrics.map((metric) => [metric, rows.filter((row) => metric in row.values).map((row) => row.values[metric])])),
    rows: rows.map((row) => ({ ts: row.ts, values: Object.fromEntries(metrics.filter((metric) => metric in row.values).map((metric) => [metric, row.values[metric]])) })),
  };
}

function observed(window: TargetWindow) {
  const rows: { ts: number; values: Record<string, number> }[] = [];
  window.forEach((ts, values) => {
    // The record is reused: copy it, keeping only the metrics with a sample in this row.
    rows.push({ ts, values: Object.fromEntries(Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== undefined)) });
  });
  const metrics = window.metrics();
  return {
    length: window.length,
    firstTs: window.firstTs,
    lastTs: window.lastTs,
    metrics,
    columns: Object.fromEntries(metrics.map((metric) => [metric, window.valuesOf(metric)])),
    rows,
  };
}

describe('a target window', () => {
  it('is empty at first', () => {
    const window = new TargetWindow();
    expect(observed(window)).toEqual(reference([]));
    expect(window.recentTimes(50)).toEqual([]);
  });

  it('keeps exactly the newest rows as the bound moves, with metrics coming, going and NaN samples kept', () => {
    // A seeded generator: the sequence is the same on every run, so a failure can be replayed.
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const window = new TargetWindow();
    // The model: an array of rows trimmed to the bound after each push (rows dropped while the
    // bound was small do not come back when it grows).
    const kept: WindowRow[] = [];
    let max = 100;
    for (let i = 0; i < 5_000; i++) {
      if (i % 700 === 0) max = 1 + Math.floor(random() * 300); // settings changed: the window shrinks or grows
      const values: Record<string, number> = {};
      // A metric that only exists for a while, one that is often missing, one always there.
      if (i < 1_500 || i > 3_500) values.node_cpu_utilisation_ratio = random();
      if (random() < 0.3) values['node_filesystem_utilisation_ratio{mount="/"}'] = random() < 0.1 ? Number.NaN : random();
      values.node_load1 = i;
      const row = { ts: 1_000 * i, values };
      window.push(row, max);
      kept.push(row);
      kept.splice(0, Math.max(0, kept.length - max));
      if (i % 97 === 0 || i === 4_999) {
        const expected = reference(kept);
        expect(observed(window)).toEqual(expected);
        expect(window.recentTimes(50)).toEqual(expected.rows.slice(-50).map((row) => row.ts));
      }
    }
  });

  it('drops a metric once its last sample leaves the window', () => {
    const window = new TargetWindow();
    window.push({ ts: 1, values: { a: 1, b: 2 } }, 2);
    window.push({ ts: 2, values: { a: 3 } }, 2);
    expect(window.metrics()).toEqual(['a', 'b']);
    window.push({ ts: 3, values: { a: 4 } }, 2);
    expect(window.metrics()).toEqual(['a']);
    expect(window.valuesOf('b')).toEqual([]);
    expect(window.valuesOf('a')).toEqual([3, 4]);
  });

  it('once released, counts pushes and keeps the newest times, and refuses to read rows', () => {
    const window = new TargetWindow();
    for (let i = 0; i < 150; i++) window.push({ ts: 1_000 * i, values: { a: i } }, 100);
    window.release();
    expect(window.released).toBe(true);
    expect(window.length).toBe(100);
    expect(window.lastTs).toBe(149_000);
    expect(window.recentTimes(3)).toEqual([147_000, 148_000, 149_000]);
    for (let i = 150; i < 260; i++) window.push({ ts: 1_000 * i, values: { a: i } }, 100);
    expect(window.length).toBe(100);
    expect(window.lastTs).toBe(259_000);
    expect(window.recentTimes(50)).toEqual(Array.from({ length: 50 }, (_, i) => 1_000 * (210 + i)));
    // The training window made smaller meanwhile: the count follows.
    window.push({ ts: 260_000, values: { a: 260 } }, 40);
    expect(window.length).toBe(40);
    expect(() => window.forEach(() => undefined)).toThrow(/released/);
    expect(() => window.metrics()).toThrow(/released/);
    expect(() => window.valuesOf('a')).toThrow(/released/);
    expect(() => window.firstTs).toThrow(/released/);
  });
});
