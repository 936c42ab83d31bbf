import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../shared/ipc/contract.ts';
import { createBridge, type RendererIpc } from './create-bridge.ts';

class RecordingIpc implements RendererIpc {
  readonly calls: unknown[][] = [];
  readonly listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  async invoke(channel: string, ...args: unknown[]) {
    this.calls.push([channel, ...args]);
    return { ok: true, value: null };
  }
  on(channel: string, listener: (event: unknown, payload: unknown) => void) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)?.add(listener);
  }
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void) {
    this.listeners.get(channel)?.delete(listener);
  }
  emit(channel: string, payload: unknown) {
    for (const listener of this.listeners.get(channel) ?? []) listener({ sender: 'ipc event with ports and frames' }, payload);
  }
}

describe('the preload bridge', () => {
  it('exposes exactly one function per contract channel, frozen', () => {
    const bridge = createBridge(new RecordingIpc()) as unknown as Record<string, Record<string, unknown>>;
    const members = Object.entries(bridge).flatMap(([namespace, functions]) => Object.keys(functions).map((name) => `${namespace}.${name}`));
    expect(members).toHaveLength(Object.keys(INVOKE_CHANNELS).length + Object.keys(EVENT_CHANNELS).length);
    for (const namespace of Object.values(bridge)) {
      for (const value of Object.values(namespace)) expect(typeof value).toBe('function');
      expect(Object.isFrozen(namespace)).toBe(true);
    }
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes the fixed channel with the request only', async () => {
    const ipc = new RecordingIpc();
    const bridge = createBridge(ipc);
    await bridge.connections.list();
    await bridge.api.request({ method: 'GET', path: '/api/v1/alerts' });
    expect(ipc.calls).toEqual([['connections.list'], ['api.request', { method: 'GET', path: '/api/v1/alerts' }]]);
  });

  it('relays events without the IPC event object and unsubscribes', () => {
    const ipc = new RecordingIpc();
    const bridge = createBridge(ipc);
    const received: unknown[][] = [];
    const stop = bridge.updates.onChanged((...args) => received.push(args));
    ipc.emit('updates.changed', { state: 'idle' });
    stop();
    ipc.emit('updates.changed', { state: 'checking' });
    expect(received).toEqual([[{ state: 'idle' }]]);
  });
});
