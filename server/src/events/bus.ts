import { EventEmitter } from 'node:events';
import type { StreamEvent } from '../../../shared/api/stream.ts';

/**
 * In-process publish/subscribe between features (metrics, anomalies, alerts, incidents)
 * and the SSE stream. Publishers do not know who listens; the stream plugin assigns
 * event ids and keeps the replay buffer.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish(event: StreamEvent): void {
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  /**
   * An event another replica published, as the shared event log reads it (PostgreSQL):
   * told to `subscribeRemote` listeners only, never to `subscribe` ones, so nothing
   * re-publishes it (the log would store it again).
   */
  publishRemote(event: StreamEvent): void {
    this.#emitter.emit('remote', event);
  }

  /** Events other replicas published (none on a single server): what keeps this replica's caches and work in step. */
  subscribeRemote(listener: (event: StreamEvent) => void): () => void {
    this.#emitter.on('remote', listener);
    return () => this.#emitter.off('remote', listener);
  }
}
