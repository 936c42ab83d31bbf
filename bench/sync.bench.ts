/**
 * `npm run bench:sync`: the desktop cache's sync from a real server on loopback.
 *
 * Seeds a fresh server data folder (through the server's own store, outside the timed part)
 * with 24 h of 200 series at 10 s, collector-style (every series each interval: about 1.7
 * million samples), starts the real server on it in its own process, as in production, then:
 *   - baseline: the same export pages fetched and parsed, written nowhere (network + JSON);
 *   - full sync into a fresh cache file (fetch, parse, SQLite writes, cursor per page);
 *   - incremental sync after one more minute of data (1,200 samples), five rounds, median
 *     (after a warm-up minute that lets the server train its per-host anomaly models);
 *   - budget upkeep: the age limit evicting the oldest hour of every series.
 * Prints figures, then one JSON object on the last line. Env: BENCH_SERIES, BENCH_HOURS, BENCH_PAGE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../server/src/db/database.ts';
import { MetricsStore, type SampleBatch } from '../server/src/metrics/store.ts';
import type { AnomalyStatus } from '../shared/api/anomaly.ts';
import type { Transport } from '../shared/api/client.ts';
import type { ExportResponse } from '../shared/api/metrics.ts';
import { openLocalCache } from '../electron/main/cache/local-cache.ts';
import { SyncEngine } from '../electron/main/sync/sync-engine.ts';
import type { StreamSource } from '../electron/main/sync/stream-source.ts';
import { fetchTransport } from '../electron/main/testing/fetch-transport.ts';
import { freePort, ServerProcess } from '../electron/main/testing/server-process.ts';

const SERIES = Number(process.env.BENCH_SERIES ?? 200);
const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const PAGE = Number(process.env.BENCH_PAGE ?? 50_000);
const STEP = 10_000;
const HOUR = 3_600_000;
const INCREMENTAL_ROUNDS = 5;

/** Pulls are driven by hand here; the stream is not part of what is measured. */
const noStream: StreamSource = { connect: () => ({ close: () => {} }) };

function batches(fromTs: number, toTs: number): SampleBatch[] {
  return Array.from({ length: SERIES }, (_, s) => {
    const samples: [number, number][] = [];
    for (let ts = fromTs; ts < toTs; ts += STEP) samples.push([ts, 50 + 20 * Math.sin(ts / 3_600_000 + s) + ((ts / STEP + s) % 7)]);
    return { name: 'node_cpu_usage', labels: { host: `host-${String(s).padStart(3, '0')}`, region: s % 2 ? 'eu' : 'us' }, samples };
  });
}

/** Waits (up to 3 min) until every host has an active model and the training queue is empty; returns ms waited. */
async function waitForAnomalyTraining(transport: Transport): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 180_000) {
    const status = (await transport({ method: 'GET', path: '/api/v1/anomaly/status' })) as AnomalyStatus;
    if (status.targets.length >= SERIES && status.targets.every((t) => t.activeModelId !== null) && status.pool.queueSize === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return performance.now() - started;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-bench-sync-'));
const server = new ServerProcess(path.join(dir, 'server'), await freePort());
try {
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - HOURS * HOUR;
  const seedStarted = performance.now();
  const seedDb = openDatabase(path.join(server.dataDir, 'smartcloudops.db'));
  const store = new MetricsStore(seedDb);
  // One hour of every series per transaction, in time order: the insertion order collectors produce.
  for (let t = start; t < end; t += HOUR) store.append(batches(t, t + HOUR));
  store.flushRollups();
  seedDb.close();
  const seeded = SERIES * ((HOURS * HOUR) / STEP);
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
  console.log(`full sync: ${full.samples.toLocaleString('en')} samples in ${fullSeconds.toFixed(2)} s (${Math.round(full.samples / fullSeconds).toLocaleString('en')} samples/s, ${full.pages} pages, ${progressEvents} progress events), cache ${(bytes / 1_048_576).toFixed(1)} MiB (${(bytes / full.samples).toFixed(1)} B/sample)`);

  // The server trains an anomaly model per host when it first sees live samples: that is
  // the server's one-off background work, not the sync's, so one warm-up minute goes first.
  await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: batches(end, end + 60_000) } });
  await engine.syncNow();
  const idleAfter = await waitForAnomalyTraining(transport);
  console.log(`warm-up minute ingested; the server's anomaly training finished after ${(idleAfter / 1000).toFixed(1)} s (not timed)`);

  // Five rounds of "one more minute of data, then sync"; the median is the figure.
  const incrementalMs: number[] = [];
  let incrementalSamples = 0;
  for (let round = 1; round <= INCREMENTAL_ROUNDS; round++) {
    const from = end + round * 60_000;
    await transport({ method: 'POST', path: '/api/v1/metrics/ingest', body: { series: batches(from, from + 60_000) } });
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
  const eviction = cache.budget.enforce({ maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: (HOURS - 1) * HOUR }, end + (INCREMENTAL_ROUNDS + 1) * 60_000);
  const evictMs = performance.now() - evictStarted;
  console.log(`age budget: evicted ${eviction.samplesEvicted.toLocaleString('en')} samples in ${evictMs.toFixed(1)} ms`);
  cache.close();

  console.log(
    JSON.stringify({
      bench: 'sync',
      series: SERIES,
      hours: HOURS,
      pageSize: PAGE,
      samples: full.samples,
      fullSyncSeconds: Number(fullSeconds.toFixed(3)),
      fullSyncSamplesPerSecond: Math.round(full.samples / fullSeconds),
      baselineExportSeconds: Number(baselineSeconds.toFixed(3)),
      fullSyncVsBaseline: Number((fullSeconds / baselineSeconds).toFixed(2)),
      cacheBytesPerSample: Number((bytes / full.samples).toFixed(1)),
      incrementalSamples,
      incrementalSyncMs: Number(incrementalMedian.toFixed(1)),
      incrementalSyncMaxMs: Number(incrementalMs.at(-1)!.toFixed(1)),
      evictOldestHourMs: Number(evictMs.toFixed(1)),
      evictedSamples: eviction.samplesEvicted,
      targets: { fullSyncSeconds: 15, incrementalSyncMs: 200 },
      withinTargets: fullSeconds < 15 && incrementalMedian < 200,
    }),
  );
} finally {
  await server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
