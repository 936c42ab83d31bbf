import type { AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';
import { AppError } from '../../../shared/errors.ts';
import type { StreamSource } from '../sync/stream-source.ts';
import { toAppError } from '../http/map-error.ts';
import { backoffDelay } from '../http/retry.ts';
import { SseParser } from './sse-parser.ts';
import { routePath } from '../../../shared/api/client.ts';
import { streamRoutes } from '../../../shared/api/stream.ts';

export interface SessionEventStreamOptions {
  /** The profile's axios instance: same base URL and TLS trust as API calls. */
  http: AxiosInstance;
  /** A fresh bearer token for each (re)connection. */
  bearer: () => Promise<string>;
  /** Waits between reconnections; exponential with jitter up to `max`. */
  reconnectDelayMs?: { base: number; max: number };
  random?: () => number;
}

/**
 * The server's live stream for main, over the profile's axios instance (so a custom CA
 * applies, unlike the global fetch). Reconnects after any drop or refusal with backoff,
 * sending Last-Event-ID so nothing is missed or repeated; implements the sync engine's
 * StreamSource so the relay to the renderer and the cache sync share one client.
 */
export function sessionEventStream(options: SessionEventStreamOptions): StreamSource {
  const delays = options.reconnectDelayMs ?? { base: 500, max: 15_000 };
  const random = options.random ?? Math.random;
  return {
    connect(initialLastEventId, handlers) {
      let lastEventId = initialLastEventId;
      let closed = false;
      let controller: AbortController | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let failures = 0;

      const reconnectLater = (error: AppError) => {
        if (closed) return;
        handlers.onError(error);
        timer = setTimeout(() => void open(), backoffDelay(failures, { baseDelayMs: delays.base, maxDelayMs: delays.max, random }));
        failures += 1;
      };

      const open = async () => {
        controller = new AbortController();
        let body: Readable;
        try {
          const response = await options.http.get<Readable>(routePath(streamRoutes.events), {
            responseType: 'stream',
            signal: controller.signal,
            // Heartbeats keep the connection busy; no overall deadline for a stream.
            timeout: 0,
            headers: {
              accept: 'text/event-stream',
              authorization: `Bearer ${await options.bearer()}`,
              ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }),
            },
          });
          body = response.data;
        } catch (error) {
          reconnectLater(toAppError(await withBody(error)));
          return;
        }
        if (closed) {
          body.destroy();
          return;
        }
        failures = 0;
        handlers.onOpen();
        const parser = new SseParser();
        body.setEncoding('utf8');
        body.on('data', (chunk: string) => {
          for (const event of parser.feed(chunk)) {
            let data: unknown;
            try {
              data = JSON.parse(event.data);
            } catch {
              continue;
            }
            if (event.id !== null) lastEventId = event.id;
            handlers.onEvent({ id: event.id ?? '', type: event.event, data });
          }
        });
        body.on('error', () => undefined);
        body.on('close', () => reconnectLater(new AppError('E_NETWORK', 'The live stream dropped.')));
      };

      void open();
      return {
        close() {
          closed = true;
          clearTimeout(timer);
          controller?.abort();
        },
      };
    },
  };
}

/** With `responseType: 'stream'` an error response body is a stream too; read it so the catalogue code survives. */
async function withBody(error: unknown): Promise<unknown> {
  const response = (error as { response?: { data?: unknown } }).response;
  const data = response?.data as Readable | undefined;
  if (!response || !data || typeof data.on !== 'function') return error;
  let text = '';
  try {
    for await (const chunk of data) text += String(chunk);
    response.data = JSON.parse(text);
  } catch {
    response.data = null;
  }
  return error;
}
