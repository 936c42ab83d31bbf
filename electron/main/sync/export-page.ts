import { Compile } from 'typebox/compile';
import { ExportChunksResponseSchema, ExportResponseSchema, type ExportResponse } from '../../../shared/api/metrics.ts';
import { AppError } from '../../../shared/errors.ts';
import { CHUNK_FORMAT_VERSION, chunkColumns, chunkCount } from '../../../shared/metrics/chunk-codec.ts';

/** One export page as the cache writes it, whichever route it came from. */
export interface SamplePage {
  series: ExportResponse['series'];
  /** Whole chunks (shared/metrics/chunk-codec.ts) of series `chunkSeriesIds[i]`; empty from `/metrics/export`. */
  chunkSeriesIds: ArrayLike<number>;
  chunks: Uint8Array[];
  /** Samples, columnar. */
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
  return { ...body, chunkSeriesIds: [], chunks: [] };
}

/**
 * A `/metrics/export/chunks` page; each chunk's header is checked (a format this version
 * reads, one value column, samples in it), its bytes are kept as they came.
 */
export function chunksExportPage(body: unknown): SamplePage {
  if (!chunksPage.Check(body) || body.chunkSeriesIds.length !== body.chunks.length || body.seriesIds.length !== body.timestamps.length || body.timestamps.length !== body.values.length) {
    throw malformed();
  }
  const chunks = body.chunks.map((text) => {
    const blob = Buffer.from(text, 'base64');
    if (blob.length < 12 || (blob[0] !== 1 && blob[0] !== CHUNK_FORMAT_VERSION) || chunkColumns(blob) !== 1 || chunkCount(blob) === 0) throw malformed();
    return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  });
  return { ...body, chunks };
}
