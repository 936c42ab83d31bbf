import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server.ts';
import { createServerAxios } from '../http/create-axios.ts';
import { createEventSender, type EventTarget } from '../ipc/send-event.ts';
import { sessionEventStream } from './session-event-stream.ts';
import { StreamRelay } from './stream-relay.ts';

/** A console window as far as main's sends go: an id and what it received. */
class Window implements EventTarget {
  readonly id: number;
  readonly received: Array<[string, unknown]> = [];
  private wake: () => void = () => {};
  constructor(id: number) {
    this.id = id;
  }
  isDestroyed() {
    return false;
  }
  send(channel: string, payload: unknown) {
    this.received.push([channel, payload]);
    this.wake();
  }
  async until(condition: () => boolean) {
    while (!condition()) await new Promise<void>((resolve) => (this.wake = resolve));
  }
  events(type: string) {
    return this.received.filter(([channel, payload]) => channel === 'stream.event' && (payload as { type: string }).type === type);
  }
}

describe('stream relay', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(() => server.close());

  it('fans one connection out to the windows by their topics', async () => {
    const metricsWindow = new Window(1);
    const alertsWindow = new Window(2);
    const idleWindow = new Window(3);
    const seen: string[] = [];
    const relay = new StreamRelay({ send: createEventSender(() => [metricsWindow, alertsWindow, idleWindow]), onEvent: (event) => seen.push(event.type) });
    relay.subscribe(metricsWindow.id, ['samples']);
    relay.subscribe(alertsWindow.id, ['alert']);
    relay.start(sessionEventStream({ http: createServerAxios(server.url, {}), bearer: () => server.tokenFor('viewer') }));
    await metricsWindow.until(() => relay.state().state === 'open');

    server.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[Date.UTC(2026, 0, 1), 1.5]] }]);
    await metricsWindow.until(() => metricsWindow.events('samples').length === 1);
    relay.stop();

    expect(metricsWindow.events('samples')[0]?.[1]).toMatchObject({ id: expect.any(Number), type: 'samples', data: [{ name: 'node_load1', value: 1.5 }] });
    expect(alertsWindow.events('samples')).toEqual([]);
    expect(idleWindow.received.filter(([channel]) => channel === 'stream.event')).toEqual([]);
    expect(seen).toContain('samples');
    expect(idleWindow.received.map(([channel, payload]) => [channel, (payload as { state: string }).state])).toEqual([
      ['stream.stateChanged', 'connecting'],
      ['stream.stateChanged', 'open'],
      ['stream.stateChanged', 'closed'],
    ]);
  });
});
