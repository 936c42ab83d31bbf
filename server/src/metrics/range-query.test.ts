import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { CHUNK_SAMPLES, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import { lttbIndices } from '../../../shared/metrics/lttb.ts';
import { AGGREGATIONS, answerColumns, type Aggregation, type RangeRequest } from './range-query.ts';
import { rawChunksOf } from './raw-chunks.ts';

const T0 = Date.UTC(2026, 0, 1);

/** Irregular samples with repeats, negatives, NaN and long decimals: what a bucket can get wrong. */
function samples(seed: number, n: number): { ts: Float64Array; values: Float64Array } {
  const random = createRandom(seed).next;
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(random() * 15_000);
    ts[i] = t;
    const r = random();
    values[i] = i % 97 === 5 ? Number.NaN : i % 3 === 0 ? Math.round(r * 1000) / 1000 : (r - 0.5) * 1e6;
  }
  return { ts, values };
}

/** The answer as a plain reading of the API: buckets by `floor(ts / step) * step`, a running aggregate, LTTB over them. */
function reference(ts: Float64Array, values: Float64Array, request: RangeRequest): { timestamps: number[]; values: number[] } {
  const pts: [number, number][] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i]! >= request.from && ts[i]! <= request.to) pts.push([ts[i]!, values[i]!]);
  let out: [number, number][] = [];
  if (!request.step) out = pts.map(([t, v]) => [t, request.agg === 'count' ? 1 : v]);
  else {
    let acc = 0;
    let count = 0;
    let bucket = Number.NaN;
    const flush = () => count > 0 && out.push([bucket, request.agg === 'avg' ? acc / count : request.agg === 'count' ? count : acc]);
    for (const [t, v] of pts) {
      const b = Math.floor(t / request.step) * request.step;
      if (b !== bucket) {
        flush();
        bucket = b;
        acc = v;
        count = 1;
        continue;
      }
      count++;
      const agg: Aggregation = request.agg;
      if (agg === 'avg' || agg === 'sum') acc += v;
      else if (agg === 'min') acc = v < acc ? v : acc;
      else if (agg === 'max') acc = v > acc ? v : acc;
      else if (agg === 'last') acc = v;
    }
    flush();
  }
  if (out.length > request.maxPoints) {
    const keep = lttbIndices(out.map((p) => p[0]), out.map((p) => p[1]), request.maxPoints);
    out = Array.from(keep, (i) => out[i]!);
  }
  return { timestamps: out.map((p) => p[0]), values: out.map((p) => p[1]) };
}

describe('answerColumns (raw)', () => {
  it('buckets, counts and downsamples as the plain reading does, whatever the previous answer left in the scratch columns', () => {
    const { ts, values } = samples(7, 5_000);
    const full = ts.length - (ts.length % CHUNK_SAMPLES) - CHUNK_SAMPLES;
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < full; at += CHUNK_SAMPLES) chunks.push(encodeChunk(ts, [values], at, at + CHUNK_SAMPLES));
    const head = Array.from(ts.subarray(full), (t, i) => [t, values[full + i]!] as const);
    const last = ts[ts.length - 1]!;
    const requests: RangeRequest[] = [];
    // Large answers then small ones: a small answer must not show what a large one left behind.
    for (const [from, to] of [[T0, last], [ts[1234]! + 1, ts[4321]!], [ts[10]!, ts[40]!], [ts[4990]!, last + 5]]) {
      for (const agg of AGGREGATIONS) {
        for (const step of [undefined, 1, 45_000, 600_000, 86_400_000]) {
          for (const maxPoints of [100_000, 700, 3]) requests.push({ from: from!, to: to!, step, agg, maxPoints });
        }
      }
    }
    for (const request of requests) {
      // As the stores read it: every chunk that may overlap, the head samples in the range.
      const inRange = head.filter(([t]) => t >= request.from && t <= request.to);
      const got = answerColumns({ kind: 'raw', raw: rawChunksOf([...chunks], inRange) }, request, 'raw');
      const want = reference(ts, values, request);
      expect(got.timestamps).toBeInstanceOf(Float64Array);
      expect({ timestamps: Array.from(got.timestamps), values: Array.from(got.values) }, JSON.stringify(request)).toEqual(want);
      // Exactly sized and the answer's own: the query cache keeps it, a worker moves its buffer.
      expect(got.timestamps.buffer.byteLength).toBe(want.timestamps.length * 8);
      expect(got.values.buffer.byteLength).toBe(want.values.length * 8);
    }
  });
});
