import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/eventually.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { startTcpRelay, type TcpRelay } from '../../testing/tcp-relay.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[network partition test skipped] ${unavailable}`);

/** `work`'s outcome, or a failure naming what hung once `ms` have passed. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A partition between a replica and PostgreSQL: its open connections go silent (no FIN, no
 * RST, as with a lost node or link), so nothing but the replica's own checks can tell them
 * dead. Before, a request riding one of them waited forever, and so did every later one once
 * the pool's ten connections were stuck, also after the database was reachable again.
 */
describe.skipIf(unavailable !== undefined)('a replica cut off from PostgreSQL without a disconnect', () => {
  let postgres: TestPostgres;
  let relay: TcpRelay;
  let server: TestServer | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    // The relay first: what is still silent then ends, so the server's shutdown waits on nothing.
    await relay?.close();
    await server?.close();
    await postgres?.stop();
  }, 60_000);

  it('answers 503 to the requests caught in it rather than hanging, and serves again once the link is back', async () => {
    const direct = new URL(await postgres.createDatabase('partition'));
    relay = await startTcpRelay(Number(direct.port));
    direct.port = String(relay.port);
    server = await startTestServer({ env: { SMARTCLOUDOPS_DATABASE_URL: direct.toString() }, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sco-partition-')) });
    const list = () => server!.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' });
    expect((await list()).statusCode).toBe(200);

    relay.blackhole();
    // The session check and the read ride pooled connections that will never answer.
    const caught = await within(45_000, 'a read during the partition', list());
    expect(caught.statusCode).toBe(503);
    expect(caught.json()).toMatchObject({ error: { code: 'E_UNAVAILABLE' } });
    expect(caught.headers['retry-after']).toBe('5');
    expect(caught.body).not.toMatch(/\bat .*\.ts:\d+/);

    relay.heal();
    // The silent connections are gone from the pool: fresh ones serve as soon as the link is back.
    const served = await eventually(() => within(45_000, 'a read after the partition', list()), (response) => response.statusCode === 200, 90_000);
    expect(served.statusCode).toBe(200);
  }, 240_000);
});
