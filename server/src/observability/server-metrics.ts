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
  /** The webhook delivery queue (in the shared database): not delivered by status, and the oldest pending one's creation time. */
  webhookQueue: () => Promise<{ pending: number; failed: number; oldestPendingAt: number | null }>;
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
export function registerServerMetrics(registry: Registry, { db, events, now, scoringBacklog, webhookQueue }: ServerMetricsSources): () => void {
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

  // Read at scrape time from the database; while it cannot be read, the last figures stand
  // (a lost database is reported by /ready, and a scrape must not fail over it).
  let lastQueue = { pending: 0, failed: 0, oldestPendingAt: null as number | null };
  const queueState = async () => {
    lastQueue = await webhookQueue().catch(() => lastQueue);
    return lastQueue;
  };
  new Gauge({
    name: 'smartcloudops_webhook_deliveries',
    help: 'Webhook deliveries not delivered, by status (pending = the queue, failed = given up)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const state = await queueState();
      this.set({ status: 'pending' }, state.pending);
      this.set({ status: 'failed' }, state.failed);
    },
  });
  new Gauge({
    name: 'smartcloudops_webhook_oldest_pending_seconds',
    help: 'Age of the oldest webhook delivery still pending (0 when the queue is empty)',
    registers: [registry],
    async collect() {
      const { oldestPendingAt } = await queueState();
      this.set(oldestPendingAt === null ? 0 : Math.max(0, (now() - oldestPendingAt) / 1000));
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
