import type { SequencedStreamEvent, StreamEventType } from '../../../shared/api/stream.ts';
import type { StreamHandlers } from './types.ts';
import { routePath } from '../../../shared/api/client.ts';
import { streamRoutes } from '../../../shared/api/stream.ts';

const TOPICS: readonly StreamEventType[] = ['samples', 'anomaly', 'anomaly_score', 'anomaly_model', 'alert', 'incident', 'timeline', 'runbook_run', 'runbook_output'];
const MAX_BACKOFF_MS = 15_000;

export interface EventSourceStreamOptions extends StreamHandlers {
  baseURL: string;
  /**
   * A fresh single-use stream ticket (`POST /api/v1/stream/ticket` through the signed-in
   * transport, which renews an expired access token on the way).
   */
  ticket(): Promise<string>;
  createEventSource?: (url: string) => EventSource;
}

/**
 * The web console's live stream: one EventSource on the stream route. Browsers cannot set
 * headers on EventSource, so each connection carries a single-use, short-lived stream
 * ticket in the query instead of the access token. A ticket is good once: when the
 * browser's own retry is refused, or the connection fails, we fetch a new ticket and
 * open a new EventSource with back-off, passing the last seen id so that the server can
 * resume.
 */
export function openEventSourceStream(options: EventSourceStreamOptions): () => void {
  const create = options.createEventSource ?? ((url: string) => new EventSource(url));
  let source: EventSource | null = null;
  let lastId: number | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const url = (ticket: string) => {
    const params = new URLSearchParams();
    params.set('ticket', ticket);
    if (lastId !== null) params.set('lastEventId', String(lastId));
    return `${options.baseURL}${routePath(streamRoutes.events)}?${params.toString()}`;
  };

  const connect = async () => {
    if (closed) return;
    let ticket: string;
    try {
      ticket = await options.ticket();
    } catch {
      scheduleReconnect();
      return;
    }
    if (closed) return;
    source = create(url(ticket));
    source.onopen = () => {
      attempt = 0;
      options.onStatus({ state: 'live', errorCode: null });
    };
    source.onerror = () => {
      if (closed || !source) return;
      if (source.readyState === EventSource.CONNECTING) {
        options.onStatus({ state: 'reconnecting', errorCode: 'E_NETWORK' });
        return;
      }
      source.close();
      scheduleReconnect();
    };
    source.addEventListener('reset', (message) => {
      const id = Number((message as MessageEvent<string>).lastEventId);
      if (Number.isFinite(id)) lastId = id;
      options.onReset();
    });
    for (const topic of TOPICS) {
      source.addEventListener(topic, (message) => {
        const { data, lastEventId } = message as MessageEvent<string>;
        const id = Number(lastEventId);
        if (Number.isFinite(id) && lastEventId !== '') lastId = id;
        try {
          options.onEvent({ type: topic, data: JSON.parse(data), id } as SequencedStreamEvent);
        } catch {
          // A malformed event is dropped; the next query refresh repairs the cache.
        }
      });
    }
  };

  const scheduleReconnect = () => {
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    options.onStatus({ state: online ? 'reconnecting' : 'offline', errorCode: 'E_NETWORK' });
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(() => void connect(), delay);
  };

  options.onStatus({ state: 'connecting', errorCode: null });
  void connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    source?.close();
  };
}
