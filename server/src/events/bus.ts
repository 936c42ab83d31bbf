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
}
