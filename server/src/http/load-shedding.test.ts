import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { QueryCache } from '../metrics/query-cache.ts';
import { SCORING_PAGE_ROWS } from '../anomaly/service.ts';

/**
 * Queues are bounded and a full one sheds load at the door: ingest answers 503 with
 * Retry-After while too many stored samples wait to be scored, the scorer holds at most a
 * page of them in memory however far behind it is, nothing is dropped (every stored time
 * is scored once scoring catches up), and ingest is accepted again once it has.
 */
describe('bounded queues and load shedding', () => {
  let server: TestServer;
  const MAX_BACKLOG = 50;
  const MIN_TRAIN_ROWS = 20;

  beforeAll(async () => {
    // Training on the 20th row keeps the target's queue busy in a worker while batches keep coming.
    server = await startTestServer({ anomaly: { maxBacklog: MAX_BACKLOG, minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1 } });
  });
  afterAll(() => server.close());

  let batch = 0;
  let accepted = 0;
  const ingest = () => {
    const start = Date.UTC(2026, 0, 1) + batch++ * 2_000_000;
    const samples = Array.from({ length: 2000 }, (_, i) => [start + i * 1000, Math.sin(i)]);
    return server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'shed_test', labels: { host: 'shed-1' }, samples }] } });
  };

  it('answers 503 with Retry-After while the scoring backlog is full, holds at most a page in memory, drops nothing and recovers', async () => {
    let shed: Awaited<ReturnType<typeof ingest>> | undefined;
    for (let attempt = 0; attempt < 200 && !shed; attempt++) {
      const response = await ingest();
      expect(server.app.anomaly.backlog.held).toBeLessThanOrEqual(SCORING_PAGE_ROWS);
      if (response.statusCode === 503) shed = response;
      else {
        expect(response.statusCode).toBe(200);
        accepted += 2000;
      }
    }
    expect(shed, 'ingest was never shed').toBeDefined();
    expect(shed!.headers['retry-after']).toBe('5');
    expect(shed!.json().error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(server.app.anomaly.backlog.waiting).toBeGreaterThanOrEqual(MAX_BACKLOG);
    // Reads are not shed.
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/series' })).statusCode).toBe(200);

    await server.app.anomaly.idle();
    expect(server.app.anomaly.backlog).toMatchObject({ waiting: 0, held: 0 });
    // Every accepted time is scored but those the first model was trained on.
    expect((await server.app.metrics.storage.readScores('shed-1', 0, Number.MAX_SAFE_INTEGER)).length).toBe(accepted - MIN_TRAIN_ROWS);
    expect((await ingest()).statusCode).toBe(200);
  }, 300_000);
});

describe('query cache bound in bytes', () => {
  const answer = (n: number) => ({ resolution: 'raw' as const, timestamps: Float64Array.from({ length: n }, (_, i) => i), values: new Float64Array(n).fill(1) });

  it('counts keys and bookkeeping, not only points, and keeps no answer larger than itself', () => {
    const cache = new QueryCache({ maxBytes: 100_000 });
    // Many tiny answers under long keys: few points, yet they fill the cache.
    for (let i = 0; i < 1000; i++) cache.set(`${'k'.repeat(500)}${i}`, i, 0, 10, answer(1));
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.stats().entries).toBeLessThan(1000);
    cache.set('huge', 1, 0, 10, answer(100_000));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.stats().points).toBe(cache.stats().entries);
  });

  it('forgets the keys asked for once when the server is quiet, as it drops unread answers', () => {
    const cache = new QueryCache({ maxBytes: 100_000 });
    expect(cache.admit('a')).toBe(false);
    expect(cache.admit('a')).toBe(true);
    expect(cache.admit('b')).toBe(false);
    cache.dropUnread();
    // After a quiet spell 'b' is a first ask again: its key was not held through it.
    expect(cache.admit('b')).toBe(false);
  });
});

/**
 * Large write bodies share a budget (http/body-budget.ts): a dozen 64 MiB ingests at once
 * took the server to gigabytes while they were parsed. One is always admitted; beyond the
 * budget a large write is answered 503 with Retry-After before its body is read; small
 * writes (alerts, a collector's batch) are not counted.
 */
describe('large write bodies in flight', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    token = await server.tokenFor('admin');
  });
  afterAll(() => server.close());

  /** A POST whose headers declare `length` bytes, of which nothing is sent yet. */
  const declare = (length: number) => {
    const url = new URL('/api/v1/metrics/ingest', server.url);
    const request = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(length) } });
    request.on('error', () => {});
    request.flushHeaders();
    const answered = new Promise<{ status: number; retryAfter: string | undefined; connection: string | undefined; body: string }>((resolve) =>
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] as string | undefined, connection: response.headers.connection, body }));
      }),
    );
    return { request, answered };
  };

  it('admits one large body, sheds another with Retry-After before reading it, counts no small one, and frees the budget when a client goes away', async () => {
    const first = declare(40 * 1_048_576);
    await eventually(() => server.app.writeBodies.inFlight(), (bytes) => bytes === 40 * 1_048_576);

    const second = declare(30 * 1_048_576);
    const shed = await second.answered;
    expect(shed.status).toBe(503);
    expect(shed.retryAfter).toBe('2');
    expect(JSON.parse(shed.body).error).toMatchObject({ code: 'E_UNAVAILABLE', details: { queue: 'write bodies in flight' } });
    // The refused body is never read: the server closes the connection after its answer.
    // (Kept alive, Node waited for the 30 MiB to discard them, and this client, sending
    // nothing more, held the connection, and the server's close, for the request timeout.)
    expect(shed.connection).toBe('close');
    await eventually(() => second.request.socket?.destroyed ?? true, Boolean);

    const small = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'budget_test', labels: { host: 'b-1' }, samples: [[Date.UTC(2026, 0, 1), 1]] }] } });
    expect(small.statusCode).toBe(200);

    // The first client gives up half way: its bytes are free again.
    first.request.write('{"series":[');
    first.request.destroy();
    await eventually(() => server.app.writeBodies.inFlight(), (bytes) => bytes === 0);

    const samples = Array.from({ length: 80_000 }, (_, i) => [Date.UTC(2026, 0, 2) + i * 1000, i % 97]);
    const large = await fetch(`${server.url}/api/v1/metrics/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ series: [{ name: 'budget_test', labels: { host: 'b-2' }, samples }] }) });
    expect(large.status).toBe(200);
    expect(server.app.writeBodies.inFlight()).toBe(0);
    // In process (inject) too: the answer frees the bytes (once scoring has taken the samples
    // above, whose backlog sheds ingest on its own).
    await server.app.anomaly.idle();
    const injected = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'budget_test', labels: { host: 'b-3' }, samples }] } });
    expect(injected.statusCode).toBe(200);
    expect(server.app.writeBodies.inFlight()).toBe(0);
  }, 60_000);

  /**
   * Request bodies may come compressed (@fastify/compress undoes gzip, deflate, br, zstd), up to the
   * route's limit once unpacked: 155 KiB of gzip is 60 MiB of ingest JSON. Counted by their
   * Content-Length, eight such bodies at once were all admitted and took the server from 258 MiB
   * to 1.75 GiB resident, the memory the budget exists to bound.
   */
  it('counts a compressed body at the route limit, since that is what it may unpack to', async () => {
    // The samples of the test before are scored first: a scoring backlog sheds ingest on its own.
    await server.app.anomaly.idle();
    const first = declare(40 * 1_048_576);
    await eventually(() => server.app.writeBodies.inFlight(), (bytes) => bytes === 40 * 1_048_576);

    const json = JSON.stringify({ series: [{ name: 'budget_test', labels: { host: 'gz-1' }, samples: [[Date.UTC(2026, 0, 3), 1]] }] });
    const post = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(new URL('/api/v1/metrics/ingest', server.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        });
        request.on('error', reject);
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        });
        request.end(zlib.gzipSync(json));
      });
    const shed = await post();
    expect(shed.status).toBe(503);
    expect(JSON.parse(shed.body).error).toMatchObject({ code: 'E_UNAVAILABLE', details: { queue: 'write bodies in flight' } });

    first.request.destroy();
    await eventually(() => server.app.writeBodies.inFlight(), (bytes) => bytes === 0);
    // Alone it is admitted and unpacked, and its bytes are freed with the answer.
    expect(await post()).toMatchObject({ status: 200 });
    expect(server.app.writeBodies.inFlight()).toBe(0);
  }, 60_000);
});
