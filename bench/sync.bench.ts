/**
 * `npm run bench:sync`: the desktop cache's sync from a real server on loopback.
 *
 * Seeds a fresh server data folder (through the server's own store, outside the timed part)
 * with the data set of `bench:peer` (bench/peer-data.ts: 200 node_exporter-like series × 24 h
 * at 10 s, 1,728,000 samples), in time order, one hour of every series per transaction as
 * collectors produce it, starts the real server on it in its own process, as in production,
 * then:
 *   - baseline: the same export pages fetched and parsed, written nowhere (network + JSON);
 *   - full sync into a fresh cache file (fetch, parse, chunk encoding, SQLite writes, cursor
 *     per page), against the target of 3 s;
 *   - the cache file's bytes per sample, against 2× Prometheus's on the same samples
 *     (Debian's `promtool tsdb create-blocks-from openmetrics`, as `bench:peer` loads it;
 *     without promtool the issue's low figure for Prometheus, 1.3 B/sample, stands in);
 *   - incremental sync after one more minute of data (1,200 samples), five rounds, median
 *     (after a warm-up minute that lets the server train its per-host anomaly models);
 *   - budget upkeep: the age limit evicting the oldest hour of every series;
 *   - migration: the same samples in a row-per-sample cache file (schema 3), opened and
 *     moved into chunks.
 * Prints figures, then one JSON object on the last line. Env: BENCH_PAGE.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../server/src/db/database.ts';
import { MetricsStore, type SampleBatch } from '../server/src/metrics/store.ts';
import type { AnomalyStatus } from '../shared/api/anomaly.ts';
import type { Transport } from '../shared/api/client.ts';
import type { ExportResponse } from '../shared/api/metrics.ts';
import { openCacheDatabase } from '../electron/main/cache/cache-database.ts';
import { openLocalCache } from '../electron/main/cache/local-cache.ts';
import { CACHE_MIGRATIONS } from '../electron/main/cache/migrations.ts';
import { SyncEngine } from '../electron/main/sync/sync-engine.ts';
import type { StreamSource } from '../electron/main/sync/stream-source.ts';
import { fetchTransport } from '../electron/main/testing/fetch-transport.ts';
import { freePort, ServerProcess } from '../electron/main/testing/server-process.ts';
import { dirBytes, which } from './support/processes.ts';
import { generateSeries, HOSTS, INTERVAL_MS, openMetricsLines, POINTS } from './peer-data.ts';

const PAGE = Number(process.env.BENCH_PAGE ?? 50_000);
const STEP = INTERVAL_MS;
const HOUR = 3_600_000;
const INCREMENTAL_ROUNDS = 5;
/** Issue 14's targets for the desktop cache. */
const TARGET_FULL_SYNC_SECONDS = 3;
const TARGET_BYTES_VS_PROMETHEUS = 2;
/** The low end of what Prometheus stores on such data (issue 14), when promtool is not installed. */
const PROMETHEUS_REFERENCE_BPS = 1.3;

const noStream: StreamSource = { connect: () => ({ close: () => {} }) };

const data = generateSeries();
const SERIES = data.length;

/** Samples of every series in [fromTs, toTs); past the data set's day its values repeat. */
function batches(start: number, fromTs: number, toTs: number): SampleBatch[] {
  return data.map((series) => {
    const samples: [number, number][] = [];
    for (let ts = fromTs; ts < toTs; ts += STEP) samples.push([ts, series.values[((ts - start) / STEP) % POINTS]!]);
    return { name: series.name, labels: series.labels, samples };
  });
}

/** Prometheus's bytes per sample on the same data (its TSDB blocks, written by promtool), or undefined without promtool. */
function prometheusBytesPerSample(work: string, start: number): number | undefined {
  const promtool = which('promtool');
  if (!promtool) return undefined;
  const omFile = path.join(work, 'data.om');
  const fd = fs.openSync(omFile, 'w');
  for (const text of openMetricsLines(data, start)) fs.writeSync(fd, text);
  fs.closeSync(fd);
  const blocks = path.join(work, 'prometheus');
  execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', omFile, blocks], { stdio: 'ignore' });
  fs.rmSync(omFile);
  const bytes = dirBytes(blocks);
  fs.rmSync(blocks, { recursive: true, force: true });
  return bytes / (SERIES * POINTS);
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(2));

/** Waits (up to 3 min) until every host has an active model and the training queue is empty; returns ms waited. */
async function waitForAnomalyTraining(transport: Transport): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 180_000) {
    const status = (await transport({ method: 'GET', path: '/api/v1/anomaly/status' })) as AnomalyStatus;
    if (status.targets.length >= HOSTS && status.targets.every((t) => t.activeModelId !== null) && status.pool.queueSize === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return performance.now() - started;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-bench-sync-'));
const server = new ServerProcess(path.join(dir, 'server'), await freePort());
try {
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - POINTS * STEP;
  const seedStarted = performance.now();
  const seedDb = openDatabase(path.join(server.dataDir, 'smartcloudops.db'));
  const store = new MetricsStore(seedDb);
  // One hour of every series per transaction, in time order: the insertion order collectors produce.
  for (let t = start; t < end; t += HOUR) store.append(batches(start, t, Math.min(end, t + HOUR)));
  store.flushRollups();
  seedDb.close();
  const seeded = SERIES * POINTS;
  console.log(`seeded ${seeded.toLocaleString('en')} samples of ${SERIES} series in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (not timed)`);
  const startStarted = performance.now();
  await server.start();
  console.log(`server process started on the seeded folder in ${((performance.now() - startStarted) / 1000).toFixed(1)} s (not timed)`);

  const token = await server.login();
  const transport = fetchTransport(server.url, () => token);

  // Baseline: fetch and parse every page, write nothing.
  let baselineSamples = 0;
  const baselineStarted = performance.now();
  for (let after: string | undefined; ; ) {
    const page = (await transport({ method: 'GET', path: '/api/v1/metrics/export', query: { limit: PAGE, after } })) as ExportResponse;
    baselineSamples += page.timestamps.length;
    if (!page.more) break;
    after = page.cursor;
  }
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  console.log(`baseline (export fetched and parsed, not stored): ${baselineSamples.toLocaleString('en')} samples in ${baselineSeconds.toFixed(2)} s`);

  const file = path.join(dir, 'profile.db');
  const cache = openLocalCache(file);
  const engine = new SyncEngine({ cache, transport, stream: noStream, pageSize: PAGE });
  let progressEvents = 0;
  engine.onProgress(() => progressEvents++);
  const fullStarted = performance.now();
  const full = await engine.syncNow();
  const fullSeconds = (performance.now() - fullStarted) / 1000;
  if (cache.metrics.sampleCount() !== seeded) throw new Error(`cache holds ${cache.metrics.sampleCount()} samples, expected ${seeded}`);
  cache.db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = fs.statSync(file).size;
  const bytesPerSample = bytes / full.samples;
  console.log(`full sync: ${full.samples.toLocaleString('en')} samples in ${fullSeconds.toFixed(2)} s (${Math.round(full.samples / fullSeconds).toLocaleString('en')} samples/s, ${full.pages} pages, ${progressEvents} progress events), cache ${(bytes / 1_048_576).toFixed(1)} MiB (${bytesPerSample.toFixed(2)} B/sample)`);
  const tables = cache.db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4').all() as { name: string; bytes: number }[];
  console.log(`cache file by table: ${tables.map((t) => `${t.name} ${(t.bytes / 1_048_576).toFixed(2)} MiB`).join(', ')}`);

  // The server trains an anomaly model per host when it first sees live samples: that is
  // the server's one-off background work, not the sync's, so one warm-up minute goes first.
  await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: batches(start, end, end + 60_000) } });
  await engine.syncNow();
  const idleAfter = await waitForAnomalyTraining(transport);
  console.log(`warm-up minute ingested; the server's anomaly training finished after ${(idleAfter / 1000).toFixed(1)} s (not timed)`);

  // Five rounds of "one more minute of data, then sync"; the median is the figure.
  const incrementalMs: number[] = [];
  let incrementalSamples = 0;
  for (let round = 1; round <= INCREMENTAL_ROUNDS; round++) {
    const from = end + round * 60_000;
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: batches(start, from, from + 60_000) } });
    const started = performance.now();
    incrementalSamples = (await engine.syncNow()).samples;
    incrementalMs.push(performance.now() - started);
  }
  incrementalMs.sort((a, b) => a - b);
  const incrementalMedian = incrementalMs[Math.floor(INCREMENTAL_ROUNDS / 2)]!;
  console.log(
    `incremental sync after 1 min of new data (${incrementalSamples.toLocaleString('en')} samples): median ${incrementalMedian.toFixed(1)} ms, ` +
      `min ${incrementalMs[0]!.toFixed(1)} ms, max ${incrementalMs.at(-1)!.toFixed(1)} ms over ${INCREMENTAL_ROUNDS} rounds`,
  );

  // Budget upkeep after sync: the age limit drops the oldest hour of all 200 series.
  const evictStarted = performance.now();
  const eviction = cache.budget.enforce({ maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: POINTS * STEP - HOUR }, end + (INCREMENTAL_ROUNDS + 1) * 60_000);
  const evictMs = performance.now() - evictStarted;
  console.log(`age budget: evicted ${eviction.samplesEvicted.toLocaleString('en')} samples in ${evictMs.toFixed(1)} ms`);

  // Migration: the same samples as rows of a schema-3 cache file, opened by this version.
  const oldFile = path.join(dir, 'old-profile.db');
  const old = openCacheDatabase(oldFile, CACHE_MIGRATIONS.filter((m) => m.version <= 3));
  old.transaction(() => {
    const addSeries = old.prepare('INSERT INTO series (id, server_id, name, labels) VALUES (?, ?, ?, ?)');
    const addSample = old.prepare('INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)');
    for (const series of cache.metrics.listSeries()) {
      addSeries.run(series.id, series.serverId, series.name, JSON.stringify(series.labels));
      const points = cache.metrics.range(series.id, -Infinity, Infinity);
      for (let i = 0; i < points.ts.length; i++) addSample.run(series.id, points.ts[i], points.values[i]);
    }
  })();
  old.pragma('wal_checkpoint(TRUNCATE)');
  old.close();
  const rowBytes = fs.statSync(oldFile).size;
  const kept = cache.metrics.sampleCount();
  cache.close();
  const migrateStarted = performance.now();
  const migrated = openLocalCache(oldFile);
  const migrateSeconds = (performance.now() - migrateStarted) / 1000;
  if (migrated.metrics.sampleCount() !== kept) throw new Error(`migration kept ${migrated.metrics.sampleCount()} of ${kept} samples`);
  migrated.db.pragma('wal_checkpoint(TRUNCATE)');
  migrated.close();
  const migratedBytes = fs.statSync(oldFile).size;
  console.log(
    `migration: a row-per-sample cache of ${kept.toLocaleString('en')} samples (${(rowBytes / kept).toFixed(1)} B/sample) moved into chunks on open in ${migrateSeconds.toFixed(2)} s, ` +
      `file now ${(migratedBytes / kept).toFixed(2)} B/sample`,
  );

  const promStarted = performance.now();
  const measuredProm = prometheusBytesPerSample(dir, start);
  const promBps = measuredProm ?? PROMETHEUS_REFERENCE_BPS;
  console.log(
    measuredProm === undefined
      ? `Prometheus: promtool not installed; its figure is issue 14's low end, ${PROMETHEUS_REFERENCE_BPS} B/sample`
      : `Prometheus (promtool tsdb create-blocks-from openmetrics, same samples): ${measuredProm.toFixed(2)} B/sample (${((performance.now() - promStarted) / 1000).toFixed(1)} s, not timed)`,
  );

  const syncRatio = ratio(fullSeconds, TARGET_FULL_SYNC_SECONDS);
  const bytesRatio = ratio(bytesPerSample, promBps);
  console.log('| figure | ours | target | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| full sync of ${full.samples.toLocaleString('en')} samples | ${fullSeconds.toFixed(2)} s | ≤ ${TARGET_FULL_SYNC_SECONDS} s | ${syncRatio}× the target |`);
  console.log(`| cache file, bytes per sample | ${bytesPerSample.toFixed(2)} | ≤ ${TARGET_BYTES_VS_PROMETHEUS}× Prometheus's ${promBps.toFixed(2)} | ${bytesRatio}× Prometheus (${ratio(bytesRatio, TARGET_BYTES_VS_PROMETHEUS)}× the target) |`);

  console.log(
    JSON.stringify({
      bench: 'sync',
      series: SERIES,
      points: POINTS,
      pageSize: PAGE,
      samples: full.samples,
      fullSyncSeconds: Number(fullSeconds.toFixed(3)),
      fullSyncSamplesPerSecond: Math.round(full.samples / fullSeconds),
      fullSyncTargetRatio: syncRatio,
      baselineExportSeconds: Number(baselineSeconds.toFixed(3)),
      fullSyncVsBaseline: Number((fullSeconds / baselineSeconds).toFixed(2)),
      cacheBytesPerSample: Number(bytesPerSample.toFixed(2)),
      prometheusBytesPerSample: Number(promBps.toFixed(2)),
      prometheusMeasured: measuredProm !== undefined,
      bytesPerSampleRatio: bytesRatio,
      bytesTargetRatio: ratio(bytesRatio, TARGET_BYTES_VS_PROMETHEUS),
      incrementalSamples,
      incrementalSyncMs: Number(incrementalMedian.toFixed(1)),
      incrementalSyncMaxMs: Number(incrementalMs.at(-1)!.toFixed(1)),
      evictOldestHourMs: Number(evictMs.toFixed(1)),
      evictedSamples: eviction.samplesEvicted,
      migrationSeconds: Number(migrateSeconds.toFixed(2)),
      migratedSamples: kept,
      targets: { fullSyncSeconds: TARGET_FULL_SYNC_SECONDS, bytesPerSampleVsPrometheus: TARGET_BYTES_VS_PROMETHEUS, incrementalSyncMs: 200 },
      withinTargets: fullSeconds <= TARGET_FULL_SYNC_SECONDS && bytesRatio <= TARGET_BYTES_VS_PROMETHEUS && incrementalMedian < 200,
    }),
  );
} finally {
  await server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
