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

/** The window relay connected "from now", open, and the alert event `id` delivered to it: where the sync engine joins later. */
async function relayThatHeard(id: string) {
  const { source, connections } = recordingSource();
  const shared = fanOutStream(source);
  const relay = listener();
  shared.connect(null, relay.handlers);
  await tick();
  connections[0]!.handlers.onOpen();
  connections[0]!.handlers.onEvent({ id, type: 'alert', data: {} });
  return { connections, shared, relay };
}

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
    const second = shared.connect(null, late.handlers);
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

  it('replays to a listener that joins later from an older event id (the sync engine after the relay), without repeating events to the others', async () => {
    const { connections, shared, relay } = await relayThatHeard('50');

    // The engine's stored cursor is 41: events 42 to 50 happened while the app was closed.
    const sync = listener();
    shared.connect('41', sync.handlers);
    await tick();
    expect(connections.map((c) => c.lastEventId)).toEqual([null, '41']);
    expect(connections[0]!.closed).toBe(true);
    const replay = connections[1]!.handlers;
    replay.onOpen();
    for (const id of ['42', '50', '51']) replay.onEvent({ id, type: 'timeline', data: {} });
    expect(sync.heard).toEqual(['open', 'timeline#42', 'timeline#50', 'timeline#51']);
    expect(relay.heard).toEqual(['open', 'alert#50', 'open', 'timeline#51']);
  });

  it('replays to a listener that reconnects from the last event it stored while others stayed (the sync engine after a storage failure)', async () => {
    const { source, connections } = recordingSource();
    const shared = fanOutStream(source);
    const relay = listener();
    const sync = listener();
    shared.connect(null, relay.handlers);
    const first = shared.connect('10', sync.handlers);
    await tick();
    connections[0]!.handlers.onOpen();
    connections[0]!.handlers.onEvent({ id: '11', type: 'incident', data: {} });
    // 12 could not be stored: the engine leaves and comes back from 11.
    connections[0]!.handlers.onEvent({ id: '12', type: 'incident', data: {} });
    first.close();
    connections[0]!.handlers.onEvent({ id: '13', type: 'incident', data: {} });
    const again = listener();
    shared.connect('11', again.handlers);
    await tick();
    expect(connections.map((c) => c.lastEventId)).toEqual(['10', '11']);
    connections[1]!.handlers.onOpen();
    for (const id of ['12', '13', '14']) connections[1]!.handlers.onEvent({ id, type: 'incident', data: {} });
    expect(again.heard).toEqual(['open', 'incident#12', 'incident#13', 'incident#14']);
    expect(relay.heard).toEqual(['open', 'incident#11', 'incident#12', 'incident#13', 'open', 'incident#14']);
  });

  it('lets a listener join without a new connection when it asks for no more than the connection has delivered since', async () => {
    const { source, connections } = recordingSource();
    const shared = fanOutStream(source);
    shared.connect('5', listener().handlers);
    await tick();
    connections[0]!.handlers.onOpen();
    connections[0]!.handlers.onEvent({ id: '6', type: 'alert', data: {} });
    const late = listener();
    shared.connect('6', late.handlers);
    await tick();
    expect(connections).toHaveLength(1);
    connections[0]!.handlers.onEvent({ id: '7', type: 'alert', data: {} });
    expect(late.heard).toEqual(['open', 'alert#7']);
  });

  it('skips nothing after a reset: a restored server numbers its events from lower again', async () => {
    const { connections, shared, relay } = await relayThatHeard('500');
    const sync = listener();
    shared.connect('400', sync.handlers);
    await tick();
    // The server was restored from a backup: its newest event is 3.
    connections[1]!.handlers.onOpen();
    connections[1]!.handlers.onEvent({ id: '3', type: 'reset', data: {} });
    connections[1]!.handlers.onEvent({ id: '4', type: 'alert', data: {} });
    expect(sync.heard).toEqual(['open', 'reset#3', 'alert#4']);
    expect(relay.heard).toEqual(['open', 'alert#500', 'open', 'reset#3', 'alert#4']);
  });
});
