import type { AnswerBuffers } from './answer-buffers.ts';
import { writeRangeAnswer } from './range-json.ts';
import { answerColumns, sourceSize, type RangeRequest, type SeriesColumns, type SeriesSource } from './range-query.ts';
import type { SeriesRangeColumns } from './service.ts';
import type { Resolution, SeriesRef } from './store.ts';

/** One series of a range answer: its source as read from the database, or its columns from the query cache. */
export interface RangeTaskSeries extends SeriesRef {
  resolution: Resolution;
  source?: SeriesSource;
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
}

export interface RangeAnswer {
  /** The response body (`RangeResponseSchema`), as range-json.ts writes it. */
  json: Uint8Array;
  /** Per series of the task, the columns computed from its source (for the query cache); none for cached ones. */
  computed: Array<Pick<SeriesColumns, 'timestamps' | 'values'> | null>;
  /** For an answer written into a lent buffer (on the request thread): gives it back; call once the bytes are sent. */
  release?: () => void;
}

/** The task's cost in samples and points: decoding, bucketing and writing grow with it. */
export function taskSize(task: RangeTask): number {
  let n = 0;
  for (const s of task.series) n += s.source ? sourceSize(s.source) : s.cached!.timestamps.length;
  return n;
}

/**
 * Computes the answer: the same code whether on the request thread or on a worker, so both
 * write the same bytes. `buffers` lends the buffer the JSON is written into (request thread).
 */
export function answerRange(task: RangeTask, buffers?: AnswerBuffers): RangeAnswer {
  if (task.packed) unpack(task, task.packed);
  const computed: RangeAnswer['computed'] = new Array(task.series.length).fill(null);
  const all = task.series.map((s, i): SeriesRangeColumns => {
    const ref = { id: s.id, name: s.name, labels: s.labels };
    if (s.cached) return { ...ref, resolution: s.resolution, ...s.cached, cached: true };
    const columns = answerColumns(s.source!, task.request, s.resolution);
    computed[i] = { timestamps: columns.timestamps, values: columns.values };
    return { ...ref, ...columns, cached: false };
  });
  return { json: writeRangeAnswer(all, buffers), computed };
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
