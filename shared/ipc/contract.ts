import { apiChannels } from './channels/api.ts';
import { appChannels, appEvents } from './channels/app.ts';
import { authChannels, authEvents } from './channels/auth.ts';
import { cacheChannels, cacheEvents } from './channels/cache.ts';
import { connectionChannels, connectionEvents } from './channels/connections.ts';
import { streamChannels, streamEvents } from './channels/stream.ts';
import { updateChannels, updateEvents } from './channels/updates.ts';

/**
 * The one IPC contract between the renderer (through the preload bridge) and main.
 * Each feature declares its channels in `channels/<feature>.ts`, named
 * `<namespace>.<method>` for calls and `<namespace>.<event>` for pushed events; this file
 * only composes them. The preload bridge exposes `bridge.<namespace>.<method>(request)`
 * and `bridge.<namespace>.on<Event>(listener)` for every entry, and main must register a
 * handler for every call channel (the compiler enforces it), so adding a feature means
 * adding its file and one spread line here.
 */
export const INVOKE_CHANNELS = {
  ...apiChannels,
  ...appChannels,
  ...authChannels,
  ...cacheChannels,
  ...connectionChannels,
  ...streamChannels,
  ...updateChannels,
};

export const EVENT_CHANNELS = {
  ...appEvents,
  ...authEvents,
  ...cacheEvents,
  ...connectionEvents,
  ...streamEvents,
  ...updateEvents,
};

export type InvokeChannels = typeof INVOKE_CHANNELS;
export type EventChannels = typeof EVENT_CHANNELS;
export type InvokeChannelName = keyof InvokeChannels;
export type EventChannelName = keyof EventChannels;
