/**
 * `node bench/wide-target.bench.ts`: one very wide target (kube-state-metrics is one
 * `instance` with ~20,000 series) stored and scored scrape after scrape on a real server in
 * this process, SQLite by default (BENCH_POSTGRES=1: a throw-away PostgreSQL). Per
 * scrape: the store's time (durable when it resolves, as the ingest route answers), the
 * event loop's longest block until scoring is idle (`monitorEventLoopDelay`), CPU, resident
 * memory; at the end what the model takes (`/anomaly/status`). A small first model
 * (minTrainRows 10) so a model is trained within the run. Under a minute with the defaults.
 * BENCH_SERIES (20000), BENCH_SCRAPES (14).
 */
import os from 'node:os';
import { startTestServer } from '../server/src/testing/test-server.ts';
import { startTestPostgres } from '../server/src/testing/postgres.ts';
import type { SampleBatch } from '../server/src/metrics/store.ts';

const SERIES = Number(process.env.BENCH_SERIES ?? 20_000);
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 14);
const STEP = 30_000;
const INSTANCE = 'kube-state-metrics:8080';

/** kube-state-metrics-like series: per pod a dozen families, per deployment a few, until `count`. */
function kubeSeries(count: number): Array<{ name: string; labels: Record<string, string> }> {
  const out: Array<{ name: string; labels: Record<string, string> }> = [];
  for (let p = 0; out.length < count; p++) {
    const namespace = `ns-${p % 40}`;
    const pod = `app-${Math.floor(p / 3)}-7d9f8c6b5-${(p * 7919).toString(36).slice(-5)}`;
    const base = { instance: INSTANCE, job: 'kube-state-metrics', namespace, pod, uid: `0000-${p}` };
    for (const phase of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) out.push({ name: 'kube_pod_status_phase', labels: { ...base, phase } });
    out.push({ name: 'kube_pod_info', labels: { ...base, node: `node-${p % 50}`, host_ip: `10.0.${p % 50}.1`, pod_ip: `10.1.${Math.floor(p / 250)}.${p % 250}` } });
    out.push({ name: 'kube_pod_created', labels: base });
    out.push({ name: 'kube_pod_container_status_restarts_total', labels: { ...base, container: 'app' } });
    out.push({ name: 'kube_pod_container_status_ready', labels: { ...base, container: 'app' } });
    out.push({ name: 'kube_pod_container_resource_requests', labels: { ...base, container: 'app', resource: 'cpu', unit: 'core' } });
    out.push({ name: 'kube_pod_container_resource_requests', labels: { ...base, container: 'app', resource: 'memory', unit: 'byte' } });
    out.push({ name: 'kube_pod_container_resource_limits', labels: { ...base, container: 'app', resource: 'memory', unit: 'byte' } });
    out.push({ name: 'kube_pod_labels', labels: { ...base, label_app: `app-${Math.floor(p / 3)}`, label_team: `team-${p % 9}` } });
    if (p % 3 === 0) {
      const deployment = `app-${p / 3}`;
      for (const name of ['kube_deployment_status_replicas', 'kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas', 'kube_deployment_metadata_generation']) {
        out.push({ name, labels: { instance: INSTANCE, job: 'kube-state-metrics', namespace, deployment } });
      }
    }
  }
  return out.slice(0, count);
}

function valueOf(name: string, labels: Record<string, string>, i: number, scrape: number): number {
  if (name === 'kube_pod_status_phase') return labels.phase === 'Running' ? 1 : 0;
  if (name === 'kube_pod_container_status_restarts_total') return Math.floor(scrape / (5 + (i % 50)));
  if (name === 'kube_pod_created') return 1_760_000_000 + i;
  if (name.startsWith('kube_deployment_status_replicas')) return 3 - ((scrape + i) % 17 === 0 ? 1 : 0);
  if (name === 'kube_pod_container_resource_requests') return labels.resource === 'cpu' ? 0.1 : 134_217_728;
  return 1;
}

async function main(): Promise<void> {
  const postgres = process.env.BENCH_POSTGRES === '1' ? await startTestPostgres() : undefined;
  const env = postgres ? { ...process.env, SMARTCLOUDOPS_DATABASE_URL: postgres.url } : process.env;
  const server = await startTestServer({ env, anomaly: { minTrainRows: 10, trainWindow: 40, workers: 1 } });
  const series = kubeSeries(SERIES);
  const t0 = Math.floor((Date.now() - SCRAPES * STEP - 60_000) / STEP) * STEP;
  // The longest gap between the ticks of a 5 ms timer: how long the loop was held at most.
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  console.log(`${SERIES} series of one target, ${SCRAPES} scrapes, ${postgres ? 'PostgreSQL' : 'SQLite'}; load ${os.loadavg()[0]!.toFixed(1)}`);
  try {
    for (let scrape = 0; scrape < SCRAPES; scrape++) {
      const ts = t0 + scrape * STEP;
      const batches: SampleBatch[] = series.map((s, i) => ({ name: s.name, labels: s.labels, samples: [[ts, valueOf(s.name, s.labels, i, scrape)]] }));
      const cpu = process.cpuUsage();
      last = performance.now();
      longest = 0;
      const started = performance.now();
      await server.app.metrics.ingest(batches);
      const stored = performance.now() - started;
      await server.app.anomaly.idle();
      const scored = performance.now() - started - stored;
      const used = process.cpuUsage(cpu);
      console.log(
        `scrape ${scrape + 1}: stored in ${stored.toFixed(0)} ms, scored in ${scored.toFixed(0)} ms; longest event-loop block ${longest.toFixed(0)} ms; CPU ${((used.user + used.system) / 1e6).toFixed(2)} s; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
      );
    }
    const status = server.app.anomaly.status().targets.find((t) => t.target === INSTANCE);
    console.log(JSON.stringify(status, (key, value: unknown) => (Array.isArray(value) && value.length > 12 ? [...value.slice(0, 12), `… ${value.length} in all`] : value)));
    const models = await server.injectAs('admin', { method: 'GET', url: `/api/v1/anomaly/models?target=${encodeURIComponent(INSTANCE)}` });
    const metrics = (models.json() as Array<{ params: { metrics: string[] } }>)[0]?.params.metrics ?? [];
    const families = new Map<string, number>();
    for (const metric of metrics) families.set(metric.split('{')[0]!, (families.get(metric.split('{')[0]!) ?? 0) + 1);
    console.log(`model takes ${metrics.length} metrics: ${[...families].map(([name, n]) => `${name} x${n}`).join(', ')}; first: ${metrics[0]}`);
  } finally {
    clearInterval(ticker);
    await server.close();
    await postgres?.stop();
  }
}

await main();
