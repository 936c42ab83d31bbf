import type { StreamEventType } from '../../../shared/api/stream.ts';
import type { RelayedStreamEvent, StreamState } from '../../../shared/ipc/channels/stream.ts';
import type { SendEvent } from '../ipc/send-event.ts';
import type { ReceivedStreamEvent, StreamConnection, StreamSource } from '../sync/stream-source.ts';

const TOPICS: ReadonlySet<string> = new Set(['samples', 'anomaly', 'anomaly_score', 'anomaly_model', 'alert', 'incident', 'timeline', 'runbook_run', 'runbook_output', 'reset']);

export interface StreamRelayOptions {
  send: SendEvent;
  /** Main's own listeners (tray count, notifications) see every event, subscribed windows or not. */
  onEvent?: (event: RelayedStreamEvent) => void;
  /** Told when the connection opens, e.g. to reload the firing alerts. */
  onOpen?: () => void;
}

/**
 * One live connection for the whole app, fanned out to the windows that subscribed
 * (each with its topics) over the one-way `stream.event` channel.
 */
export class StreamRelay {
  private readonly options: StreamRelayOptions;
  private readonly subscriptions = new Map<number, ReadonlySet<StreamEventType> | null>();
  private connection: StreamConnection | null = null;
  private current: StreamState = { state: 'closed', errorCode: null };

  constructor(options: StreamRelayOptions) {
    this.options = options;
  }

  subscribe(senderId: number, topics: readonly StreamEventType[] | undefined): void {
    this.subscriptions.set(senderId, topics ? new Set(topics) : null);
  }

  unsubscribe(senderId: number): void {
    this.subscriptions.delete(senderId);
  }

  state(): StreamState {
    return { ...this.current };
  }

  /** (Re)connects through `source`, from now on: the windows backfill through the API. */
  start(source: StreamSource): void {
    this.stop();
    this.setState({ state: 'connecting', errorCode: null });
    this.connection = source.connect(null, {
      onOpen: () => {
        this.setState({ state: 'open', errorCode: null });
        this.options.onOpen?.();
      },
      onError: (error) => this.setState({ state: 'connecting', errorCode: error.code }),
      onEvent: (event) => this.relay(event),
    });
  }

  stop(): void {
    this.connection?.close();
    this.connection = null;
    if (this.current.state !== 'closed') this.setState({ state: 'closed', errorCode: null });
  }

  private relay(received: ReceivedStreamEvent): void {
    const id = Number(received.id);
    if (!TOPICS.has(received.type) || !Number.isSafeInteger(id)) return;
    const event = { id, type: received.type, data: received.data } as RelayedStreamEvent;
    this.options.onEvent?.(event);
    this.options.send('stream.event', event, (target) => {
      if (!this.subscriptions.has(target.id)) return false;
      const topics = this.subscriptions.get(target.id);
      return !topics || event.type === 'reset' || topics.has(event.type);
    });
  }

  private setState(next: StreamState): void {
    if (next.state === this.current.state && next.errorCode === this.current.errorCode) return;
    this.current = next;
    this.options.send('stream.stateChanged', next);
  }
}
