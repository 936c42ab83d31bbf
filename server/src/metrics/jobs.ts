import type { Logger } from 'pino';
import { readHostMetrics } from './collectors/host.ts';
import { runPeriodically, type PeriodicTask } from './periodic.ts';
import type { MetricsService } from './service.ts';

/** Rollups and retention run this often. */
const MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * The metrics feature's background work: the host collector (when an interval is set)
 * and periodic rollup and retention maintenance. Returns a stop function.
 */
export function startMetricsJobs(metrics: MetricsService, collectIntervalSeconds: number, log: Logger): () => void {
  const tasks: PeriodicTask[] = [];
  if (collectIntervalSeconds > 0) {
    tasks.push(runPeriodically('host-collector', collectIntervalSeconds * 1000, async (signal) => {
      const batches = await readHostMetrics();
      if (!signal.aborted) metrics.ingest(batches);
    }, log));
  }
  tasks.push(runPeriodically('metrics-maintenance', MAINTENANCE_INTERVAL_MS, () => metrics.maintain(), log, MAINTENANCE_INTERVAL_MS));
  return () => {
    for (const task of tasks) task.stop();
  };
}
