import type { Logger } from 'pino';
import { createHostReader, type HostReader } from './collectors/host-reader.ts';
import { scrapeTarget, type ScrapeLimitSettings } from './collectors/prometheus-scrape.ts';
import { runPeriodically, type PeriodicTask } from './periodic.ts';
import type { MetricsService } from './service.ts';

/** Rollups and retention run this often. */
const MAINTENANCE_INTERVAL_MS = 60_000;

export interface MetricsJobsOptions {
  /** Seconds between host readings and scrapes; 0 turns collection off. */
  collectIntervalSeconds: number;
  /** Prometheus exposition endpoints to scrape. */
  scrapeTargets: readonly string[];
  /** Most samples and labels one scrape takes; 0 is no limit. */
  scrapeLimits?: Partial<ScrapeLimitSettings>;
  log: Logger;
}

/**
 * The metrics feature's background work: the host collector and scrapes (when an interval
 * is set) and periodic rollup and retention maintenance. Returns a stop function.
 */
export function startMetricsJobs(metrics: MetricsService, { collectIntervalSeconds, scrapeTargets, scrapeLimits, log }: MetricsJobsOptions): () => void {
  const tasks: PeriodicTask[] = [];
  const intervalMs = collectIntervalSeconds * 1000;
  let hostReader: HostReader | null = null;
  if (intervalMs > 0) {
    const reader = createHostReader();
    hostReader = reader;
    tasks.push(runPeriodically('host-collector', intervalMs, async (signal) => {
      const batches = await reader.read();
      if (!signal.aborted) await metrics.ingest(batches);
    }, log));
    for (const target of scrapeTargets) {
      tasks.push(runPeriodically(`scrape ${target}`, intervalMs, async (signal) => {
        const result = await scrapeTarget(target, Date.now(), scrapeLimits);
        if (result.error ?? result.warning) log.warn({ target }, result.error ?? result.warning);
        if (!signal.aborted) await metrics.ingest(result.batches);
      }, log));
    }
  }
  tasks.push(runPeriodically('metrics-maintenance', MAINTENANCE_INTERVAL_MS, () => metrics.maintain(), log, MAINTENANCE_INTERVAL_MS));
  return () => {
    for (const task of tasks) task.stop();
    void hostReader?.close();
  };
}
