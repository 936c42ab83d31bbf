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
