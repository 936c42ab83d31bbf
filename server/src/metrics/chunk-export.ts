import type { Statement } from 'better-sqlite3';
import { chunkCount } from '../../../shared/metrics/chunk-codec.ts';
import type { Db } from '../db/database.ts';

/** Rows fetched per round; a round that runs out fetches the next. */
const FETCH = 512;

export interface ChunkExportPage {
  /** Whole chunks as stored (shared/metrics/chunk-codec.ts) and their series. */
  chunkSeriesIds: number[];
  chunks: Uint8Array[];
  /** Samples not in a chunk yet (the store's head), columnar. */
  seriesIds: number[];
  ts: number[];
  values: number[];
  /** Position of the last chunk or sample on the page, or `after` when the page is empty. */
  last: number;
  more: boolean;
}

/**
 * The sync export with chunks left as they are stored: the same samples, in the same
 * order and with the same cursor as `MetricsStore.exportAfter`, but nothing is decoded here
 * or formatted as numbers, so a desktop's full sync costs the server a read of its blobs.
 * Reads the store's tables (`metric_chunks`, `metric_head`) by their export positions.
 */
export class ChunkExport {
  readonly #chunks: Statement;
  readonly #head: Statement;

  constructor(db: Db) {
    this.#chunks = db.prepare('SELECT max_seq, series_id, data FROM metric_chunks WHERE max_seq > ? ORDER BY max_seq LIMIT ?').raw();
    this.#head = db.prepare('SELECT seq, series_id, ts, value FROM metric_head WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  }

  /** Up to about `limit` samples after position `after` (a page may run past it by less than one chunk). */
  after(after: number, limit: number): ChunkExportPage {
    const page: ChunkExportPage = { chunkSeriesIds: [], chunks: [], seriesIds: [], ts: [], values: [], last: after, more: false };
    const chunkFetch = Math.min(FETCH, Math.ceil(limit / 100) + 2);
    const headFetch = Math.min(FETCH, limit + 1);
    let chunks = this.#chunks.all(after, chunkFetch) as [number, number, Uint8Array][];
    let head = this.#head.all(after, headFetch) as [number, number, number, number][];
    let c = 0;
    let h = 0;
    let samples = 0;
    for (;;) {
      if (c === chunks.length && chunks.length === chunkFetch) {
        chunks = this.#chunks.all(chunks[c - 1]![0], chunkFetch) as [number, number, Uint8Array][];
        c = 0;
      }
      if (h === head.length && head.length === headFetch) {
        head = this.#head.all(head[h - 1]![0], headFetch) as [number, number, number, number][];
        h = 0;
      }
      const chunkSeq = c < chunks.length ? chunks[c]![0] : Infinity;
      const headSeq = h < head.length ? head[h]![0] : Infinity;
      if (chunkSeq === Infinity && headSeq === Infinity) break;
      if (samples >= limit) {
        page.more = true;
        break;
      }
      if (headSeq < chunkSeq) {
        const [seq, id, t, v] = head[h++]!;
        page.seriesIds.push(id);
        page.ts.push(t);
        page.values.push(v);
        page.last = seq;
        samples++;
        continue;
      }
      const [seq, id, data] = chunks[c++]!;
      page.chunkSeriesIds.push(id);
      page.chunks.push(data);
      page.last = seq;
      samples += chunkCount(data);
    }
    return page;
  }
}
