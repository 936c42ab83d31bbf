import { Compile } from 'typebox/compile';
import { ExportChunksResponseSchema, ExportResponseSchema, type ExportResponse } from '../../../shared/api/metrics.ts';
import { AppError } from '../../../shared/errors.ts';
import { chunkColumns, chunkCount, decodeChunkInto } from '../../../shared/metrics/chunk-codec.ts';

/** One export page as the cache writes it: samples columnar, whichever route it came from. */
export interface SamplePage {
  series: ExportResponse['series'];
  seriesIds: ArrayLike<number>;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
  cursor: string;
  more: boolean;
}

const columnsPage = Compile(ExportResponseSchema);
const chunksPage = Compile(ExportChunksResponseSchema);
const malformed = () => new AppError('E_INTERNAL', 'The server sent a malformed export page.');

/** A `/metrics/export` page, checked against the contract before a row is written. */
export function columnsExportPage(body: unknown): SamplePage {
  // The columns must line up as well; a schema cannot say that.
  if (!columnsPage.Check(body) || body.seriesIds.length !== body.timestamps.length || body.timestamps.length !== body.values.length) throw malformed();
  return body;
}

/**
 * A `/metrics/export/chunks` page, its chunks decoded (each checked: known format, one
 * value column, the count its header says) and followed by the head samples.
 */
export function chunksExportPage(body: unknown): SamplePage {
  if (!chunksPage.Check(body) || body.chunkSeriesIds.length !== body.chunks.length || body.seriesIds.length !== body.timestamps.length || body.timestamps.length !== body.values.length) {
    throw malformed();
  }
  const blobs = body.chunks.map((text) => Buffer.from(text, 'base64'));
  let total = body.timestamps.length;
  for (const blob of blobs) {
    if (blob.length < 4 || chunkColumns(blob) !== 1 || chunkCount(blob) === 0) throw malformed();
    total += chunkCount(blob);
  }
  const seriesIds = new Float64Array(total);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < blobs.length; i++) {
    let n: number;
    try {
      n = decodeChunkInto(blobs[i]!, timestamps, [values], at);
    } catch {
      throw malformed();
    }
    seriesIds.fill(body.chunkSeriesIds[i]!, at, at + n);
    at += n;
  }
  seriesIds.set(body.seriesIds, at);
  timestamps.set(body.timestamps, at);
  values.set(body.values, at);
  return { series: body.series, seriesIds, timestamps, values, cursor: body.cursor, more: body.more };
}
