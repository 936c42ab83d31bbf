import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const unavailable = postgresUnavailable();

/**
 * Fifth attack round: `/ready` is public (load balancers and probes call it without a
 * credential), and while not ready it told anyone who asked where the data lives: the
 * PostgreSQL URL (host, port, user, database; the password masked) with the driver's own
 * message, or the data folder's path on a full disk. It says why in words and a
 * `details.reason` now; the log keeps the particulars.
 */
describe('what /ready tells an anonymous client', () => {
  const servers: TestServer[] = [];
  let postgres: TestPostgres | undefined;
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await postgres?.stop();
  }, 60_000);

  it('a full disk: not ready, storage_full, without the data folder', async () => {
    const server = await startTestServer();
    servers.push(server);
    const db = server.app.ctx.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const ingest = () => server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'filler', labels: {}, samples: Array.from({ length: 5000 }, (_, i) => [1_000_000 + i * 1000, Math.random() * 1e9]) }] } });
    let refused = await ingest();
    while (refused.statusCode !== 507) refused = await ingest();
    const ready = await server.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ error: { code: 'E_UNAVAILABLE', details: { reason: 'storage_full' } } });
    expect(ready.body).not.toContain(server.dataDir);
  });

  it.skipIf(unavailable !== undefined)('PostgreSQL lost: not ready, database_unreachable, without its URL or the driver message', async () => {
    postgres = await startTestPostgres();
    const url = new URL(await postgres.createDatabase('ready_disclosure'));
    const server = await startTestServer({ listen: true, env: { SMARTCLOUDOPS_DATABASE_URL: url.toString() }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sco-ready-')) });
    servers.push(server);
    await postgres.suspend();
    try {
      const ready = await server.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ error: { code: 'E_UNAVAILABLE', message: 'Database unreachable.', details: { reason: 'database_unreachable' } } });
      for (const part of [url.host, decodeURIComponent(url.username), url.pathname.slice(1), 'postgres://']) expect({ part, leaked: ready.body.includes(part) }).toEqual({ part, leaked: false });
    } finally {
      await postgres.resume();
    }
  }, 240_000);
});
