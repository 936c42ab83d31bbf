import fs from 'node:fs';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events/bus.ts';

export interface ServerMetricsSources {
  db: Db;
  events: EventBus;
  now: () => number;
  /** Samples received and not yet scored by the anomaly engine. */
  scoringBacklog: () => number;
}

function fileBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The server's own health beyond HTTP (http-metrics.ts): what deploy/grafana's dashboard
 * and deploy/alert-rules.yml watch. Gauges are read at scrape time, so nothing runs
 * between scrapes; the ingest counter follows the event bus every write goes through.
 */
export function registerServerMetrics(registry: Registry, { db, events, now, scoringBacklog }: ServerMetricsSources): () => void {
  const ingested = new Counter({ name: 'smartcloudops_samples_ingested_total', help: 'Metric samples stored (API ingest, host collector, scrapes)', registers: [registry] });
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'samples') ingested.inc(event.data.length);
  });

  new Gauge({
    name: 'smartcloudops_anomaly_scoring_backlog',
    help: 'Samples received and not yet scored by the anomaly engine',
    registers: [registry],
    collect() {
      this.set(scoringBacklog());
    },
  });

  const countByStatus = db.prepare("SELECT status, count(*) AS n FROM webhook_deliveries WHERE status != 'delivered' GROUP BY status");
  new Gauge({
    name: 'smartcloudops_webhook_deliveries',
    help: 'Webhook deliveries not delivered, by status (pending = the queue, failed = given up)',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      const counts = new Map((countByStatus.all() as { status: string; n: number }[]).map((row) => [row.status, row.n]));
      for (const status of ['pending', 'failed']) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  // The partial index webhook_deliveries_due covers pending rows only: cheap however long the history.
  const oldestPending = db.prepare("SELECT min(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'");
  new Gauge({
    name: 'smartcloudops_webhook_oldest_pending_seconds',
    help: 'Age of the oldest webhook delivery still pending (0 when the queue is empty)',
    registers: [registry],
    collect() {
      const { oldest } = oldestPending.get() as { oldest: number | null };
      this.set(oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
    },
  });

  new Gauge({
    name: 'smartcloudops_database_size_bytes',
    help: 'SQLite database on disk: the main file and its write-ahead log',
    labelNames: ['file'] as const,
    registers: [registry],
    collect() {
      this.set({ file: 'main' }, fileBytes(db.name));
      this.set({ file: 'wal' }, fileBytes(`${db.name}-wal`));
    },
  });
  return unsubscribe;
}
