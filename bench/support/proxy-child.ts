/**
 * A child process of bench:datasource-ab: the data source proxies of one checkout (its root
 * is the first argument), one with the cache off and one with it on, on the Prometheus at
 * the second argument. Prints one JSON line (each proxy's query URL base and auth header),
 * then runs until its stdin closes. A process per checkout, because two checkouts' test
 * servers cannot share one process (each loads its own copy of vitest's module state).
 */
import path from 'node:path';
import { startBenchProxy } from './bench-proxy.ts';
import type { startTestServer as StartTestServer } from '../../server/src/testing/test-server.ts';

const [root, prometheusUrl] = process.argv.slice(2);
if (!root || !prometheusUrl) throw new Error('usage: proxy-child.ts <checkout root> <prometheus url>');
type Start = typeof StartTestServer;
const { startTestServer } = (await import(path.join(path.resolve(root), 'server/src/testing/test-server.ts'))) as { startTestServer: Start };

const servers: Awaited<ReturnType<Start>>[] = [];
async function proxy(cacheMaxBytes: number) {
  const { server, base, headers } = await startBenchProxy(startTestServer, prometheusUrl!, cacheMaxBytes);
  servers.push(server);
  return { base, headers };
}
const uncached = await proxy(0);
const cached = await proxy(256 * 1024 * 1024);
process.stdout.write(`${JSON.stringify({ uncached, cached })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void Promise.all(servers.map((server) => server.close())).finally(() => process.exit(0));
});
