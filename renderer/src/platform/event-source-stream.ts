import type { SequencedStreamEvent, StreamEventType } from '../../../shared/api/stream.ts';
import type { StreamHandlers } from './types.ts';

const TOPICS: readonly StreamEventType[] = ['samples', 'anomaly', 'anomaly_score', 'alert', 'incident', 'timeline', 'runbook_run', 'runbook_output'];
const MAX_BACKOFF_MS = 15_000;

export interface EventSourceStreamOptions extends StreamHandlers {
  baseURL: string;
  accessToken(): string | null;
  /** Obtains a fresh access token before reconnecting (the old one may be why we dropped). */
  renew(): Promise<unknown>;
  createEventSource?: (url: string) => EventSource;
}

/**
 * The web console's live stream: one EventSource on /api/v1/stream. Browsers cannot set
 * headers on EventSource, so the token travels in the query (the server accepts that for
 * this route only). The browser retries dropped connections itself; when it gives up
 * (an HTTP error such as an expired token) we renew the token and open a new one with
 * back-off, passing the last seen id so that the server can resume.
 */
export function openEventSourceStream(options: EventSourceStreamOptions): () => void {
  const create = options.createEventSource ?? ((url: string) => new EventSource(url));
  let source: EventSource | null = null;
  let lastId: number | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const url = () => {
    const params = new URLSearchParams();
    const token = options.accessToken();
    if (token) params.set('access_token', token);
    if (lastId !== null) params.set('lastEventId', String(lastId));
    return `${options.baseURL}/api/v1/stream?${params.toString()}`;
  };

  const connect = () => {
    if (closed) return;
    source = create(url());
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
    timer = setTimeout(() => {
      options.renew().catch(() => undefined).finally(connect);
    }, delay);
  };

  options.onStatus({ state: 'connecting', errorCode: null });
  connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    source?.close();
  };
}
