import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../shared/ipc/contract.ts';
import { splitChannelName, subscriptionName, type SmartCloudOpsBridge } from '../../shared/ipc/bridge.ts';

/** The part of Electron's ipcRenderer the bridge uses; the event object never reaches the page. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): void;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): void;
}

/**
 * Builds `window.smartcloudops` from the contract: one named function per call channel
 * and one `on<Event>` per event channel, each bound to its fixed channel name, so the
 * page can neither pick a channel nor touch ipcRenderer or the IPC event object.
 */
export function createBridge(ipc: RendererIpc): SmartCloudOpsBridge {
  const namespaces: Record<string, Record<string, unknown>> = {};
  const member = (namespace: string) => (namespaces[namespace] ??= {});

  for (const name of Object.keys(INVOKE_CHANNELS)) {
    const { namespace, member: method } = splitChannelName(name);
    member(namespace)[method] = (request?: unknown) => (request === undefined ? ipc.invoke(name) : ipc.invoke(name, request));
  }
  for (const name of Object.keys(EVENT_CHANNELS)) {
    const { namespace, member: eventName } = splitChannelName(name);
    member(namespace)[subscriptionName(eventName)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${name} listener must be a function`);
      const relay = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(name, relay);
      return () => ipc.removeListener(name, relay);
    };
  }
  for (const value of Object.values(namespaces)) Object.freeze(value);
  return Object.freeze(namespaces) as unknown as SmartCloudOpsBridge;
}
