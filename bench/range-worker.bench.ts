/**
 * `npm run bench:range-worker`: where a range answer is cheaper, on the request thread or on
 * a worker (server/src/metrics/range-pool.ts, `INLINE_MAX_SIZE`). One series at 10 s in a
 * SQLite store; for ranges of growing size (samples decoded), the answer computed inline and
 * on a warm worker, ten queries at a time (as bench:peer-query's connections): the wall time
 * per query, the request thread's CPU per query (what limits req/s when the request thread
 * is the bottleneck; a worker's CPU runs on the other core) and the whole process's CPU per
 * query (what the round trip adds). Interleaved rounds, median kept. Last line: one JSON object.
 */
import os from 'node:os';
import { EventBus } from '../server/src/events/bus.ts';
import { RangePool } from '../server/src/metrics/range-pool.ts';
import type { RangeTask } from '../server/src/metrics/range-answer.ts';
import { chooseResolution, readSource, type RangeRequest } from '../server/src/metrics/range-query.ts';
import { MetricsService } from '../server/src/metrics/service.ts';
import { openTempDb } from '../server/src/metrics/test-db.ts';

const T0 = Date.UTC(2026, 0, 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 400);
const CONCURRENCY = 10;
/** Samples decoded per answer: parts of a day of one series, then whole days of 2 and 5 series. */
const SIZES = [360, 2_000, 8_640, 17_280, 43_200];

const temp = openTempDb();
const metrics = new MetricsService({ db: temp.db, events: new EventBus(), now: () => T0 + 86_400_000 });
for (const host of ['a', 'b', 'c', 'd', 'e']) {
  await metrics.ingest([{ name: 'cpu', labels: { host }, samples: Array.from({ length: 8640 }, (_, i) => [T0 + i * 10_000, Math.round(Math.sin(i / 50 + host.charCodeAt(0)) * 10_000) / 100]) }]);
}
const series = await metrics.findSeries('cpu');
const inline = new RangePool({ inlineMaxSize: Number.POSITIVE_INFINITY });
const worker = new RangePool({ inlineMaxSize: 0, threads: 1 });

async function task(samples: number): Promise<RangeTask> {
  // A step that makes the answer a quarter of the samples, as a chart's 2,000 points of a day do.
  const perSeries = Math.min(samples, 8640);
  const request: RangeRequest = { from: T0, to: T0 + (perSeries - 1) * 10_000, step: 43_200, agg: 'avg', maxPoints: 2000 };
  const resolution = chooseResolution(request, metrics.retention, T0 + 86_400_000);
  const refs = series.slice(0, Math.ceil(samples / 8640));
  return { request, series: await Promise.all(refs.map(async (ref) => ({ ...ref, resolution, source: await readSource(metrics.storage, ref.id, request, resolution) }))) };
}

interface Figures {
  wallUs: number;
  mainCpuUs: number;
  cpuUs: number;
}

async function measure(pool: RangePool, samples: number): Promise<Figures> {
  const main = process.threadCpuUsage();
  const all = process.cpuUsage();
  const start = performance.now();
  let left = ITERATIONS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await pool.answer(await task(samples));
    }),
  );
  const usedMain = process.threadCpuUsage(main);
  const used = process.cpuUsage(all);
  return { wallUs: ((performance.now() - start) * 1000) / ITERATIONS, mainCpuUs: (usedMain.user + usedMain.system) / ITERATIONS, cpuUs: (used.user + used.system) / ITERATIONS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Warm both (the worker starts, both JIT the path).
for (const samples of SIZES) {
  await measure(inline, samples);
  await measure(worker, samples);
}
const rows: Record<string, unknown>[] = [];
for (const samples of SIZES) {
  const figures = { inline: [] as Figures[], worker: [] as Figures[] };
  for (let r = 0; r < ROUNDS; r++) {
    figures.inline.push(await measure(inline, samples));
    figures.worker.push(await measure(worker, samples));
  }
  const row = {
    samples,
    inlineWallUs: Math.round(median(figures.inline.map((f) => f.wallUs))),
    inlineMainCpuUs: Math.round(median(figures.inline.map((f) => f.mainCpuUs))),
    inlineCpuUs: Math.round(median(figures.inline.map((f) => f.cpuUs))),
    workerWallUs: Math.round(median(figures.worker.map((f) => f.wallUs))),
    workerMainCpuUs: Math.round(median(figures.worker.map((f) => f.mainCpuUs))),
    workerCpuUs: Math.round(median(figures.worker.map((f) => f.cpuUs))),
  };
  rows.push(row);
  console.log(
    `${samples} samples: inline ${row.inlineWallUs} µs wall, ${row.inlineMainCpuUs} µs request-thread CPU, ${row.inlineCpuUs} µs CPU in all; ` +
      `worker ${row.workerWallUs} µs wall, ${row.workerMainCpuUs} µs request-thread CPU, ${row.workerCpuUs} µs CPU in all`,
  );
}
const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average ${load}`);
console.log(JSON.stringify({ rows, loadAverage: load }));
await worker.close();
await metrics.close();
temp.cleanup();
