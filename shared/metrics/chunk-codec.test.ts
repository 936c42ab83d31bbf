import { describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, chunkCount, decodeChunk, decodeChunkInto, encodeChunk } from './chunk-codec.ts';

function roundTrip(ts: number[], columns: number[][]) {
  const chunk = encodeChunk(ts, columns);
  expect(chunkCount(chunk)).toBe(ts.length);
  const decoded = decodeChunk(chunk);
  expect(Array.from(decoded.timestamps)).toEqual(ts);
  decoded.columns.forEach((col, c) => expect(Array.from(col)).toEqual(columns[c]));
  return chunk;
}

describe('chunk codec', () => {
  it('round-trips a regular series in about a bit per timestamp', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const ts = Array.from({ length: CHUNK_SAMPLES }, (_, i) => t0 + i * 10_000);
    const chunk = roundTrip(ts, [ts.map(() => 42)]);
    // 4 header + 16 first sample + 119 × 2 bits.
    expect(chunk.length).toBeLessThan(60);
  });

  it('round-trips every kind of double and irregular timestamp exactly', () => {
    const special = [0, -0, 1, -1, 0.1, 1e308, -1e-308, 5e-324, Number.MAX_SAFE_INTEGER, Math.PI, 1 / 3, 123456.789, NaN, Infinity, -Infinity, 2 ** 52, 7];
    const ts: number[] = [];
    let t = 1_700_000_000_000;
    const gaps = [1, 10_000, 10_001, 9_999, 1, 3_600_000, 86_400_000 * 40, 1, 2, 65_537, 524_289, 10_000, 10_000, 999_999_999, 1, 15, 1];
    for (let i = 0; i < special.length; i++) ts.push((t += gaps[i]!));
    roundTrip(ts, [special, [...special].reverse()]);
  });

  it('round-trips random walks and random bits over many columns', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rand() * 300);
      const ts: number[] = [];
      let t = Math.floor(rand() * 2 ** 42);
      for (let i = 0; i < n; i++) ts.push((t += 1 + Math.floor(rand() * (round % 2 ? 20_000 : 2 ** 30))));
      const cols = Array.from({ length: 1 + (round % 5) }, (_, c) => {
        let v = rand() * 100;
        return ts.map(() => (c === 0 ? (v += rand() - 0.5) : c === 1 ? Math.round(rand() * 4) : c === 2 ? rand() * 1e12 : c === 3 ? -v : v * 1e-200));
      });
      roundTrip(ts, cols);
    }
  });

  it('decodes into caller arrays at an offset', () => {
    const a = encodeChunk([1, 2, 3], [[10, 20, 30]]);
    const b = encodeChunk([4, 5], [[40, 50]]);
    const ts = new Float64Array(5);
    const vs = new Float64Array(5);
    let n = decodeChunkInto(a, ts, [vs], 0);
    n += decodeChunkInto(b, ts, [vs], n);
    expect(n).toBe(5);
    expect(Array.from(ts)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(vs)).toEqual([10, 20, 30, 40, 50]);
  });

  it('refuses empty and oversized chunks', () => {
    expect(() => encodeChunk([], [[]])).toThrow(RangeError);
    expect(() => encodeChunk(new Array(70_000).fill(0).map((_, i) => i), [new Array(70_000).fill(0)])).toThrow(RangeError);
  });
});
