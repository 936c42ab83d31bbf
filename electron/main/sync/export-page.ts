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

const CURSOR = /^[0-9]{1,16}$/;

/**
 * A page as the answer to `after`, checked to move the pull forward: its cursor is the
 * decimal the export hands out, never behind the one asked with, and a page that says
 * `more` carries samples and a later cursor. A hostile or broken server answering "more"
 * with the same, an earlier or an empty page would otherwise keep the sync asking for ever.
 */
export function advancingPage(after: string | null, page: SamplePage): SamplePage {
  const cursorOk = CURSOR.test(page.cursor) && (after === null || BigInt(page.cursor) >= BigInt(after));
  const moved = after === null || BigInt(page.cursor) > BigInt(after);
  const carries = page.chunks.length > 0 || page.timestamps.length > 0;
  if (!cursorOk || (page.more && !(moved && carries))) {
    throw new AppError('E_INTERNAL', 'The server sent an export page that does not move its cursor forward; the sync stopped at the last good page.');
  }
  return page;
}
