import type pg from 'pg';
import { chunkCount } from '../../../../shared/metrics/chunk-codec.ts';
import type { ChunkExportPage } from '../chunk-export.ts';
import type { Columns } from '../chunk-table.ts';
import { canonicalLabels, seriesKey, type Labels } from '../labels.ts';
import type { RetentionPolicy, RetentionResult } from '../retention.ts';
import type { RawChunks } from '../raw-chunks.ts';
import { HOUR_MS, MINUTE_MS, type RollupColumns } from '../rollups.ts';
import type { AppendResult, MetricsStorage } from '../storage.ts';
import { pushChunkSamples, sortDedupe, type ExportPage, type LatestSample, type Pending, type SampleBatch, type SeriesRef } from '../store.ts';
import { SeriesByName } from '../series-by-name.ts';
import { groupByTarget } from '../target.ts';
import { PgChunkRows, type SeriesWrite } from './chunk-rows.ts';
import { inTransaction, poolQuery, type Query } from './client.ts';
import { PgRollupWindows } from './rollup-windows.ts';

/** Chunk rows and head rows fetched per round while merging the export. */
const EXPORT_FETCH = 512;

/**
 * The embedded metrics store on PostgreSQL, shared by every replica: a sample acknowledged
 * by one replica is read, queried, exported and rolled up by all of them. Same tables and
 * chunk bytes as SQLite's `MetricsStore`.
 *
 * Writes take turns across the cluster: each first updates the one row of
 * `metric_export_state` (taking its row lock), which hands out the export positions of its
 * samples. So positions commit in order (an export cursor never passes a sample that
 * commits later), a series is created by one replica only, and the chunk and head of a
 * series are never rewritten by two replicas at once. The series catalogue is cached per
 * replica and topped up from the table (new series have higher ids, committed in order).
 */
export class PostgresMetricsStore implements MetricsStorage {
  readonly #pool: pg.Pool;
  readonly #query: Query;
  readonly #now: () => number;
  readonly #raw = new PgChunkRows('metric_chunks', 'metric_head');
  readonly #scores = new PgChunkRows('metric_score_chunks', 'metric_score_head');
  readonly #rollups = new PgRollupWindows((query, id, from, to) => this.#raw.read(query, id, from, to));
  readonly #byKey = new Map<string, SeriesRef>();
  readonly #byId = new Map<number, SeriesRef>();
  readonly #byName = new SeriesByName();
  #maxId = 0;
  #byTarget: Map<string, SeriesRef[]> | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(pool: pg.Pool, now: () => number = Date.now) {
    this.#pool = pool;
    this.#query = poolQuery(pool);
    this.#now = now;
  }

  /** Reads series created since the last look (by any replica) into the catalogue. */
  #refresh(query: Query = this.#query): Promise<void> {
    // Readers at the same moment share one statement.
    this.#refreshing ??= (async () => {
      try {
        const rows = await query<[number, string, string]>('SELECT id, name, labels FROM metric_series WHERE id > $1 ORDER BY id', [this.#maxId]);
        for (const [id, name, labels] of rows) this.#remember(Number(id), name, labels);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #remember(id: number, name: string, labelsJson: string): SeriesRef {
    const known = this.#byId.get(id);
    if (known) return known;
    const ref = { id, name, labels: JSON.parse(labelsJson) as Labels };
    this.#byKey.set(seriesKey(name, labelsJson), ref);
    this.#byId.set(id, ref);
    this.#byName.add(ref);
    if (id > this.#maxId) this.#maxId = id;
    this.#byTarget = undefined;
    return ref;
  }

  async append(batches: readonly SampleBatch[]): Promise<AppendResult> {
    let total = 0;
    for (const { samples, name } of batches) {
      for (const [ts, value] of samples) if (!Number.isFinite(value)) throw new RangeError(`${name}: sample values must be finite numbers (got ${value} at ${ts})`);
      total += samples.length;
    }
    return inTransaction(this.#pool, async (query) => {
      // The cluster-wide turn (see the class comment), and this append's positions.
      const turn = await query<[number]>('UPDATE metric_export_state SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq', [total]);
      const upTo = Number(turn[0]![0]);
      let seq = upTo - total;
      const after = seq;
      const refs = await this.#resolve(query, batches);
      const columns = new Map<number, Pending>();
      for (let b = 0; b < batches.length; b++) {
        const { samples } = batches[b]!;
        if (samples.length === 0) continue;
        const id = refs[b]!.id;
        let c = columns.get(id);
        if (!c) columns.set(id, (c = { ts: new Float64Array(0), values: new Float64Array(0), seqs: new Float64Array(0), length: 0, sorted: true }));
        grow(c, c.length + samples.length);
        for (const [ts, value] of samples) {
          const at = c.length++;
          if (at > 0 && ts <= c.ts[at - 1]!) c.sorted = false;
          c.ts[at] = ts;
          c.values[at] = value;
          c.seqs[at] = ++seq;
        }
      }
      const writes: SeriesWrite[] = [];
      for (const [id, c] of columns) {
        if (!c.sorted) sortDedupe(c);
        writes.push({ id, ts: c.ts, values: c.values, seqs: c.seqs, length: c.length });
      }
      await this.#raw.write(query, writes);
      if (writes.length > 0) {
        await query(
          `INSERT INTO metric_latest (series_id, ts, value) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[])
             ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, value = excluded.value WHERE excluded.ts >= metric_latest.ts`,
          [writes.map((w) => w.id), writes.map((w) => w.ts[w.length - 1]), writes.map((w) => w.values[w.length - 1])],
        );
      }
      return { series: refs, after, upTo };
    });
  }

  /** Each batch's series, created where new (inside the append's turn, so by one replica only). */
  async #resolve(query: Query, batches: readonly SampleBatch[]): Promise<SeriesRef[]> {
    const refs: SeriesRef[] = new Array(batches.length);
    const missing: number[] = [];
    const spelled: string[] = [];
    for (let b = 0; b < batches.length; b++) {
      const labelsJson = canonicalLabels(batches[b]!.labels);
      spelled[b] = labelsJson;
      const known = this.#byKey.get(seriesKey(batches[b]!.name, labelsJson));
      if (known) refs[b] = known;
      else missing.push(b);
    }
    if (missing.length === 0) return refs;
    await this.#refresh(query);
    const create = new Map<string, { name: string; labels: string }>();
    for (const b of missing) {
      const key = seriesKey(batches[b]!.name, spelled[b]!);
      const known = this.#byKey.get(key);
      if (known) refs[b] = known;
      else create.set(key, { name: batches[b]!.name, labels: spelled[b]! });
    }
    if (create.size > 0) {
      const items = [...create.values()];
      // Not remembered until the transaction commits: a rolled-back append leaves no series behind.
      const rows = await query<[number, string, string]>(
        `INSERT INTO metric_series (name, labels, created_at) SELECT name, labels, $3 FROM unnest($1::text[], $2::text[]) AS n(name, labels)
           RETURNING id, name, labels`,
        [items.map((i) => i.name), items.map((i) => i.labels), this.#now()],
      );
      const created = new Map(rows.map(([id, name, labels]) => [seriesKey(name, labels), { id: Number(id), name, labels: JSON.parse(labels) as Labels }]));
      for (const b of missing) refs[b] ??= created.get(seriesKey(batches[b]!.name, spelled[b]!))!;
    }
    return refs;
  }

  async lastSeq(): Promise<number> {
    const rows = await this.#query<[number]>('SELECT last_seq FROM metric_export_state WHERE id = 1');
    return Number(rows[0]![0]);
  }

  async seriesById(id: number): Promise<SeriesRef | undefined> {
    if (!this.#byId.has(id) && id > this.#maxId) await this.#refresh();
    return this.#byId.get(id);
  }

  async series(predicate?: (name: string, labels: Readonly<Labels>) => boolean): Promise<SeriesRef[]> {
    await this.#refresh();
    const all = [...this.#byId.values()];
    return predicate ? all.filter((s) => predicate(s.name, s.labels)) : all;
  }

  async seriesNamed(name: string, predicate?: (name: string, labels: Readonly<Labels>) => boolean): Promise<SeriesRef[]> {
    await this.#refresh();
    return this.#byName.named(name, predicate);
  }

  async seriesOfTarget(target: string): Promise<SeriesRef[]> {
    await this.#refresh();
    this.#byTarget ??= groupByTarget(this.#byId.values());
    return this.#byTarget.get(target) ?? [];
  }

  async latest(seriesIds: readonly number[]): Promise<Array<LatestSample | undefined>> {
    if (seriesIds.length === 0) return [];
    const rows = await this.#query<[number, number, number]>('SELECT series_id, ts, value FROM metric_latest WHERE series_id = ANY($1::bigint[])', [seriesIds]);
    const found = new Map(rows.map(([id, ts, value]) => [Number(id), { ts: Number(ts), value }]));
    return seriesIds.map((id) => found.get(id));
  }

  readColumns(seriesId: number, from: number, to: number): Promise<Columns> {
    return this.#raw.read(this.#query, seriesId, from, to);
  }

  /** What `readColumns` decodes: the chunks as stored and the head samples. */
  readRawChunks(seriesId: number, from: number, to: number): Promise<RawChunks> {
    return this.#raw.readChunks(this.#query, seriesId, from, to);
  }

  readFirst(seriesIds: readonly number[], afterTs: number, n: number): Promise<Columns[]> {
    if (seriesIds.length === 1) return this.#raw.readFirst(this.#query, seriesIds[0]!, afterTs, n).then((columns) => [columns]);
    // One snapshot for all of them: separate statements on the pool could see an append
    // that committed between them in one series and not in the other.
    return inTransaction(
      this.#pool,
      async (query) => {
        const out: Columns[] = [];
        for (const id of seriesIds) out.push(await this.#raw.readFirst(query, id, afterTs, n));
        return out;
      },
      { readOnly: true },
    );
  }

  readLast(seriesId: number, beforeTs: number, n: number): Promise<Columns> {
    return this.#raw.readLast(this.#query, seriesId, beforeTs, n);
  }

  readRollupColumns(resolution: '1m' | '1h', seriesId: number, from: number, to: number): Promise<RollupColumns> {
    // Stored and derived buckets in one snapshot, so retention moving a minute from one to
    // the other between two statements can neither drop nor double it.
    return inTransaction(this.#pool, (query) => (resolution === '1m' ? this.#rollups.minutes(query, seriesId, from, to) : this.#rollups.hours(query, seriesId, from, to)), { readOnly: true });
  }

  async setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): Promise<void> {
    const n = ts.length;
    if (n === 0) return;
    const c: Pending = { ts: Float64Array.from(ts), values: Float64Array.from(scores), seqs: new Float64Array(n), length: n, sorted: true };
    for (let i = 1; i < n && c.sorted; i++) if (c.ts[i]! <= c.ts[i - 1]!) c.sorted = false;
    if (!c.sorted) sortDedupe(c);
    await inTransaction(this.#pool, async (query) => {
      // Score writes take the same turn as appends: two replicas never rewrite one target's chunks at once.
      await query('SELECT last_seq FROM metric_export_state WHERE id = 1 FOR UPDATE');
      const id = await this.#targetId(query, target, true);
      await this.#scores.write(query, [{ id: id!, ts: c.ts, values: c.values, seqs: c.seqs, length: c.length }]);
    });
  }

  async #targetId(query: Query, target: string, create: boolean): Promise<number | undefined> {
    const rows = create
      ? await query<[number]>(
          `WITH made AS (INSERT INTO metric_score_targets (target) VALUES ($1) ON CONFLICT (target) DO NOTHING RETURNING id)
           SELECT id FROM made UNION ALL SELECT id FROM metric_score_targets WHERE target = $1`,
          [target],
        )
      : await query<[number]>('SELECT id FROM metric_score_targets WHERE target = $1', [target]);
    return rows.length > 0 ? Number(rows[0]![0]) : undefined;
  }

  async readScores(target: string, from: number, to: number): Promise<Columns> {
    const id = await this.#targetId(this.#query, target, false);
    if (id === undefined) return { ts: new Float64Array(0), values: new Float64Array(0), length: 0 };
    return this.#scores.read(this.#query, id, from, to);
  }

  async lastScoreTs(target: string): Promise<number | undefined> {
    const id = await this.#targetId(this.#query, target, false);
    if (id === undefined) return undefined;
    const last = await this.#scores.readLast(this.#query, id, Infinity, 1);
    return last.length > 0 ? last.ts[0] : undefined;
  }

  async exportAfter(after: number, limit: number, upTo = Infinity): Promise<ExportPage> {
    const page: ExportPage = { seqs: [], seriesIds: [], ts: [], values: [], more: false };
    let scratch: Columns = { ts: new Float64Array(256), values: new Float64Array(256), length: 0 };
    page.more = await this.#mergeExport(after, limit, upTo, {
      head: (seq, id, t, v) => {
        page.seqs.push(seq);
        page.seriesIds.push(id);
        page.ts.push(t);
        page.values.push(v);
        return 1;
      },
      chunk: (seq, id, data) => {
        const before = page.ts.length;
        scratch = pushChunkSamples(page, seq, id, data, scratch);
        return page.ts.length - before;
      },
    });
    return page;
  }

  async exportChunks(after: number, limit: number): Promise<ChunkExportPage> {
    const page: ChunkExportPage = { chunkSeriesIds: [], chunks: [], seriesIds: [], ts: [], values: [], last: after, more: false };
    page.more = await this.#mergeExport(after, limit, Infinity, {
      head: (seq, id, t, v) => {
        page.seriesIds.push(id);
        page.ts.push(t);
        page.values.push(v);
        page.last = seq;
        return 1;
      },
      chunk: (seq, id, data) => {
        page.chunkSeriesIds.push(id);
        page.chunks.push(data);
        page.last = seq;
        return chunkCount(data);
      },
    });
    return page;
  }

  /**
   * Chunks and head samples after `after` in position order, handed to `take` until about
   * `limit` samples (a chunk goes whole) or past `upTo`; whether more wait. One snapshot:
   * a chunk sealed from the head while the page is read is seen once, as the chunk or as
   * its samples, never lost between the two.
   */
  #mergeExport(after: number, limit: number, upTo: number, take: { head(seq: number, id: number, t: number, v: number): number; chunk(seq: number, id: number, data: Uint8Array): number }): Promise<boolean> {
    return inTransaction(
      this.#pool,
      async (query) => {
        const chunkFetch = Math.min(EXPORT_FETCH, Math.ceil(limit / 100) + 2);
        const headFetch = Math.min(EXPORT_FETCH, limit + 1);
        const fetchChunks = (from: number) => query<[number, number, Buffer]>('SELECT max_seq, series_id, data FROM metric_chunks WHERE max_seq > $1 ORDER BY max_seq LIMIT $2', [from, chunkFetch]);
        const fetchHead = (from: number) => query<[number, number, number, number]>('SELECT seq, series_id, ts, value FROM metric_head WHERE seq > $1 ORDER BY seq LIMIT $2', [from, headFetch]);
        let chunks = await fetchChunks(after);
        let head = await fetchHead(after);
        let c = 0;
        let h = 0;
        let samples = 0;
        for (;;) {
          if (c === chunks.length && chunks.length === chunkFetch) {
            chunks = await fetchChunks(Number(chunks[c - 1]![0]));
            c = 0;
          }
          if (h === head.length && head.length === headFetch) {
            head = await fetchHead(Number(head[h - 1]![0]));
            h = 0;
          }
          const chunkSeq = c < chunks.length ? Number(chunks[c]![0]) : Infinity;
          const headSeq = h < head.length ? Number(head[h]![0]) : Infinity;
          if (chunkSeq === Infinity && headSeq === Infinity) return false;
          if (Math.min(chunkSeq, headSeq) > upTo) return false;
          if (samples >= limit) return true;
          if (headSeq < chunkSeq) {
            const [, id, t, v] = head[h++]!;
            samples += take.head(headSeq, Number(id), Number(t), v);
          } else {
            const [, id, data] = chunks[c++]!;
            samples += take.chunk(chunkSeq, Number(id), data);
          }
        }
      },
      { readOnly: true },
    );
  }

  async enforceRetention(policy: RetentionPolicy, now: number): Promise<RetentionResult> {
    const cutoffs = { raw: now - policy.rawMs, minute: now - policy.minuteMs, hour: now - policy.hourMs };
    // Raw samples leave by whole minutes and minutes by whole hours, each stored one
    // resolution down in the same transaction (rollup-windows.ts).
    const rawCutoff = Math.floor(cutoffs.raw / MINUTE_MS) * MINUTE_MS;
    const minuteCutoff = Math.floor(cutoffs.minute / HOUR_MS) * HOUR_MS;
    const result: RetentionResult = { raw: 0, minute: 0, hour: 0 };
    for (const { id } of await this.series()) {
      // One series per transaction: a large store never holds the cluster's turn for long.
      const deleted = await inTransaction(this.#pool, async (query) => {
        await query('SELECT last_seq FROM metric_export_state WHERE id = 1 FOR UPDATE');
        await this.#rollups.materializeMinutes(query, id, rawCutoff);
        const raw = await this.#raw.deleteBefore(query, id, rawCutoff);
        await this.#rollups.materializeHours(query, id, minuteCutoff);
        const minute = await this.#rollups.deleteBefore(query, id, MINUTE_MS, minuteCutoff);
        const hour = await this.#rollups.deleteBefore(query, id, HOUR_MS, cutoffs.hour);
        return { raw, minute, hour };
      });
      result.raw += deleted.raw;
      result.minute += deleted.minute;
      result.hour += deleted.hour;
    }
    const targets = await this.#query<[number]>('SELECT id FROM metric_score_targets');
    for (const [id] of targets) {
      await inTransaction(this.#pool, async (query) => {
        await query('SELECT last_seq FROM metric_export_state WHERE id = 1 FOR UPDATE');
        await this.#scores.deleteBefore(query, Number(id), cutoffs.raw);
      });
    }
    return result;
  }
}

function grow(c: Pending, capacity: number): void {
  if (c.ts.length >= capacity) return;
  const size = Math.max(capacity, c.ts.length * 2);
  const ts = new Float64Array(size);
  const values = new Float64Array(size);
  const seqs = new Float64Array(size);
  ts.set(c.ts.subarray(0, c.length));
  values.set(c.values.subarray(0, c.length));
  seqs.set(c.seqs.subarray(0, c.length));
  c.ts = ts;
  c.values = values;
  c.seqs = seqs;
}
