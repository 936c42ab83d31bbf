import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { AppError } from '../../../shared/errors.ts';
import type { StreamSource } from '../sync/stream-source.ts';
import { routePath } from '../../../shared/api/client.ts';
import { streamRoutes } from '../../../shared/api/stream.ts';

/** Event types the sync engine listens for; `reset` says the requested id is too old to replay. */
const EVENT_TYPES = ['samples', 'anomaly', 'anomaly_score', 'alert', 'incident', 'timeline', 'runbook_run', 'runbook_output', 'reset'] as const;

export interface EventSourceStreamOptions {
  baseUrl: string;
  /** Bearer token for each (re)connection, so a refreshed token is picked up. */
  getToken: () => Promise<string>;
  /** Wait before reopening a stream the server refused (the library gives up on those). */
  reopenDelayMs?: number;
}

/**
 * The live stream over `eventsource` (SSE with a custom fetch for the Authorization
 * header). The library retries dropped connections itself, sending Last-Event-ID from the
 * last event it saw; a refused connection (non-200) ends it, so this reopens one after a
 * delay, carrying the last id seen.
 */
export function eventSourceStream(options: EventSourceStreamOptions): StreamSource {
  return {
    connect(initialLastEventId, handlers) {
      let lastEventId = initialLastEventId;
      let source: EventSource | undefined;
      let reopenTimer: ReturnType<typeof setTimeout> | undefined;
      let closed = false;

      const open = () => {
        const current = new EventSource(new URL(routePath(streamRoutes.events), options.baseUrl), {
          fetch: async (input: string | URL, init: EventSourceFetchInit) => {
            const headers: Record<string, string> = { ...init.headers, authorization: `Bearer ${await options.getToken()}` };
            if (headers['Last-Event-ID'] === undefined && lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
            return fetch(input, { ...init, headers });
          },
        });
        source = current;
        current.addEventListener('open', () => handlers.onOpen());
        current.addEventListener('error', (event) => {
          handlers.onError(new AppError(event.code === 401 ? 'E_AUTH_REQUIRED' : 'E_NETWORK', event.message ?? 'The live stream dropped.'));
          if (current.readyState === EventSource.CLOSED && !closed) {
            reopenTimer = setTimeout(open, options.reopenDelayMs ?? 2_000);
          }
        });
        for (const type of EVENT_TYPES) {
          current.addEventListener(type, (event) => {
            let data: unknown;
            try {
              data = JSON.parse(event.data);
            } catch {
              return;
            }
            if (event.lastEventId) lastEventId = event.lastEventId;
            handlers.onEvent({ id: event.lastEventId, type, data });
          });
        }
      };
      open();
      return {
        close: () => {
          closed = true;
          clearTimeout(reopenTimer);
          source?.close();
        },
      };
    },
  };
}
