/**
 * `npm run bench:api`: throughput of an authenticated metrics range query (API key in the
 * bearer header, the path scripts take; and with a JWT, the console's path) beside an unauthenticated
 * `/health` in the same run, on a real server on loopback. Prints figures, then one JSON
 * object on the last line. Env: BENCH_DURATION (seconds per run, default 5),
 * BENCH_CONNECTIONS (default 10).
 */
import autocannon from 'autocannon';
import { startTestServer } from '../server/src/testing/test-server.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SAMPLES = 8640; // one day at a 10 s interval
const INTERVAL_MS = 10_000;

interface RunFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

async function run(url: string, headers: Record<string, string> = {}): Promise<RunFigures> {
  // Workers keep the load generator off the server's event loop, which shares this process.
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION, workers: 1 });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const server = await startTestServer({ listen: true });
try {
  const end = Date.now();
  const start = end - SAMPLES * INTERVAL_MS;
  const samples = Array.from({ length: SAMPLES }, (_, i) => [start + i * INTERVAL_MS, 50 + 30 * Math.sin(i / 360) + Math.random() * 5]);
  const ingest = await server.injectAs('admin', {
    method: 'POST',
    url: '/api/v1/metrics/ingest',
    payload: { series: [{ name: 'bench_cpu_percent', labels: { host: 'bench-1' }, samples }] },
  });
  if (ingest.statusCode !== 200) throw new Error(`seeding failed: ${ingest.body}`);

  const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'bench', role: 'viewer', scopes: ['metrics:read'] } });
  if (created.statusCode !== 201) throw new Error(`API key creation failed: ${created.body}`);
  const auth = { authorization: `Bearer ${(created.json() as { secret: string }).secret}` };

  const query = new URLSearchParams({ match: 'bench_cpu_percent{host="bench-1"}', from: String(start), to: String(end) });
  const queryUrl = `${server.url}/api/v1/metrics/query_range?${query}`;
  const check = await fetch(queryUrl, { headers: auth });
  const body = (await check.json()) as { series: Array<{ timestamps: number[] }> };
  if (check.status !== 200 || body.series[0]?.timestamps.length === undefined) throw new Error(`range query failed: ${check.status}`);
  const points = body.series[0].timestamps.length;

  const health = await run(`${server.url}/health`);
  const rangeQuery = await run(queryUrl, auth);
  const rangeQueryJwt = await run(queryUrl, { authorization: `Bearer ${await server.tokenFor('viewer')}` });
  const ratio = Number((rangeQuery.requestsPerSecond / health.requestsPerSecond).toFixed(3));

  console.log(`seeded ${SAMPLES} samples; range query answers ${points} points per request (LTTB, cached after the first)`);
  console.log(`/health (unauthenticated):              ${health.requestsPerSecond} req/s, p50 ${health.latencyP50Ms} ms, p99 ${health.latencyP99Ms} ms`);
  console.log(`/metrics/query_range (API key, 1 day):  ${rangeQuery.requestsPerSecond} req/s, p50 ${rangeQuery.latencyP50Ms} ms, p99 ${rangeQuery.latencyP99Ms} ms`);
  console.log(`/metrics/query_range (JWT, 1 day):      ${rangeQueryJwt.requestsPerSecond} req/s, p50 ${rangeQueryJwt.latencyP50Ms} ms, p99 ${rangeQueryJwt.latencyP99Ms} ms`);
  console.log(`ratio query (API key) / health: ${ratio}`);
  console.log(JSON.stringify({
    bench: 'api',
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    samples: SAMPLES,
    pointsPerResponse: points,
    health,
    rangeQuery,
    rangeQueryJwt,
    ratio,
  }));
  if ([health, rangeQuery, rangeQueryJwt].some((figures) => figures.non2xx + figures.errors > 0)) process.exitCode = 1;
} finally {
  await server.close();
}
