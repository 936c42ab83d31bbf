import type { EventChannelName, EventChannels } from '../../../shared/ipc/contract.ts';
import type { PayloadOf } from '../../../shared/ipc/define.ts';

/** The part of Electron's WebContents events are sent through. */
export interface EventTarget {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export type SendEvent = <Name extends EventChannelName>(name: Name, payload: PayloadOf<EventChannels[Name]>, only?: (target: EventTarget) => boolean) => void;

/** Typed one-way sends from main to the console windows (all, or those `only` selects). */
export function createEventSender(targets: () => readonly EventTarget[]): SendEvent {
  return (name, payload, only) => {
    for (const target of targets()) {
      if (target.isDestroyed() || (only && !only(target))) continue;
      target.send(name, payload);
    }
  };
}
