/**
 * `npm run bench:alerts`: 10,000 incoming alert events (new, repeated, resolved) through
 * the whole ingest path of a real server (fingerprint de-duplication, silence matching,
 * grouping into incidents, history, timeline, webhook queue, stream publication and the
 * stream's own event log), on a fresh data folder per run.
 *
 * Latency is from receipt (just before `ingest`) to the alert's event on the stream bus.
 * Two runs per database in the same process: the baseline takes one event per transaction
 * (a source that sends alerts one by one), the main run batches of 100 (Alertmanager's
 * style); first on SQLite (the embedded default), then on a PostgreSQL started for the run
 * from the Debian package (`initdb` + `pg_ctl` on loopback, as the tests do; skipped with
 * the reason where it is missing), on a fresh database per run.
 * Prints figures, then one JSON object on the last line. Env: BENCH_EVENTS, BENCH_BATCH.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgresUnavailable, startTestPostgres } from '../server/src/testing/postgres.ts';
import { startTestServer } from '../server/src/testing/test-server.ts';
import type { AlertEvent } from '../shared/api/alerts.ts';
import { createRandom } from '../shared/anomaly/prng.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const TARGETS = 200;
const NAMES = ['HighCpu', 'HighMemory', 'DiskFull', 'HighLatency', 'ErrorRate', 'NodeDown', 'QueueBacklog', 'CertExpiry'];
const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** Seeded (mulberry32): every run sees the same data. */
const random = (seed: number): (() => number) => createRandom(seed).next;

interface Mix {
  events: AlertEvent[];
  counts: { new: number; repeated: number; resolved: number };
}

/** About 40 % new alerts, 40 % repeats of firing ones, 20 % resolutions of firing ones. */
function eventMix(count: number): Mix {
  const next = random(42);
  const firing: Array<Record<string, string>> = [];
  const seen = new Set<string>();
  const counts = { new: 0, repeated: 0, resolved: 0 };
  const events: AlertEvent[] = [];
  let serial = 0;
  while (events.length < count) {
    const roll = next();
    if (roll < 0.4 || firing.length === 0) {
      let labels: Record<string, string>;
      do {
        labels = { alertname: NAMES[Math.floor(next() * NAMES.length)]!, target: `host-${Math.floor(next() * TARGETS)}`, instance: `i-${serial++ % 5000}` };
      } while (seen.has(JSON.stringify(labels)));
      seen.add(JSON.stringify(labels));
      firing.push(labels);
      counts.new += 1;
      events.push({ source: 'api', status: 'firing', labels, severity: SEVERITIES[Math.floor(next() * 3)]!, annotations: { summary: `${labels.alertname} on ${labels.target}` } });
    } else if (roll < 0.8) {
      const labels = firing[Math.floor(next() * firing.length)]!;
      counts.repeated += 1;
      events.push({ source: 'api', status: 'firing', labels });
    } else {
      const [labels] = firing.splice(Math.floor(next() * firing.length), 1);
      counts.resolved += 1;
      events.push({ source: 'api', status: 'resolved', labels: labels! });
    }
  }
  return { events, counts };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

interface RunFigures {
  batchSize: number;
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  streamedAlertEvents: number;
  incidents: number;
  webhookDeliveriesQueued: number;
}

async function run(events: readonly AlertEvent[], batchSize: number, webhookUrl: string, env: Record<string, string> = {}): Promise<RunFigures> {
  const server = await startTestServer({ env, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  try {
    const feature = server.app.alerts;
    await server.app.notifications.webhooks.create({ name: 'sink', url: webhookUrl, minSeverity: 'critical' }, 'bench', Date.now());
    // Two silences that match a slice of the alerts: matching is part of every ingest.
    await feature.service.createSilence({ matchers: [{ name: 'target', op: '=~', value: 'host-1[0-9]' }], durationSeconds: 3600, comment: 'bench' }, { name: 'bench', kind: 'system' });
    await feature.service.createSilence({ matchers: [{ name: 'alertname', op: '=', value: 'CertExpiry' }, { name: 'target', op: '!=', value: 'host-0' }], durationSeconds: 3600, comment: 'bench' }, { name: 'bench', kind: 'system' });

    let streamedAt: number[] = [];
    const unsubscribe = server.app.ctx.events.subscribe((event) => {
      if (event.type === 'alert') streamedAt.push(performance.now());
    });
    const latencies: number[] = [];
    let streamed = 0;
    const started = performance.now();
    for (let i = 0; i < events.length; i += batchSize) {
      streamedAt = [];
      const received = performance.now();
      await feature.service.ingest(events.slice(i, i + batchSize));
      for (const at of streamedAt) latencies.push(at - received);
      streamed += streamedAt.length;
    }
    const elapsed = performance.now() - started;
    unsubscribe();
    latencies.sort((a, b) => a - b);
    const { db } = server.app.ctx.sql;
    const count = async (table: 'incidents' | 'webhook_deliveries') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return {
      batchSize,
      eventsPerSecond: Math.round(events.length / (elapsed / 1000)),
      latencyP50Ms: round(percentile(latencies, 50)),
      latencyP99Ms: round(percentile(latencies, 99)),
      latencyMaxMs: round(latencies[latencies.length - 1]!),
      streamedAlertEvents: streamed,
      incidents: await count('incidents'),
      webhookDeliveriesQueued: await count('webhook_deliveries'),
    };
  } finally {
    await server.close();
  }
}

const sink = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(204).end());
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;

try {
  const mix = eventMix(EVENTS);
  console.log(`alert events: ${EVENTS} (new ${mix.counts.new}, repeated ${mix.counts.repeated}, resolved ${mix.counts.resolved})`);
  /** Baseline and batched runs on one database; `env` selects it (a fresh one per run). */
  const both = async (name: string, env: () => Promise<Record<string, string>>) => {
    const baseline = await run(mix.events, 1, sinkUrl, await env());
    console.log(`${name}, baseline, 1 event per transaction: ${baseline.eventsPerSecond} events/s, p50 ${baseline.latencyP50Ms} ms, p99 ${baseline.latencyP99Ms} ms`);
    const batched = await run(mix.events, BATCH, sinkUrl, await env());
    console.log(`${name}, batches of ${BATCH}: ${batched.eventsPerSecond} events/s, p50 ${batched.latencyP50Ms} ms, p99 ${batched.latencyP99Ms} ms (receipt of the batch to each alert on the stream)`);
    const ratio = round(batched.eventsPerSecond / baseline.eventsPerSecond, 2);
    console.log(`${name}, throughput ratio batched / baseline: ${ratio}`);
    return { batched, baseline, ratio };
  };
  const sqlite = await both('SQLite', async () => ({}));
  let postgres: Awaited<ReturnType<typeof both>> | { skipped: string };
  const missing = postgresUnavailable();
  if (missing) {
    console.log(`PostgreSQL: skipped (${missing})`);
    postgres = { skipped: missing };
  } else {
    const server = await startTestPostgres();
    try {
      let databases = 0;
      postgres = await both('PostgreSQL', async () => ({ SMARTCLOUDOPS_DATABASE_URL: await server.createDatabase(`bench_alerts_${++databases}`) }));
      console.log(`PostgreSQL / SQLite, batches of ${BATCH}: ${round(postgres.batched.eventsPerSecond / sqlite.batched.eventsPerSecond, 2)}; one event per transaction: ${round(postgres.baseline.eventsPerSecond / sqlite.baseline.eventsPerSecond, 2)}`);
    } finally {
      await server.stop();
    }
  }
  const { batched, baseline, ratio } = sqlite;
  console.log(JSON.stringify({ bench: 'alerts', events: EVENTS, mix: mix.counts, eventsPerSecond: batched.eventsPerSecond, latencyP99Ms: batched.latencyP99Ms, batched, baseline, ratio, postgres }));
} finally {
  await new Promise((resolve) => sink.close(resolve));
}
