/**
 * `npm run bench:peer`: our server beside the real Prometheus and Alertmanager (Debian's
 * `prometheus`, `promtool`, `prometheus-alertmanager`), each on a free loopback port, with
 * the same data: 200 series × 24 h at 10 s (1.73 M samples), loaded into Prometheus with
 * `promtool tsdb create-blocks-from openmetrics` and into ours through the ingest API.
 * Then query rounds and alert rounds alternate A/B/A/B (best round of each kept), and it
 * prints every figure of issue 14's table with its ratio; the last line is one JSON object.
 * Scoring is measured twice: during the load (ingest included, as the samples arrive) and,
 * for `scoringSamplesPerCoreSecond`, alone: a second server back-fills the same samples
 * stored unscored (bench/support/our-server.ts, `backfillRun`).
 * Skips with a message (and `"skipped": true`) when the binaries are missing.
 *
 * Env: BENCH_DURATION (seconds per query round, default 5), BENCH_CONNECTIONS (default 10),
 * BENCH_KEEP (a folder to copy our data folder to after the load, for a closer look).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { generateSeries, HOSTS, INTERVAL_MS, openMetricsLines, POINTS } from './peer-data.ts';
import { ChildProcesses, cpuSeconds, dirBytes, freePort, rssBreakdown, rssMiB, waitForReady, which } from './support/processes.ts';
import { backfillRun, ingestByHost, scoringDone, startOurServer } from './support/our-server.ts';
import { allocatorOf, serverRuntimeEnv } from '../scripts/server-runtime-env.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ALERTS = 10_000;
const ALERT_BATCH = 100;
const root = path.resolve(import.meta.dirname, '..');

const binaries = { prometheus: which('prometheus'), promtool: which('promtool'), alertmanager: which('prometheus-alertmanager') ?? which('alertmanager') };
const missing = Object.entries(binaries).filter(([, file]) => !file).map(([name]) => name);
if (missing.length > 0) {
  console.log(`bench:peer skipped: ${missing.join(', ')} not installed (Debian packages prometheus and prometheus-alertmanager; scripts/install-system-deps.sh).`);
  console.log(JSON.stringify({ skipped: true, missing }));
  process.exit(0);
}

interface Round {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

/** One autocannon round; `urlFor(i)` varies the request so that no cache answers it. */
async function round(base: string, urlFor: (i: number) => string, headers: Record<string, string>): Promise<Round> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: urlFor(i++) }) }],
  });
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, errors: result.errors + result.non2xx };
}

function best(rounds: Round[]): Round {
  return rounds.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-peer-'));
// Interrupted (Ctrl-C, a timeout): stop the servers this bench started and remove its files.
const children = new ChildProcesses(() => fs.rmSync(work, { recursive: true, force: true }));
try {
  const began = Date.now();
  const series = generateSeries();
  const samples = series.length * POINTS;
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 5 * 60_000;
  const startTs = end - (POINTS - 1) * INTERVAL_MS;
  console.log(`our server's allocator: ${allocatorOf(serverRuntimeEnv())} (scripts/server-runtime-env.ts)`);
  console.log(`data: ${series.length} series × ${POINTS} points = ${samples.toLocaleString('en')} samples`);

  // ---- Prometheus: blocks from OpenMetrics, then the server on them ----
  const omFile = path.join(work, 'data.om');
  const fd = fs.openSync(omFile, 'w');
  for (const text of openMetricsLines(series, startTs)) fs.writeSync(fd, text);
  fs.closeSync(fd);
  const promData = path.join(work, 'prometheus');
  const loadStarted = Date.now();
  execFileSync(binaries.promtool!, ['tsdb', 'create-blocks-from', 'openmetrics', omFile, promData], { stdio: 'ignore' });
  const promLoadS = (Date.now() - loadStarted) / 1000;
  fs.rmSync(omFile);
  const promConfig = path.join(work, 'prometheus.yml');
  fs.writeFileSync(promConfig, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const promPort = await freePort();
  const prometheus = children.start(binaries.prometheus!, [
    `--config.file=${promConfig}`,
    `--storage.tsdb.path=${promData}`,
    '--storage.tsdb.retention.time=30d',
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  const promUrl = `http://127.0.0.1:${promPort}`;
  await waitForReady(`${promUrl}/-/ready`, 'prometheus');

  // ---- Alertmanager ----
  const amPort = await freePort();
  const amConfig = path.join(work, 'alertmanager.yml');
  fs.writeFileSync(amConfig, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  children.start(binaries.alertmanager!, [
    `--config.file=${amConfig}`,
    `--storage.path=${path.join(work, 'alertmanager')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  const amUrl = `http://127.0.0.1:${amPort}`;
  await waitForReady(`${amUrl}/-/ready`, 'alertmanager');

  // ---- our server ----
  const ourData = path.join(work, 'ours');
  const ours = await startOurServer({ label: 'our server', checkout: root, dataDir: ourData, children });
  const ourUrl = ours.url;
  const auth = ours.auth;

  // Ingest host by host (10 series × 8,640 samples a request), as a back-fill would.
  const cpuBefore = cpuSeconds(ours.child.pid!);
  const ingestStarted = Date.now();
  const shed = await ingestByHost(ours, series, startTs);
  const ourLoadS = (Date.now() - ingestStarted) / 1000;
  const ingestCpu = cpuSeconds(ours.child.pid!) - cpuBefore;

  // Scoring: the anomaly engine scores what was ingested; wait until its backlog is empty and
  // its scores stop growing. Scoring runs while ingest goes on, so the server's CPU from the
  // first ingest request to the last score counts as scoring: ingest, features, worker
  // scoring and score writes (bench:scoring measures the same alone).
  const done = await scoringDone(ours, HOSTS, startTs, end);
  const scored = done.scored;
  const scoringCpu = done.cpuSeconds - cpuBefore;
  // Every series of a host shares the host's score at a time: samples scored = times × series per host.
  const scoredSamples = scored * (series.length / HOSTS);
  const scoringSamplesPerCoreSecond = Math.round(scoredSamples / Math.max(scoringCpu, 0.001));

  // Make both sides settle (rollups written, Prometheus' head and compaction idle) before sizes.
  await fetch(`${ourUrl}/api/v1/metrics/query_range?match=node_bench_0&from=${startTs}&to=${end}&step=3600000`, { headers: auth });
  // Idle long enough for the server's periodic WAL checkpoint (10 s) to have run once.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const ourBytes = dirBytes(ourData);
  // The metrics feature's own tables (chunks, head, rollups, scores, series), page by page.
  const reader = new Database(path.join(ourData, 'smartcloudops.db'), { readonly: true });
  const metricBytes = reader.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'metric%'").pluck().get() as number;
  const tableBytes = reader.prepare('SELECT name, sum(pgsize) AS bytes, sum(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as { name: string; bytes: number; unused: number }[];
  reader.close();
  // Where the bytes of the data folder go: files, then tables and indexes page by page (with their free space).
  const files = fs.readdirSync(ourData).map((name) => ({ name, bytes: fs.statSync(path.join(ourData, name)).size }));
  console.log(`data folder: ${files.map((f) => `${f.name} ${(f.bytes / 1_048_576).toFixed(2)} MiB`).join(', ')}`);
  console.log(`tables and indexes: ${tableBytes.map((t) => `${t.name} ${(t.bytes / 1_048_576).toFixed(2)} MiB (${Math.round((100 * t.unused) / Math.max(1, t.bytes))}% unused)`).join(', ')}`);
  if (process.env.BENCH_KEEP) fs.cpSync(ourData, process.env.BENCH_KEEP, { recursive: true });
  const promBytes = dirBytes(promData);

  // ---- query rounds, A/B/A/B ----
  const stepS = (end - startTs) / 1000 / 2000;
  const ours1 = (i: number) => `/api/v1/metrics/query_range?${new URLSearchParams({ match: 'node_bench_0{host="h00"}', from: String(startTs - i), to: String(end), step: String(stepS * 1000), maxPoints: '2000' })}`;
  const prom1 = (i: number) => `/api/v1/query_range?${new URLSearchParams({ query: 'node_bench_0{host="h00"}', start: String((startTs - i) / 1000), end: String(end / 1000), step: String(stepS) })}`;
  const selector50 = '{__name__=~"node_bench_[0-4]",host=~"h0[0-9]"}';
  const ours50 = (i: number) => `/api/v1/metrics/query_range?${new URLSearchParams({ match: selector50, from: String(startTs - i), to: String(end), step: String(stepS * 1000), maxPoints: '2000' })}`;
  const prom50 = (i: number) => `/api/v1/query_range?${new URLSearchParams({ query: selector50, start: String((startTs - i) / 1000), end: String(end / 1000), step: String(stepS) })}`;
  const oursRaw = (i: number) => `/api/v1/metrics/query_range?${new URLSearchParams({ match: 'node_bench_0{host="h00"}', from: String(startTs - i), to: String(end), maxPoints: '8640' })}`;
  const promRaw = (i: number) => `/api/v1/query?${new URLSearchParams({ query: 'node_bench_0{host="h00"}[24h]', time: String((end + i) / 1000) })}`;
  const check = await (await fetch(`${ourUrl}${ours50(0)}`, { headers: auth })).json() as { series: { timestamps: number[] }[] };
  if (check.series.length !== 50) throw new Error(`50-series query matched ${check.series.length}`);
  const checkRaw = await (await fetch(`${ourUrl}${oursRaw(0)}`, { headers: auth })).json() as { series: { timestamps: number[] }[] };

  const figures: Record<string, { ours: Round[]; peer: Round[] }> = { one: { ours: [], peer: [] }, fifty: { ours: [], peer: [] }, raw: { ours: [], peer: [] } };
  for (let r = 0; r < 2; r++) {
    figures.one!.ours.push(await round(ourUrl, ours1, auth));
    figures.one!.peer.push(await round(promUrl, prom1, {}));
    figures.fifty!.ours.push(await round(ourUrl, ours50, auth));
    figures.fifty!.peer.push(await round(promUrl, prom50, {}));
    figures.raw!.ours.push(await round(ourUrl, oursRaw, auth));
    figures.raw!.peer.push(await round(promUrl, promRaw, {}));
  }

  // ---- alert rounds, A/B/A/B: 10,000 alerts in batches of 100, 4 requests in flight ----
  const alertRound = async (post: (batch: number, r: number) => Promise<Response>, r: number): Promise<number> => {
    const started = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < ALERTS / ALERT_BATCH) {
        const response = await post(next++, r);
        if (response.status !== 200) throw new Error(`alert batch: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return Math.round(ALERTS / (Number(process.hrtime.bigint() - started) / 1e9));
  };
  const alertsOf = (batch: number, r: number) =>
    Array.from({ length: ALERT_BATCH }, (_, i) => ({
      labels: { alertname: `BenchAlert${i % 8}`, instance: `i-${batch * ALERT_BATCH + i}`, round: String(r), severity: 'warning' },
      annotations: { summary: 'bench' },
      startsAt: new Date(end).toISOString(),
    }));
  const oursAlerts: number[] = [];
  const amAlerts: number[] = [];
  for (let r = 0; r < 2; r++) {
    oursAlerts.push(await alertRound((batch) => fetch(`${ourUrl}/api/v1/integrations/alertmanager`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', status: 'firing', receiver: 'bench', alerts: alertsOf(batch, r).map((a) => ({ status: 'firing', ...a, endsAt: '0001-01-01T00:00:00Z' })) }),
    }), r));
    amAlerts.push(await alertRound((batch) => fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alertsOf(batch, r)) }), r));
  }

  // ---- memory after the load, idle ----
  // Idle: past the server's quiet period (10 s, observability/idle-memory.ts) and its one collection.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const ourRss = rssMiB(ours.child.pid!);
  const promRss = rssMiB(prometheus.pid!);
  const ourRssParts = rssBreakdown(ours.child.pid!);
  const promRssParts = rssBreakdown(prometheus.pid!);

  // ---- scoring alone: a back-fill of the same samples stored unscored (a second server, after the memory figure) ----
  // The issue's figure is scoring end to end (read samples, features, score, store scores);
  // the load above interleaves it with the ingest's JSON parse and store append, so its CPU
  // counts both. Here a fresh folder is loaded with first models held off, and a server
  // started on it back-fills every stored sample (bench/support/our-server.ts, backfillRun).
  const backfill = await backfillRun({ label: 'our server (back-fill)', checkout: root, dataDir: path.join(work, 'ours-backfill'), children }, series, HOSTS, startTs, end);
  const backfillSamples = backfill.scored * (series.length / HOSTS);
  const backfillPerCoreSecond = Math.round(backfillSamples / Math.max(backfill.cpuSeconds, 0.001));

  // null when the peer managed nothing to compare with (a starved round on a loaded machine).
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const one = { ours: best(figures.one!.ours), peer: best(figures.one!.peer) };
  const fifty = { ours: best(figures.fifty!.ours), peer: best(figures.fifty!.peer) };
  const raw = { ours: best(figures.raw!.ours), peer: best(figures.raw!.peer) };
  const ourBps = ourBytes / samples;
  const promBps = promBytes / samples;
  const alertOurs = Math.max(...oursAlerts);
  const alertPeer = Math.max(...amAlerts);
  console.log(`load: ours ${ourLoadS.toFixed(1)} s through the ingest API (${ingestCpu.toFixed(1)} CPU-s incl. scoring meanwhile, ${shed} requests shed with 503 while scoring caught up), Prometheus ${promLoadS.toFixed(1)} s with promtool`);
  console.log(`raw query points: ours ${checkRaw.series[0]?.timestamps.length}`);
  console.log('| figure | ours | peer | ratio (ours vs peer, higher is better) |');
  console.log('|---|---|---|---|');
  console.log(`| bytes per sample on disk (whole data folder) | ${ourBps.toFixed(2)} | Prometheus ${promBps.toFixed(2)} | ${ratio(ourBps, promBps)}× the peer's size |`);
  console.log(`| bytes per sample, metric tables only | ${(metricBytes / samples).toFixed(2)} | Prometheus ${promBps.toFixed(2)} | ${ratio(metricBytes / samples, promBps)}× |`);
  console.log(`| range query, 1 series, 2,000 points, uncached | ${one.ours.requestsPerSecond} req/s, p99 ${one.ours.p99Ms} ms | ${one.peer.requestsPerSecond} req/s, p99 ${one.peer.p99Ms} ms | ${ratio(one.ours.requestsPerSecond, one.peer.requestsPerSecond)} |`);
  console.log(`| range query, 50 series × 2,000 points | ${fifty.ours.requestsPerSecond} req/s, p99 ${fifty.ours.p99Ms} ms | ${fifty.peer.requestsPerSecond} req/s, p99 ${fifty.peer.p99Ms} ms | ${ratio(fifty.ours.requestsPerSecond, fifty.peer.requestsPerSecond)} |`);
  console.log(`| raw 8,640 points | ${raw.ours.requestsPerSecond} req/s, p99 ${raw.ours.p99Ms} ms | ${raw.peer.requestsPerSecond} req/s, p99 ${raw.peer.p99Ms} ms | ${ratio(raw.ours.requestsPerSecond, raw.peer.requestsPerSecond)} |`);
  console.log(`| anomaly scoring end to end, a back-fill of the stored samples (read, features, score, store) | ${backfillSamples.toLocaleString('en')} samples in ${backfill.cpuSeconds.toFixed(1)} CPU-s of the server (${backfillPerCoreSecond.toLocaleString('en')} per CPU-s; ${backfill.wallSeconds.toFixed(1)} s wall from its start) | — | target ≥ 200,000 |`);
  console.log(`| anomaly scoring during the load, ingest included (JSON parse and store of the ingest too) | ${scoredSamples.toLocaleString('en')} samples in ${scoringCpu.toFixed(1)} CPU-s of the server (${scoringSamplesPerCoreSecond.toLocaleString('en')} per CPU-s) | — | — |`);
  console.log(`| alert ingest, ${ALERTS.toLocaleString('en')} alerts in batches of ${ALERT_BATCH} | ${alertOurs} alerts/s | Alertmanager ${alertPeer} | ${ratio(alertOurs, alertPeer)} |`);
  console.log(`| resident memory after load, idle | ${ourRss.toFixed(0)} MiB | Prometheus ${promRss.toFixed(0)} MiB | ${ratio(ourRss, promRss)}× the peer's |`);
  console.log(`resident memory, MiB: ours ${JSON.stringify(ourRssParts)}, Prometheus ${JSON.stringify(promRssParts)}`);
  const errors = [one, fifty, raw].reduce((n, f) => n + f.ours.errors + f.peer.errors, 0);
  if (errors > 0) console.log(`(${errors} failed requests in the kept rounds)`);
  console.log(`back-fill: server start-up ${backfill.startupCpuSeconds.toFixed(1)} CPU-s (not counted), its load through the ingest API beforehand ${backfill.loadCpuSeconds.toFixed(1)} CPU-s; CPU-s by thread: ${JSON.stringify(Object.fromEntries(Object.entries(backfill.threads).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
  console.log(`rounds (req/s): ${JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, { ours: v.ours.map((r) => r.requestsPerSecond), peer: v.peer.map((r) => r.requestsPerSecond) }])))}; alerts/s ours ${oursAlerts} peer ${amAlerts}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${((Date.now() - began) / 1000).toFixed(0)} s in all`);
  console.log(JSON.stringify({
    bytesPerSampleRatio: ratio(ourBps, promBps),
    rangeQuery1Ratio: ratio(one.ours.requestsPerSecond, one.peer.requestsPerSecond),
    rangeQuery50Ratio: ratio(fifty.ours.requestsPerSecond, fifty.peer.requestsPerSecond),
    rawQueryRatio: ratio(raw.ours.requestsPerSecond, raw.peer.requestsPerSecond),
    scoringSamplesPerCoreSecond: backfillPerCoreSecond,
    scoringIngestIncludedSamplesPerCoreSecond: scoringSamplesPerCoreSecond,
    alertIngestRatio: ratio(alertOurs, alertPeer),
    rssRatio: ratio(ourRss, promRss),
    metricTablesBytesPerSampleRatio: ratio(metricBytes / samples, promBps),
    bytesPerSample: { ours: Math.round(ourBps * 100) / 100, metricTables: Math.round((metricBytes / samples) * 100) / 100, prometheus: Math.round(promBps * 100) / 100 },
    rssMiB: { ours: Math.round(ourRss), prometheus: Math.round(promRss) },
    allocator: allocatorOf(serverRuntimeEnv()),
    rssParts: { ours: ourRssParts, prometheus: promRssParts },
  }));
} finally {
  await children.stopAll();
  fs.rmSync(work, { recursive: true, force: true });
}
