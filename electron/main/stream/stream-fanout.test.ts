import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import type { ReceivedStreamEvent, StreamHandlers, StreamSource } from '../sync/stream-source.ts';
import { fanOutStream } from './stream-fanout.ts';

/** A source that records its connections; the test drives their events. */
function recordingSource() {
  const connections: { lastEventId: string | null; handlers: StreamHandlers; closed: boolean }[] = [];
  const source: StreamSource = {
    connect(lastEventId, handlers) {
      const connection = { lastEventId, handlers, closed: false };
      connections.push(connection);
      return { close: () => void (connection.closed = true) };
    },
  };
  return { source, connections };
}

function listener() {
  const heard: string[] = [];
  const handlers: StreamHandlers = {
    onOpen: () => heard.push('open'),
    onEvent: (event: ReceivedStreamEvent) => heard.push(`${event.type}#${event.id}`),
    onError: (error) => heard.push(`error:${error.code}`),
  };
  return { heard, handlers };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('fanOutStream', () => {
  it('opens one connection for the listeners of a tick, from the oldest id asked for, and gives each every event', async () => {
    const { source, connections } = recordingSource();
    const shared = fanOutStream(source);
    const relay = listener();
    const sync = listener();
    shared.connect(null, relay.handlers);
    shared.connect('41', sync.handlers);
    await tick();
    expect(connections.map((c) => c.lastEventId)).toEqual(['41']);

    connections[0]!.handlers.onOpen();
    connections[0]!.handlers.onEvent({ id: '42', type: 'alert', data: {} });
    connections[0]!.handlers.onError(new AppError('E_NETWORK'));
    expect(relay.heard).toEqual(['open', 'alert#42', 'error:E_NETWORK']);
    expect(sync.heard).toEqual(relay.heard);
  });

  it('lets a late listener join the open connection, and closes it when the last one leaves', async () => {
    const { source, connections } = recordingSource();
    const shared = fanOutStream(source);
    const first = shared.connect(null, listener().handlers);
    await tick();
    connections[0]!.handlers.onOpen();

    const late = listener();
    const second = shared.connect('7', late.handlers);
    await tick();
    expect(late.heard).toEqual(['open']);
    expect(connections).toHaveLength(1);

    first.close();
    expect(connections[0]!.closed).toBe(false);
    second.close();
    expect(connections[0]!.closed).toBe(true);

    shared.connect(null, listener().handlers);
    await tick();
    expect(connections).toHaveLength(2);
  });
});
