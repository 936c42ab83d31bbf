import pino from 'pino';
import type { startTestServer as StartTestServer, TestServer } from '../../server/src/testing/test-server.ts';

/**
 * A server with one Prometheus data source, as bench:datasource and bench:datasource-ab
 * measure it: listening, at the production default log level (its access lines written
 * synchronously to /dev/null), rate limit out of the way, the cache on or off. `start` is
 * passed in because bench:datasource-ab loads another checkout's test server.
 */
export async function startBenchProxy(
  start: typeof StartTestServer,
  prometheusUrl: string,
  cacheMaxBytes: number,
): Promise<{ server: TestServer; base: string; headers: Record<string, string> }> {
  const server = await start({
    listen: true,
    config: { logLevel: 'info' },
    logStream: pino.destination({ dest: '/dev/null', sync: true }),
    datasources: { cacheMaxBytes, cacheTtlMs: 10 * 60_000, queriesPerMinute: 1_000_000_000 },
  });
  const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'bench', type: 'prometheus', url: prometheusUrl, scrapeIntervalSeconds: 60 } });
  if (created.statusCode !== 201) throw new Error(`creating the source failed: ${created.body}`);
  // A viewer's session token: the metrics explorer's path.
  return { server, base: `${server.url}/api/v1/datasources/${(created.json() as { id: number }).id}`, headers: { authorization: `Bearer ${await server.tokenFor('viewer')}` } };
}
