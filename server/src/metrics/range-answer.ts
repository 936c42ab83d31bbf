import { RangeAnswerWriter, seriesBytes } from './range-json.ts';
import { answerColumns, sourceSize, type RangeRequest, type SeriesColumns, type SeriesSource } from './range-query.ts';
import type { Resolution, SeriesRef } from './store.ts';

/** One series of a range answer: its source as read from the database, or its columns from the query cache. */
export interface RangeTaskSeries extends SeriesRef {
  resolution: Resolution;
  source?: SeriesSource;
  /**
   * With `source`: false when the query cache will not keep this series' columns (an answer
   * asked for the first time, query-cache.ts `admit`), so none are made: the JSON is written
   * from scratch space and `RangeAnswer.computed` has null for it. Default true.
   */
  keep?: boolean;
  cached?: { timestamps: Float64Array; values: Float64Array };
}

/** A whole range answer to compute: what the request thread hands a worker (or computes itself when small). */
export interface RangeTask {
  request: RangeRequest;
  series: RangeTaskSeries[];
  /**
   * Sent to a worker: every raw chunk of the task in one buffer, the series' `chunks` left
   * empty and `chunkEnds` saying where each of its chunks ends. Thousands of chunk views
   * cloned one by one cost the request thread more than the copy (a 50-series day has 3,600).
   */
  packed?: { bytes: ArrayBuffer; chunkEnds: Uint32Array; chunksPerSeries: Uint32Array };
  /** Sent to a worker: a kept buffer to write the JSON into (answer-buffers.ts), moved there and back. */
  lent?: ArrayBuffer;
}

export interface RangeAnswer {
  /** The response body (`RangeResponseSchema`), as range-json.ts writes it. */
  json: Uint8Array;
  /** Per series of the task, the columns computed from its source (for the query cache); none for cached ones. */
  computed: Array<Pick<SeriesColumns, 'timestamps' | 'values'> | null>;
  /** Set by the range pool: gives the buffer `json` is a view of back to its kept buffers; call once nothing reads `json` (the response has finished). */
  release?: () => void;
}

/** The task's cost in samples and points: decoding, bucketing and writing grow with it. */
export function taskSize(task: RangeTask): number {
  let n = 0;
  for (const s of task.series) n += s.source ? sourceSize(s.source) : s.cached!.timestamps.length;
  return n;
}

/**
 * The JSON of the task's answer takes at most this many bytes (the writer's own estimate,
 * before the points are known): every series gives at most `maxPoints` points, and no more
 * than the samples or buckets it is computed from.
 */
export function answerBytesAtMost(task: RangeTask): number {
  let bytes = 16;
  for (const s of task.series) {
    const size = s.source ? sourceSize(s.source) : s.cached!.timestamps.length;
    bytes += seriesBytes(s.name, Math.min(size, s.cached ? size : task.request.maxPoints));
  }
  return bytes;
}

/**
 * Computes the answer: the same code whether on the request thread or on a worker, so both
 * write the same bytes. `lend` may lend the buffer the JSON is written into (the request
 * thread's kept buffers); on a worker, the task's `lent` buffer is used when it is large enough.
 */
export function answerRange(task: RangeTask, lend?: (bytes: number) => Buffer | undefined): RangeAnswer {
  const lent = task.lent;
  if (lent) lend = (bytes) => (lent.byteLength >= bytes ? Buffer.from(lent) : undefined);
  if (task.packed) unpack(task, task.packed);
  const computed: RangeAnswer['computed'] = new Array(task.series.length).fill(null);
  const bytes = answerBytesAtMost(task);
  const writer = new RangeAnswerWriter(bytes, lend?.(bytes));
  // Each series is written as soon as it is computed: columns not kept are views of this
  // thread's scratch space, which the next series overwrites.
  task.series.forEach((s, i) => {
    const ref = { id: s.id, name: s.name, labels: s.labels };
    if (s.cached) {
      writer.series({ ...ref, resolution: s.resolution, ...s.cached, cached: true });
      return;
    }
    const keep = s.keep !== false;
    const columns = answerColumns(s.source!, task.request, s.resolution, keep);
    if (keep) computed[i] = { timestamps: columns.timestamps, values: columns.values };
    writer.series({ ...ref, ...columns, cached: false });
  });
  return { json: writer.done(), computed };
}

/** Points the task's raw sources at their chunks in the packed buffer (see `RangeTask.packed`). */
function unpack(task: RangeTask, packed: NonNullable<RangeTask['packed']>): void {
  let chunk = 0;
  let at = 0;
  task.series.forEach((s, i) => {
    if (s.source?.kind !== 'raw') return;
    const chunks = new Array<Uint8Array>(packed.chunksPerSeries[i]!);
    for (let c = 0; c < chunks.length; c++, chunk++) {
      const end = packed.chunkEnds[chunk]!;
      chunks[c] = new Uint8Array(packed.bytes, at, end - at);
      at = end;
    }
    s.source.raw.chunks = chunks;
  });
}
