import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres replica tests skipped] ${unavailable}`);

const T0 = Date.UTC(2026, 0, 1);

interface Received {
  id: number;
  type: string;
  data: unknown;
}

/** An SSE client on `server` (bearer token of a viewer), recording events; `lastEventId` resumes. */
async function openStream(server: TestServer, lastEventId?: number) {
  const token = await server.tokenFor('viewer');
  const received: Received[] = [];
  const source = new EventSource(`${server.url}/api/v1/stream`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${token}`, ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) } }),
  });
  for (const type of ['samples', 'alert', 'reset']) source.addEventListener(type, (event) => received.push({ id: Number(event.lastEventId), type, data: JSON.parse(event.data) }));
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(new Error(`stream failed: ${error.message}`));
  });
  return { received, close: () => source.close() };
}

const sampleValues = (events: Received[]) => events.flatMap((e) => (e.type === 'samples' ? (e.data as { value: number }[]).map((s) => s.value) : []));

/** Two server replicas, each with its own data folder, on one real PostgreSQL database on loopback. */
describe.skipIf(unavailable !== undefined)('two replicas on one PostgreSQL', () => {
  let postgres: TestPostgres;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  let databases = 0;
  async function replicas(config: Parameters<typeof startTestServer>[0] = {}) {
    databases += 1;
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase(`replicas_${databases}`) };
    // Started together, as a Deployment does: both migrate, under the advisory lock, once.
    const [a, b] = await Promise.all([startTestServer({ ...config, env, listen: true }), startTestServer({ ...config, env, listen: true })]);
    servers.push(a!, b!);
    return { a: a!, b: b! };
  }

  it('an alert posted to replica A appears on a stream opened on replica B', async () => {
    const { a, b } = await replicas();
    const stream = await openStream(b);
    try {
      const pushed = await a.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', host: 'db-1' }, severity: 'critical' }] } });
      expect(pushed.statusCode).toBe(200);
      const alert = await eventually(() => stream.received.find((event) => event.type === 'alert'), (found) => found !== undefined, 60_000);
      expect(JSON.stringify(alert!.data)).toContain('DiskFull');
    } finally {
      stream.close();
    }
  }, 180_000);

  it('a client moving from replica A to replica B resumes by event id without gap or duplicate', async () => {
    const { a, b } = await replicas();
    const onA = await openStream(a);
    for (const value of [1, 2, 3]) a.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
    await eventually(() => sampleValues(onA.received), (values) => values.length === 3, 60_000);
    onA.close();
    const lastSeen = onA.received.at(-1)!.id;
    // Published on both replicas while the client is away.
    for (const value of [4, 5, 6, 7]) (value % 2 === 0 ? b : a).app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
    const onB = await openStream(b, lastSeen);
    try {
      const values = await eventually(() => sampleValues(onB.received), (got) => got.length >= 4, 60_000);
      expect([...values].sort((x, y) => x - y)).toEqual([4, 5, 6, 7]);
      const ids = onB.received.map((event) => event.id);
      expect(ids[0]).toBeGreaterThan(lastSeen);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      // Live after the replay, still on B: an event from A.
      a.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + 8000, 8]] }]);
      expect(await eventually(() => sampleValues(onB.received), (got) => got.includes(8), 60_000)).toHaveLength(5);
    } finally {
      onB.close();
    }
  }, 180_000);

  it('a login lockout taken on replica A holds on replica B', async () => {
    const { a, b } = await replicas({ config: { lockoutFailuresPerUser: 3, lockoutSeconds: 600 } });
    const login = (server: TestServer, password: string) => fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    for (let i = 0; i < 3; i++) expect((await login(a, 'wrong-password')).status).toBe(401);
    const refused = await login(b, TEST_ADMIN_PASSWORD);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('E_LOCKED_OUT');
  }, 180_000);
});

describe.skipIf(unavailable !== undefined)('a replica that loses its PostgreSQL', () => {
  let postgres: TestPostgres;
  let server: TestServer | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
  }, 60_000);

  it('is not ready and refuses writes with 503 while it is gone, and recovers by itself', async () => {
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase('outage') };
    server = await startTestServer({ env, listen: true, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sco-outage-')) });
    const token = await server.tokenFor('operator');
    const write = () => server!.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: { authorization: `Bearer ${token}` }, payload: { alerts: [{ status: 'firing', labels: { alertname: 'X' } }] } });
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);

    await postgres.suspend();
    const notReady = await server.app.inject({ method: 'GET', url: '/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().error.message).toMatch(/Database unreachable/);
    const refused = await eventually(write, (response) => response.statusCode === 503, 60_000);
    expect(refused.json().error.code).toBe('E_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('5');
    // Liveness is not readiness: the process is fine, the orchestrator must not restart it.
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    await postgres.resume();
    await eventually(() => server!.app.inject({ method: 'GET', url: '/ready' }), (response) => response.statusCode === 200, 90_000);
    expect((await eventually(write, (response) => response.statusCode === 200, 60_000)).statusCode).toBe(200);
    // Sessions survived (they are in the database): the token still authenticates.
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  }, 300_000);
});
