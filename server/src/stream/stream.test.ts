import { afterEach, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { SampleEventData, StreamResetData } from '../../../shared/api/stream.ts';

const T0 = Date.UTC(2026, 0, 1);
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function listeningServer(dataDir?: string): Promise<TestServer> {
  const server = await startTestServer({ listen: true, ...(dataDir ? { dataDir } : {}) });
  servers.push(server);
  return server;
}

interface Received {
  id: number;
  type: string;
  data: unknown;
}

/** An SSE client (the `eventsource` package) that records events; `lastEventId` resumes. */
async function connect(server: TestServer, options: { lastEventId?: number; query?: string } = {}) {
  const token = await server.tokenFor('viewer');
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const source = new EventSource(`${server.url}/api/v1/stream${options.query ?? ''}`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init?.headers, authorization: `Bearer ${token}`, ...(options.lastEventId === undefined ? {} : { 'last-event-id': String(options.lastEventId) }) },
      }),
  });
  for (const type of ['samples', 'anomaly_score', 'reset']) {
    source.addEventListener(type, (event) => {
      received.push({ id: Number(event.lastEventId), type, data: JSON.parse(event.data) });
      waiters.splice(0).forEach((wake) => wake());
    });
  }
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(new Error(`stream failed: ${error.message}`));
  });
  return {
    received,
    async waitFor(count: number): Promise<Received[]> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    close: () => source.close(),
  };
}

async function publishSamples(server: TestServer, values: number[]): Promise<void> {
  for (const value of values) await server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
}

const valuesOf = (events: Received[]) => events.flatMap((e) => (e.type === 'samples' ? (e.data as SampleEventData[]).map((s) => s.value) : []));

describe('live stream (SSE)', () => {
  it('requires a token with stream:read, from the header or the access_token query parameter', async () => {
    const server = await listeningServer();
    const anonymous = await fetch(`${server.url}/api/v1/stream`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('E_AUTH_REQUIRED');
    expect((await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);

    const controller = new AbortController();
    const viaQuery = await fetch(`${server.url}/api/v1/stream?access_token=${await server.tokenFor('viewer')}`, { signal: controller.signal, headers: { 'accept-encoding': 'gzip, br' } });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(viaQuery.headers.get('content-encoding')).toBeNull();
    controller.abort();
  });

  it('delivers new samples live, then resumes from Last-Event-ID with no gap and no duplicate', async () => {
    const server = await listeningServer();
    const first = await connect(server);
    await publishSamples(server, [1, 2, 3]);
    const seen = await first.waitFor(3);
    expect(valuesOf(seen)).toEqual([1, 2, 3]);
    expect(seen[0]!.data).toEqual([{ seriesId: expect.any(Number), name: 'node_load1', labels: { host: 'h' }, ts: T0 + 1000, value: 1 }]);
    first.close();

    await publishSamples(server, [4, 5]);
    const second = await connect(server, { lastEventId: seen[2]!.id });
    await publishSamples(server, [6]);
    const resumed = await second.waitFor(3);
    expect(valuesOf(resumed)).toEqual([4, 5, 6]);
    const ids = [...seen, ...resumed].map((e) => e.id);
    expect(ids).toEqual(Array.from({ length: 6 }, (_, i) => ids[0]! + i));
    second.close();
  });

  it('resumes across a server restart, since events are kept in SQLite', async () => {
    const server = await listeningServer();
    const client = await connect(server);
    await publishSamples(server, [1]);
    const [seen] = await client.waitFor(1);
    client.close();
    await publishSamples(server, [2, 3]);
    await server.app.close();
    servers.pop();

    const restarted = await listeningServer(server.dataDir);
    const resumed = await connect(restarted, { lastEventId: seen!.id });
    await publishSamples(restarted, [4]);
    const events = await resumed.waitFor(3);
    expect(valuesOf(events)).toEqual([2, 3, 4]);
    expect(events.map((e) => e.id)).toEqual([seen!.id + 1, seen!.id + 2, seen!.id + 3]);
    resumed.close();
  });

  it('keeps a position marker per sample event, not a copy of the samples, and replays them from the store', async () => {
    const server = await listeningServer();
    const client = await connect(server);
    await server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: Array.from({ length: 2500 }, (_, i) => [T0 + i * 1000, i] as [number, number]) }]);
    const live = await client.waitFor(3);
    client.close();
    expect(valuesOf(live)).toHaveLength(2500);
    const stored = (await server.app.ctx.sql.db.selectFrom('stream_events').select('data').where('type', '=', 'samples').orderBy('id').execute()).map((row) => row.data);
    expect(stored).toEqual(['null', 'null', expect.stringMatching(/^\{"after":\d+,"upTo":\d+\}$/)]);
    const resumed = await connect(server, { lastEventId: live[0]!.id - 1 });
    const replayed = await resumed.waitFor(1);
    expect(valuesOf(replayed)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    resumed.close();
  });

  it('sends a reset when the events after Last-Event-ID are not known, then continues live', async () => {
    const server = await listeningServer();
    await publishSamples(server, [1]);
    const client = await connect(server, { lastEventId: 999_999 });
    const [reset] = await client.waitFor(1);
    expect(reset!.type).toBe('reset');
    expect((reset!.data as StreamResetData).lastEventId).toBe(reset!.id);
    await publishSamples(server, [2]);
    const [, next] = await client.waitFor(2);
    expect(next!.id).toBe(reset!.id + 1);
    client.close();
  });

  it('forgets a client once it disconnects', async () => {
    const server = await listeningServer();
    const clients = async () => Number(/^smartcloudops_stream_clients (\d+)$/m.exec((await server.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);
    const client = await connect(server);
    expect(await clients()).toBe(1);
    client.close();
    while ((await clients()) !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await publishSamples(server, [1]);
    expect(await clients()).toBe(0);
  });

  it('ends open streams when the server shuts down, so closing does not wait for them', async () => {
    const server = await listeningServer();
    const response = await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: `Bearer ${await server.tokenFor('viewer')}` } });
    const reader = response.body!.getReader();
    await reader.read();
    await server.close();
    servers.pop();
    while (!(await reader.read()).done);
  });

  it('lets one user hold at most 16 streams, so one user cannot take every other user\'s live updates', async () => {
    const server = await listeningServer();
    /** Opens a stream and reads its first bytes; `close` hangs up. */
    const open = async (role: 'viewer' | 'operator') => {
      const response = await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: `Bearer ${await server.tokenFor(role)}` } });
      if (response.status !== 200) return { response, close: async () => undefined };
      const reader = response.body!.getReader();
      await reader.read();
      return { response, close: () => reader.cancel() };
    };
    const held: Awaited<ReturnType<typeof open>>[] = [];
    for (let i = 0; i < 16; i++) {
      const stream = await open('viewer');
      expect(stream.response.status).toBe(200);
      held.push(stream);
    }
    const refused = await open('viewer');
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('retry-after')).toBe('10');
    expect(await refused.response.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED', details: { maxStreamsPerUser: 16 } } });
    // Another user still gets one.
    const other = await open('operator');
    expect(other.response.status).toBe(200);
    await other.close();
    // A stream closed gives its place back.
    await held.pop()!.close();
    let again = await open('viewer');
    for (let tries = 0; again.response.status === 429 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await open('viewer');
    }
    expect(again.response.status).toBe(200);
    await again.close();
    for (const stream of held) await stream.close();
  });

  it('filters by event type and refuses unknown types', async () => {
    const server = await listeningServer();
    const client = await connect(server, { query: '?types=anomaly_score' });
    await publishSamples(server, [1]);
    server.app.ctx.events.publish({ type: 'anomaly_score', data: { id: 'a-1' } });
    const [only] = await client.waitFor(1);
    expect(only).toMatchObject({ type: 'anomaly_score', data: { id: 'a-1' } });
    client.close();
    const bad = await fetch(`${server.url}/api/v1/stream?types=bogus`, { headers: { authorization: `Bearer ${await server.tokenFor('viewer')}` } });
    expect(bad.status).toBe(400);
  });
});
