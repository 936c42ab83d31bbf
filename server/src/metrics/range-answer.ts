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
}

export interface RangeAnswer {
  /** The response body (`RangeResponseSchema`), as range-json.ts writes it. */
  json: Uint8Array;
  /** Per series of the task, the columns computed from its source (for the query cache); none for cached ones. */
  computed: Array<Pick<SeriesColumns, 'timestamps' | 'values'> | null>;
}

/** The task's cost in samples and points: decoding, bucketing and writing grow with it. */
export function taskSize(task: RangeTask): number {
  let n = 0;
  for (const s of task.series) n += s.source ? sourceSize(s.source) : s.cached!.timestamps.length;
  return n;
}

/** Computes the answer: the same code whether on the request thread or on a worker, so both write the same bytes. */
export function answerRange(task: RangeTask): RangeAnswer {
  const computed: RangeAnswer['computed'] = new Array(task.series.length).fill(null);
  const all = task.series.map((s, i): SeriesRangeColumns => {
    const ref = { id: s.id, name: s.name, labels: s.labels };
    if (s.cached) return { ...ref, resolution: s.resolution, ...s.cached, cached: true };
    const columns = answerColumns(s.source!, task.request, s.resolution);
    computed[i] = { timestamps: columns.timestamps, values: columns.values };
    return { ...ref, ...columns, cached: false };
  });
  return { json: writeRangeAnswer(all), computed };
}
