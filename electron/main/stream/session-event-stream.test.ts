import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import type { AppError } from '../../../shared/errors.ts';
import { createServerAxios } from '../http/create-axios.ts';
import type { ReceivedStreamEvent, StreamConnection } from '../sync/stream-source.ts';
import { sessionEventStream } from './session-event-stream.ts';

const T0 = Date.UTC(2026, 0, 1);

function publishSamples(server: TestServer, values: number[]): void {
  for (const value of values) server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[T0 + value * 1000, value]] }]);
}

/** Collects events and lets a test wait for a condition on them, event-driven. */
function collector() {
  const events: ReceivedStreamEvent[] = [];
  const errors: AppError[] = [];
  let opens = 0;
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  return {
    events,
    errors,
    get opens() {
      return opens;
    },
    values: () => events.flatMap((event) => (event.type === 'samples' ? (event.data as SampleEventData[]).map((sample) => sample.value) : [])),
    handlers: {
      onOpen: () => {
        opens += 1;
        notify();
      },
      onEvent: (event: ReceivedStreamEvent) => {
        events.push(event);
        notify();
      },
      onError: (error: AppError) => {
        errors.push(error);
        notify();
      },
    },
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('main\'s live stream client against the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(() => server.close());

  it('receives events live and resumes after the last one it saw', async () => {
    const stream = sessionEventStream({ http: createServerAxios(server.url, {}), bearer: () => server.tokenFor('viewer') });
    const first = collector();
    let connection: StreamConnection = stream.connect(null, first.handlers);
    await first.until(() => first.opens === 1);
    publishSamples(server, [1, 2]);
    await first.until(() => first.values().length === 2);
    connection.close();
    const lastSeen = first.events.at(-1)!.id;
    expect(lastSeen).toMatch(/^\d+$/);

    publishSamples(server, [3, 4]);
    const second = collector();
    connection = stream.connect(lastSeen, second.handlers);
    await second.until(() => second.values().length === 2);
    expect(second.values()).toEqual([3, 4]);
    connection.close();
  });

  it('reports a refused connection with its catalogue code and keeps trying', async () => {
    const stream = sessionEventStream({ http: createServerAxios(server.url, {}), bearer: async () => 'not-a-token', reconnectDelayMs: { base: 5, max: 20 } });
    const received = collector();
    const connection = stream.connect(null, received.handlers);
    await received.until(() => received.errors.length >= 2);
    connection.close();
    expect(received.errors[0]?.code).toBe('E_TOKEN_INVALID');
    expect(received.opens).toBe(0);
  });
});

describe('main\'s live stream client against a server that goes silent', () => {
  type Mode = 'no-headers' | 'silent' | 'heartbeats-then-silent' | 'endless-line' | 'endless-error';
  let mode: Mode = 'silent';
  let requests = 0;
  /** Bytes of the error answer the server got rid of (written to the socket) before the client hung up. */
  let errorBytes = 0;
  let heartbeatsSent = 0;
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  const server = http.createServer((request, response) => {
    requests += 1;
    notify();
    if (mode === 'no-headers') return;
    if (mode === 'endless-error') {
      // A refusal whose body goes on and on (32 MiB here, without end from a hostile server).
      response.writeHead(503, { 'content-type': 'application/json' });
      errorBytes = 0;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (errorBytes < 32 * 1024 * 1024) {
          errorBytes += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    if (mode === 'silent') return;
    if (mode === 'endless-line') {
      response.write('data: ');
      const flood = setInterval(() => response.write('x'.repeat(1_024)), 5);
      response.on('close', () => clearInterval(flood));
      return;
    }
    const beat = setInterval(() => {
      if (heartbeatsSent >= 8) return clearInterval(beat);
      response.write(':\n\n');
      heartbeatsSent += 1;
      notify();
    }, 40);
    response.on('close', () => clearInterval(beat));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
  };

  for (const silentMode of ['no-headers', 'silent'] as const) {
    it(`drops a connection that stays silent (${silentMode === 'no-headers' ? 'not even headers' : 'after the headers'}) and opens another`, async () => {
      mode = silentMode;
      requests = 0;
      const stream = sessionEventStream({ http: createServerAxios(url, {}), bearer: async () => 'token', idleTimeoutMs: 150, reconnectDelayMs: { base: 5, max: 20 } });
      const received = collector();
      const connection = stream.connect(null, { ...received.handlers, onError: (error) => { received.handlers.onError(error); notify(); } });
      await received.until(() => received.errors.length >= 1);
      await until(() => requests >= 2);
      connection.close();
      expect(received.errors[0]).toMatchObject({ code: 'E_TIMEOUT' });
      if (silentMode === 'no-headers') expect(received.opens).toBe(0);
      else expect(received.opens).toBeGreaterThanOrEqual(1);
    });
  }

  it('keeps a connection that sends heartbeats, and drops it once they stop', async () => {
    mode = 'heartbeats-then-silent';
    heartbeatsSent = 0;
    const stream = sessionEventStream({ http: createServerAxios(url, {}), bearer: async () => 'token', idleTimeoutMs: 150, reconnectDelayMs: { base: 5, max: 20 } });
    const received = collector();
    const connection = stream.connect(null, received.handlers);
    // Eight heartbeats 40 ms apart: 320 ms, twice the idle timeout, without a drop.
    await until(() => heartbeatsSent >= 8);
    expect(received.errors).toEqual([]);
    await received.until(() => received.errors.length >= 1);
    connection.close();
    expect(received.errors[0]).toMatchObject({ code: 'E_TIMEOUT' });
  });

  it('drops a connection whose event never ends (an endless line), and opens another', async () => {
    mode = 'endless-line';
    requests = 0;
    const stream = sessionEventStream({ http: createServerAxios(url, {}), bearer: async () => 'token', maxEventChars: 64 * 1024, reconnectDelayMs: { base: 5, max: 20 } });
    const received = collector();
    const connection = stream.connect(null, received.handlers);
    await received.until(() => received.errors.length >= 1);
    await until(() => requests >= 2);
    connection.close();
    expect(received.errors[0]).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' });
  });

  it('reads only the start of a refusal\'s body: one that never ends cannot fill main\'s memory or hold the stream', async () => {
    mode = 'endless-error';
    const stream = sessionEventStream({ http: createServerAxios(url, {}), bearer: async () => 'token', reconnectDelayMs: { base: 5, max: 20 } });
    const received = collector();
    const connection = stream.connect(null, received.handlers);
    await received.until(() => received.errors.length >= 1);
    connection.close();
    expect(received.opens).toBe(0);
    // What the client read before hanging up, and what the sockets' buffers took: far from all 32 MiB.
    expect(errorBytes).toBeLessThan(8 * 1024 * 1024);
  });
});
