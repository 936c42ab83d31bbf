/**
 * `npm run bench:store`: the metrics store against plain better-sqlite3, in one run.
 *  - ingest: 1,000,000 samples over 1,000 series in batches of 10,000 (10 time steps of
 *    every series), through MetricsStore.append (compressed chunks + head), beside the
 *    fastest plain batched insert into a row-per-sample table (the store's previous schema;
 *    one-row and multi-row prepared statements; the best is the baseline). Target: ratio >= 0.7. Wall-clock and CPU-time figures both.
 *  - range query: one series over 24 h at 10 s (8,640 points) out of 100 such series,
 *    uncached, p50/p99 ms (target p50 < 5 ms); and the same through the query cache.
 *  - downsampling 1,000,000 points to 2,000 with our LTTB (target < 30 ms), beside the
 *    `downsample` package's LTTB.
 *  - PostgreSQL (issue 16), beside SQLite in the same run: the same store on a throw-away
 *    PostgreSQL on loopback (Debian's package; skipped with the reason where missing):
 *    ingest of the first BENCH_PG_SHARE (0.2) of the batches through the store, and the
 *    same range queries through the service.
 * The last line printed is one JSON object with every figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LTTB } from 'downsample';
import { openDatabase, type Db } from '../server/src/db/database.ts';
import { MetricsStore, type SampleBatch } from '../server/src/metrics/store.ts';
import { MetricsService } from '../server/src/metrics/service.ts';
import { queryRange } from '../server/src/metrics/range-query.ts';
import { EventBus } from '../server/src/events/bus.ts';
import { databaseSettings } from '../server/src/db/database-url.ts';
import { migratePostgres } from '../server/src/db/sql/migrate.ts';
import { openSqlDatabase } from '../server/src/db/sql/open.ts';
import { PostgresMetricsStore } from '../server/src/metrics/postgres/store.ts';
import { postgresUnavailable, startTestPostgres } from '../server/src/testing/postgres.ts';
import { lttbIndices } from '../shared/metrics/lttb.ts';

const T0 = Date.UTC(2026, 0, 1);
const SERIES = 1000;
const STEPS = 1000;
const STEPS_PER_BATCH = 10;
const ROUNDS = 3;
/** Share of the ingest batches also written to PostgreSQL (`BENCH_PG_SHARE`, 0–1): the whole million takes a while there. */
const PG_INGEST_SHARE = Number(process.env.BENCH_PG_SHARE ?? 0.2);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-bench-store-'));
let dbCounter = 0;
function freshDb(): { db: Db; file: string } {
  const file = path.join(workDir, `bench-${dbCounter++}.db`);
  return { db: openDatabase(file), file };
}
function removeDb(db: Db, file: string): void {
  db.close();
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

/** Batches as the collector or the ingest API hand them over: per series, several time steps. */
function makeBatches(): SampleBatch[][] {
  const batches: SampleBatch[][] = [];
  for (let step = 0; step < STEPS; step += STEPS_PER_BATCH) {
    const batch: SampleBatch[] = [];
    for (let s = 0; s < SERIES; s++) {
      const samples: [number, number][] = [];
      for (let k = step; k < step + STEPS_PER_BATCH; k++) samples.push([T0 + k * 10_000, Math.sin(k / 30 + s) * 50 + 50]);
      batch.push({ name: 'bench_metric', labels: { host: `host-${s % 50}`, series: String(s) }, samples });
    }
    batches.push(batch);
  }
  return batches;
}

function timeIt(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** CPU time (user + system) of this process, ms: steadier than wall time on a busy machine. */
function cpuTimeIt(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

interface Timing {
  wall: number;
  cpu: number;
}

function measure(fn: () => void): Timing {
  let wall = 0;
  const cpu = cpuTimeIt(() => {
    wall = timeIt(fn);
  });
  return { wall, cpu };
}

function ingestOurs(batches: SampleBatch[][]): Timing & { rollupMs: number } {
  const { db, file } = freshDb();
  const store = new MetricsStore(db);
  const timing = measure(() => {
    for (const batch of batches) store.append(batch);
  });
  const rollupMs = timeIt(() => store.flushRollups());
  removeDb(db, file);
  return { ...timing, rollupMs };
}

/** Plain better-sqlite3 into a row-per-sample table, series ids known up front: no store logic at all. */
function ingestBaseline(batches: SampleBatch[][], rowsPerStatement: number): Timing {
  const { db, file } = freshDb();
  db.exec(`CREATE TABLE bench_samples (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (series_id, ts)) WITHOUT ROWID; CREATE INDEX bench_samples_seq ON bench_samples (seq, value);`);
  const seriesIds = new Map<string, number>();
  const insertSeries = db.prepare('INSERT INTO metric_series (name, labels, created_at) VALUES (?, ?, 0)');
  for (const b of batches[0]!) seriesIds.set(b.labels.series!, Number(insertSeries.run(b.name, JSON.stringify(b.labels)).lastInsertRowid));
  const one = db.prepare('INSERT INTO bench_samples (series_id, ts, value, seq) VALUES (?, ?, ?, ?)');
  const many = db.prepare(`INSERT INTO bench_samples (series_id, ts, value, seq) VALUES ${Array(rowsPerStatement).fill('(?, ?, ?, ?)').join(', ')}`);
  let seq = 0;
  const write = db.transaction((batch: SampleBatch[]) => {
    const args: number[] = [];
    for (const b of batch) {
      const id = seriesIds.get(b.labels.series!)!;
      for (const [ts, value] of b.samples) {
        if (rowsPerStatement === 1) one.run(id, ts, value, ++seq);
        else {
          args.push(id, ts, value, ++seq);
          if (args.length === rowsPerStatement * 4) {
            many.run(args);
            args.length = 0;
          }
        }
      }
    }
    for (let i = 0; i < args.length; i += 4) one.run(args[i], args[i + 1], args[i + 2], args[i + 3]);
  });
  const timing = measure(() => {
    for (const batch of batches) write(batch);
  });
  removeDb(db, file);
  return timing;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

// --- ingest -------------------------------------------------------------------------
// Rounds interleave the variants (in a rotating order) and each keeps its best run, so a
// burst of load from other processes does not decide the ratio. CPU time is reported
// beside wall time: on a shared machine it is the steadier of the two.
const batches = makeBatches();
const total = SERIES * STEPS;
const variants: Record<string, () => Timing & { rollupMs?: number }> = {
  ours: () => ingestOurs(batches),
  'baseline, one row per statement': () => ingestBaseline(batches, 1),
  'baseline, 50 rows per statement': () => ingestBaseline(batches, 50),
};
const best: Record<string, Timing> = {};
let rollupMs = Infinity;
const names = Object.keys(variants);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length]!;
    const timing = variants[name]!();
    if (timing.rollupMs !== undefined) rollupMs = Math.min(rollupMs, timing.rollupMs);
    const previous = best[name] ?? { wall: Infinity, cpu: Infinity };
    best[name] = { wall: Math.min(previous.wall, timing.wall), cpu: Math.min(previous.cpu, timing.cpu) };
    console.log(`round ${round + 1} ${name}: ${Math.round(timing.wall)} ms wall, ${Math.round(timing.cpu)} ms CPU`);
  }
}
const baselines = names.filter((n) => n !== 'ours');
const fastestBaseline = baselines.reduce((a, b) => (best[a]!.wall <= best[b]!.wall ? a : b));
const baselineCpu = Math.min(...baselines.map((n) => best[n]!.cpu));
const perSecond = (ms: number) => Math.round((total / ms) * 1000);
const ingest = {
  samples: total,
  oursSamplesPerSecond: perSecond(best.ours!.wall),
  baselineSamplesPerSecond: perSecond(best[fastestBaseline]!.wall),
  baselineVariant: fastestBaseline,
  ratio: round3(best[fastestBaseline]!.wall / best.ours!.wall),
  oursSamplesPerCpuSecond: perSecond(best.ours!.cpu),
  baselineSamplesPerCpuSecond: perSecond(baselineCpu),
  cpuRatio: round3(baselineCpu / best.ours!.cpu),
  rollupFlushMs: Math.round(rollupMs),
};
console.log('ingest', ingest);

// --- range query ----------------------------------------------------------------------
const QUERY_SERIES = 100;
const DAY_POINTS = 8640;
const request = { from: T0, to: T0 + 86_400_000 - 1, agg: 'avg' as const, maxPoints: 10_000 };

/** A day of QUERY_SERIES series at 10 s, through the service (the path the API takes). */
async function loadDay(service: MetricsService): Promise<void> {
  for (let k = 0; k < DAY_POINTS; k += 60) {
    const batch: SampleBatch[] = [];
    for (let s = 0; s < QUERY_SERIES; s++) {
      const samples: [number, number][] = [];
      for (let j = k; j < k + 60; j++) samples.push([T0 + j * 10_000, Math.random() * 100]);
      batch.push({ name: 'bench_day', labels: { series: String(s) }, samples });
    }
    await service.storage.append(batch);
  }
}

/** p50/p99 of uncached one-series day queries (wall and this process's CPU), and of cached ones. */
async function rangeQueryFigures(service: MetricsService) {
  const series = await service.findSeries('bench_day');
  const uncached: number[] = [];
  const uncachedCpu: number[] = [];
  for (let i = 0; i < 300; i++) {
    const ref = series[i % QUERY_SERIES]!;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const points = await queryRange(service.storage, ref.id, request, 'raw');
    const cpu = process.cpuUsage(cpuStart);
    uncached.push(performance.now() - start);
    uncachedCpu.push((cpu.user + cpu.system) / 1000);
    if (points.timestamps.length !== DAY_POINTS) throw new Error(`expected ${DAY_POINTS} points, got ${points.timestamps.length}`);
  }
  for (const list of [uncached, uncachedCpu]) {
    list.splice(0, 20);
    list.sort((a, b) => a - b);
  }
  const cached: number[] = [];
  for (let i = 0; i < 300; i++) {
    const ref = series[i % 10]!;
    const start = performance.now();
    await service.queryRange([ref], request);
    cached.push(performance.now() - start);
  }
  cached.splice(0, 20);
  cached.sort((a, b) => a - b);
  return {
    points: DAY_POINTS,
    p50Ms: round3(percentile(uncached, 50)),
    p99Ms: round3(percentile(uncached, 99)),
    cpuP50Ms: round3(percentile(uncachedCpu, 50)),
    cachedP50Ms: round3(percentile(cached, 50)),
    cachedP99Ms: round3(percentile(cached, 99)),
  };
}

const { db: queryDb, file: queryFile } = freshDb();
const service = new MetricsService({ db: queryDb, events: new EventBus(), now: () => T0 + 86_400_000 });
await loadDay(service);
const rangeQuery = await rangeQueryFigures(service);
service.close();
removeDb(queryDb, queryFile);
console.log('range query', rangeQuery);

// --- PostgreSQL ---------------------------------------------------------------------------
// The same store on PostgreSQL (what replicas share), on a throw-away server on loopback:
// ingest of the same batches through the store, and the same range queries.
async function postgresFigures() {
  const missing = postgresUnavailable();
  if (missing) {
    console.log(`PostgreSQL skipped: ${missing}`);
    return { skipped: missing };
  }
  const server = await startTestPostgres();
  try {
    const open = async (name: string) => {
      const url = await server.createDatabase(name);
      const { db: sqlite, file } = freshDb();
      const sql = openSqlDatabase(databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: url }, workDir), sqlite);
      await migratePostgres(sql);
      return { sql, sqlite, file };
    };
    const ingestDb = await open('bench_store_ingest');
    const store = new PostgresMetricsStore(ingestDb.sql.pool!);
    const pgBatches = batches.slice(0, Math.max(1, Math.round(batches.length * PG_INGEST_SHARE)));
    const samples = pgBatches.reduce((n, batch) => n + batch.reduce((m, b) => m + b.samples.length, 0), 0);
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (const batch of pgBatches) await store.append(batch);
    const wall = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    await ingestDb.sql.close();
    removeDb(ingestDb.sqlite, ingestDb.file);
    const pgIngest = {
      samples,
      samplesPerSecond: Math.round((samples / wall) * 1000),
      clientSamplesPerCpuSecond: Math.round((samples / ((cpu.user + cpu.system) / 1000)) * 1000),
      ratioToSqlite: round3(samples / wall / (total / best.ours!.wall)),
    };
    console.log('PostgreSQL ingest', pgIngest);
    const queryPg = await open('bench_store_query');
    const pgService = new MetricsService({ db: queryPg.sqlite, sql: queryPg.sql, events: new EventBus(), now: () => T0 + 86_400_000 });
    await loadDay(pgService);
    const pgRange = await rangeQueryFigures(pgService);
    pgService.close();
    await queryPg.sql.close();
    removeDb(queryPg.sqlite, queryPg.file);
    console.log('PostgreSQL range query', pgRange, `p50 ${round3(pgRange.p50Ms / rangeQuery.p50Ms)}× SQLite's`);
    return { ingest: pgIngest, rangeQuery: pgRange };
  } finally {
    await server.stop();
  }
}
const postgres = await postgresFigures();

// --- downsampling ----------------------------------------------------------------------
const N = 1_000_000;
const xs = new Array<number>(N);
const ys = new Array<number>(N);
for (let i = 0; i < N; i++) {
  xs[i] = T0 + i * 10_000;
  ys[i] = Math.sin(i / 1000) * 10 + Math.random();
}
const oursTimes: number[] = [];
const oursCpu: number[] = [];
for (let i = 0; i < 20; i++) {
  const timing = measure(() => lttbIndices(xs, ys, 2000));
  oursTimes.push(timing.wall);
  oursCpu.push(timing.cpu);
}
const tuples = xs.map((x, i) => [x, ys[i]!] as [number, number]);
const libraryTimes: number[] = [];
for (let i = 0; i < 5; i++) libraryTimes.push(timeIt(() => LTTB(tuples, 2000)));
for (const list of [oursTimes, oursCpu, libraryTimes]) list.sort((a, b) => a - b);
const downsampling = {
  points: N,
  to: 2000,
  oursMs: round3(percentile(oursTimes, 50)),
  oursMinMs: round3(oursTimes[0]!),
  oursCpuMs: round3(percentile(oursCpu, 50)),
  downsamplePackageMs: round3(percentile(libraryTimes, 50)),
};
console.log('downsampling', downsampling);

fs.rmSync(workDir, { recursive: true, force: true });
const result = {
  bench: 'store',
  ingest,
  rangeQuery,
  downsampling,
  postgres,
  targets: { ingestRatioAtLeast: 0.7, rangeQueryP50UnderMs: 5, downsamplingUnderMs: 30 },
  pass: ingest.ratio >= 0.7 && rangeQuery.p50Ms < 5 && downsampling.oursMs < 30,
  loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
};
console.log(JSON.stringify(result));
