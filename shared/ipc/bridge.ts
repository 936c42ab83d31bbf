import type { PayloadOf, RequestOf, ResponseOf } from './define.ts';
import type { EventChannelName, EventChannels, InvokeChannelName, InvokeChannels } from './contract.ts';
import type { IpcResult } from './result.ts';

/** Name of the object the preload exposes on `window`. */
export const BRIDGE_KEY = 'smartcloudops';

type NamespaceOf<Name extends string> = Name extends `${infer Namespace}.${string}` ? Namespace : never;
export type BridgeNamespace = NamespaceOf<InvokeChannelName> | NamespaceOf<EventChannelName>;

/** Calls without a request take no argument. */
export type BridgeCall<Name extends InvokeChannelName> = RequestOf<InvokeChannels[Name]> extends undefined
  ? () => Promise<IpcResult<ResponseOf<InvokeChannels[Name]>>>
  : (request: RequestOf<InvokeChannels[Name]>) => Promise<IpcResult<ResponseOf<InvokeChannels[Name]>>>;

/** Registers a listener and returns the function that removes it. */
export type BridgeSubscription<Name extends EventChannelName> = (listener: (payload: PayloadOf<EventChannels[Name]>) => void) => () => void;

/**
 * `window.smartcloudops`: named functions only, derived from the contract, e.g.
 * `connections.list()`, `api.request({method, path})`, `stream.onEvent(listener)`.
 * Every call resolves to an IpcResult and never rejects for an application error.
 */
export type SmartCloudOpsBridge = {
  readonly [Namespace in BridgeNamespace]: {
    readonly [Name in InvokeChannelName as Name extends `${Namespace}.${infer Method}` ? Method : never]: BridgeCall<Name>;
  } & {
    readonly [Name in EventChannelName as Name extends `${Namespace}.${infer Event}` ? `on${Capitalize<Event>}` : never]: BridgeSubscription<Name>;
  };
};

/** Splits `namespace.member` channel names; shared by the preload and its test. */
export function splitChannelName(name: string): { namespace: string; member: string } {
  const dot = name.indexOf('.');
  return { namespace: name.slice(0, dot), member: name.slice(dot + 1) };
}

export function subscriptionName(event: string): string {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}`;
}

declare global {
  interface Window {
    /** Present in the desktop app only; the web console runs without it. */
    readonly smartcloudops?: SmartCloudOpsBridge;
  }
}
