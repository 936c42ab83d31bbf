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

  it('stores decimal columns as scaled integers, bit for bit, in a few bits per value', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const ts = Array.from({ length: CHUNK_SAMPLES }, (_, i) => t0 + i * 10_000);
    let seed = 3;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let ratio = 0.5;
    let pages = 100_000;
    let counter = 1_234_567;
    const columns = [
      ts.map(() => (ratio = Math.round(Math.min(1, Math.max(0, ratio + (rand() - 0.5) * 0.02)) * 1000) / 1000)),
      ts.map(() => (pages += Math.round((rand() - 0.5) * 64)) * 4096),
      ts.map(() => (counter += Math.floor(rand() * 1000))),
      ts.map((_, i) => -12.5 + (i % 7) * 0.25),
      ts.map(() => 7),
    ];
    const sizes = columns.map((column) => roundTrip(ts, [column]).length);
    // Header, first timestamp and ~2 bits a timestamp are ~50 bytes; XOR needs 4-6 bytes a value here.
    expect(sizes[0]).toBeLessThan(50 + CHUNK_SAMPLES); // ±10 thousandths: under 8 bits a value
    expect(sizes[1]).toBeLessThan(50 + CHUNK_SAMPLES); // whole pages of 4096: the common factor goes
    expect(sizes[2]).toBeLessThan(50 + 1.5 * CHUNK_SAMPLES); // counter increments below 1000
    expect(sizes[3]).toBeLessThan(50 + CHUNK_SAMPLES / 2);
    expect(sizes[4]).toBeLessThan(50);
    roundTrip(ts, columns);
  });

  it('reads decimal columns of every quotient width, alone and as views inside a larger buffer', () => {
    // The decoder reads quotients of up to 25 bits as one four-byte word and the rest bit
    // by bit; a chunk read from the store is a view of one buffer holding its neighbours.
    let seed = 11;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const ts = Array.from({ length: CHUNK_SAMPLES }, (_, i) => 1_700_000_000_000 + i * 10_000 + (i % 3));
    const chunks: { chunk: Uint8Array; column: number[] }[] = [];
    for (let width = 0; width <= 32; width++) {
      for (const scale of [1, 1000]) {
        // Deltas spanning 2^width (a shared factor of 3 divided out), so the quotients need `width` bits.
        let v = Math.floor(rand() * 1e6);
        const column = ts.map((_, i) => {
          if (i > 0) v += 3 * (i === 1 ? 0 : i === 2 ? 2 ** width - 1 : Math.floor(rand() * 2 ** width));
          return v / scale;
        });
        const chunk = encodeChunk(ts, [column]);
        chunks.push({ chunk, column });
        const decoded = decodeChunk(chunk).columns[0]!;
        column.forEach((x, i) => expect(Object.is(decoded[i], x), `width ${width}, scale ${scale}, value ${i}`).toBe(true));
      }
    }
    const blob = new Uint8Array(chunks.reduce((n, c) => n + c.chunk.length, 0));
    let at = 0;
    for (const { chunk, column } of chunks) {
      blob.set(chunk, at);
      const view = blob.subarray(at, at + chunk.length);
      at += chunk.length;
      const decoded = decodeChunk(view);
      expect(Array.from(decoded.timestamps)).toEqual(ts);
      column.forEach((x, i) => expect(Object.is(decoded.columns[0]![i], x)).toBe(true));
    }
  });

  it('keeps values a decimal cannot carry exactly (-0, NaN, huge, many digits) bit for bit', () => {
    const ts = [1, 2, 3, 4, 5];
    for (const odd of [-0, NaN, Infinity, 2 ** 60, 1 / 3, 1e-13, 5e-324]) {
      const column = [0.5, 1.25, odd, 3, 4];
      const decoded = decodeChunk(encodeChunk(ts, [column])).columns[0]!;
      column.forEach((v, i) => expect(Object.is(decoded[i], v)).toBe(true));
    }
  });

  it('reads chunks of format 1 (samples interleaved, XOR only)', () => {
    // Written by the format-1 encoder: 4 samples, columns [0.5, 0.25, -3, 1e300] and [1, 1, 2, 2].
    const v1 = Uint8Array.from('010400024278bcfe568000003fe00000000000003ff0000000000000c2710d4166037ff784bfff07d183ebe3fe43c8800759c0'.match(/../g)!, (byte) => parseInt(byte, 16));
    const { timestamps, columns } = decodeChunk(v1);
    expect(Array.from(timestamps)).toEqual([1700000000000, 1700000010000, 1700000020000, 1700000031000]);
    expect(columns.map((c) => Array.from(c))).toEqual([[0.5, 0.25, -3, 1e300], [1, 1, 2, 2]]);
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
