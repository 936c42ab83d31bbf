import { describe, expect, it, vi } from 'vitest';
import { openEventSourceStream } from './event-source-stream.ts';

/** jsdom has no EventSource; this stands in for the browser's, driven by the test. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, (event: MessageEvent) => void>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.readyState = 2;
  }
  emit(type: string, data: unknown, id: string) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
  }
}

describe('the web live stream', () => {
  it('passes a stream ticket (never the access token) in the query, reports live, and relays typed events', async () => {
    vi.stubGlobal('EventSource', Object.assign(FakeEventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 }));
    const onEvent = vi.fn();
    const onStatus = vi.fn();
    const close = openEventSourceStream({
      baseURL: 'http://127.0.0.1:1',
      ticket: async () => 'sst_one',
      onEvent,
      onReset: vi.fn(),
      onStatus,
      createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    });
    await vi.waitFor(() => expect(FakeEventSource.instances.at(-1)?.url).toBe('http://127.0.0.1:1/api/v1/stream?ticket=sst_one'), { timeout: 30_000 });
    const source = FakeEventSource.instances.at(-1) as FakeEventSource;
    source.onopen?.();
    expect(onStatus).toHaveBeenLastCalledWith({ state: 'live', errorCode: null });
    source.emit('alert', { action: 'created' }, '41');
    expect(onEvent).toHaveBeenCalledWith({ type: 'alert', data: { action: 'created' }, id: 41 });
    close();
    expect(source.readyState).toBe(2);
    vi.unstubAllGlobals();
  });

  it('fetches a new ticket and resumes from the last id after the browser gives up', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('EventSource', Object.assign(FakeEventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 }));
    let n = 0;
    const ticket = vi.fn(async () => `sst_${++n}`);
    const onStatus = vi.fn();
    const close = openEventSourceStream({
      baseURL: '',
      ticket,
      onEvent: vi.fn(),
      onReset: vi.fn(),
      onStatus,
      createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    });
    await vi.runOnlyPendingTimersAsync();
    const first = FakeEventSource.instances.at(-1) as FakeEventSource;
    expect(first.url).toBe('/api/v1/stream?ticket=sst_1');
    first.emit('samples', [], '7');
    first.readyState = 2;
    first.onerror?.();
    expect(onStatus).toHaveBeenLastCalledWith({ state: 'reconnecting', errorCode: 'E_NETWORK' });
    await vi.runOnlyPendingTimersAsync();
    const second = FakeEventSource.instances.at(-1) as FakeEventSource;
    expect(ticket).toHaveBeenCalledTimes(2);
    expect(second.url).toBe('/api/v1/stream?ticket=sst_2&lastEventId=7');
    close();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
});
