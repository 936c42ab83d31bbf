import { chunkCount, decodeChunkInto } from '../../../shared/metrics/chunk-codec.ts';
import type { Columns } from './chunk-table.ts';
import { lowerBound } from './chunk-cache.ts';

/**
 * A series' raw samples in a range as the database holds them, not yet decoded: the
 * compressed chunks that can hold samples of the range (in time order; the first and last
 * may reach outside it) and the uncompressed head samples in the range (newer than every
 * chunk). Reading this is the cheap part of a range query; decoding it is the expensive one,
 * which a range query may do on a worker thread (range-pool.ts).
 */
export interface RawChunks {
  chunks: Uint8Array[];
  headTs: Float64Array;
  headValues: Float64Array;
  /**
   * Every chunk of the series already decoded, in time order, when the range queries' chunk
   * cache holds them (chunk-cache.ts): `decodeRawInto` copies the range from these instead of
   * decoding `chunks`, which stay for counting and for a worker (the range pool drops this
   * before posting a task: it is the cache's memory).
   */
  decoded?: { ts: Float64Array; values: Float64Array };
}

/** A series' raw chunks as read, with its head samples as `[ts, value]` rows turned into columns. */
export function rawChunksOf(chunks: Uint8Array[], head: readonly (readonly [number, number])[]): RawChunks {
  const headTs = new Float64Array(head.length);
  const headValues = new Float64Array(head.length);
  for (let i = 0; i < head.length; i++) {
    headTs[i] = head[i]![0];
    headValues[i] = head[i]![1];
  }
  return { chunks, headTs, headValues };
}

/** Samples `raw` decodes to at most (before the range cuts the outer chunks). */
export function rawSampleCount(raw: RawChunks): number {
  let total = raw.headTs.length;
  for (const data of raw.chunks) total += chunkCount(data);
  return total;
}

/**
 * The samples of `raw` in [from, to), in time order, into `into` when it has room (its
 * columns are overwritten: a query's scratch space), otherwise into new columns.
 */
export function decodeRawInto(raw: RawChunks, from: number, to: number, into?: Columns): Columns {
  const total = rawSampleCount(raw);
  const out: Columns = into && into.ts.length >= total ? into : { ts: new Float64Array(total), values: new Float64Array(total), length: 0 };
  out.length = 0;
  if (raw.decoded) {
    // The samples of [from, to) are those of the chunks selected, already decoded.
    const { ts, values } = raw.decoded;
    const lo = lowerBound(ts, from);
    const hi = lowerBound(ts, to);
    out.ts.set(ts.subarray(lo, hi));
    out.values.set(values.subarray(lo, hi));
    out.length = hi - lo;
  } else decodeChunks(raw.chunks, from, to, out);
  out.ts.set(raw.headTs, out.length);
  out.values.set(raw.headValues, out.length);
  out.length += raw.headTs.length;
  return out;
}

/** Decodes `chunks` after `out.length`, keeping the samples in [from, to). */
function decodeChunks(chunks: readonly Uint8Array[], from: number, to: number, out: Columns): void {
  for (const data of chunks) {
    const at = out.length;
    const n = decodeChunkInto(data, out.ts, [out.values], at);
    // Only the first and last chunk can reach outside the range: drop what does.
    if (n > 0 && (out.ts[at]! < from || out.ts[at + n - 1]! >= to)) {
      let w = at;
      for (let i = at; i < at + n; i++) {
        const t = out.ts[i]!;
        if (t >= from && t < to) {
          out.ts[w] = t;
          out.values[w++] = out.values[i]!;
        }
      }
      out.length = w;
    } else out.length = at + n;
  }
}
