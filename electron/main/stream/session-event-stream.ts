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
  /**
   * Nothing received for this long (no headers, no event, no heartbeat: the server sends
   * one every 15 s) means the connection is dead even if the socket says otherwise (a
   * stalled proxy, a half-open TCP connection after sleep or a network change): it is
   * dropped and opened again.
   */
  idleTimeoutMs?: number;
  /** One event larger than this (characters) drops the connection (`SseParser`'s limit). */
  maxEventChars?: number;
  random?: () => number;
}

/** Three of the server's 15 s heartbeats. */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;

/**
 * The server's live stream for main, over the profile's axios instance (so a custom CA
 * applies, unlike the global fetch). Reconnects after any drop or refusal with backoff,
 * sending Last-Event-ID so nothing is missed or repeated; implements the sync engine's
 * StreamSource so the relay to the renderer and the cache sync share one client.
 */
export function sessionEventStream(options: SessionEventStreamOptions): StreamSource {
  const delays = options.reconnectDelayMs ?? { base: 500, max: 15_000 };
  const random = options.random ?? Math.random;
  const idleTimeoutMs = options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS;
  return {
    connect(initialLastEventId, handlers) {
      let lastEventId = initialLastEventId;
      let closed = false;
      let controller: AbortController | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let failures = 0;
      let idle: ReturnType<typeof setTimeout> | undefined;
      /** The connection the watchdog gave up on: its abort or close reports a timeout. */
      let stalled: AbortController | null = null;

      const watch = (current: AbortController) => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          stalled = current;
          current.abort();
        }, idleTimeoutMs);
      };

      const reconnectLater = (error: AppError) => {
        clearTimeout(idle);
        if (closed) return;
        handlers.onError(error);
        timer = setTimeout(() => void open(), backoffDelay(failures, { baseDelayMs: delays.base, maxDelayMs: delays.max, random }));
        failures += 1;
      };

      const open = async () => {
        const current = new AbortController();
        controller = current;
        const timedOut = () => new AppError('E_TIMEOUT', 'The live stream went silent.');
        watch(current);
        let body: Readable;
        try {
          const response = await options.http.get<Readable>(routePath(streamRoutes.events), {
            responseType: 'stream',
            signal: current.signal,
            // Heartbeats keep the connection busy; no overall deadline for a stream, and no
            // overall size either (the parser bounds each event; axios would count the stream's life).
            timeout: 0,
            maxContentLength: -1,
            headers: {
              accept: 'text/event-stream',
              authorization: `Bearer ${await options.bearer()}`,
              ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }),
            },
          });
          body = response.data;
        } catch (error) {
          reconnectLater(stalled === current ? timedOut() : toAppError(await withBody(error)));
          return;
        }
        if (closed) {
          body.destroy();
          return;
        }
        watch(current);
        failures = 0;
        handlers.onOpen();
        const parser = new SseParser(options.maxEventChars);
        body.setEncoding('utf8');
        let refused: AppError | null = null;
        body.on('data', (chunk: string) => {
          // Any bytes, a heartbeat comment too, show the connection is alive.
          watch(current);
          let events;
          try {
            events = parser.feed(chunk);
          } catch (error) {
            // An event too large to hold: drop this connection, report why, open another.
            refused = toAppError(error);
            body.destroy();
            return;
          }
          for (const event of events) {
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
        // An abort by the watchdog destroys the body too, which ends here.
        current.signal.addEventListener('abort', () => body.destroy(), { once: true });
        body.on('close', () => reconnectLater(refused ?? (stalled === current ? timedOut() : new AppError('E_NETWORK', 'The live stream dropped.'))));
      };

      void open();
      return {
        close() {
          closed = true;
          clearTimeout(timer);
          clearTimeout(idle);
          controller?.abort();
        },
      };
    },
  };
}

/** Our error bodies are a few hundred bytes; a refusal's body is read up to this many characters. */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;

/**
 * With `responseType: 'stream'` an error response body is a stream too; read it so the
 * catalogue code survives. Only its start: a hostile server's refusal whose body never
 * ends would otherwise grow main's memory without bound and hold the reconnect for ever.
 */
async function withBody(error: unknown): Promise<unknown> {
  const response = (error as { response?: { data?: unknown } }).response;
  const data = response?.data as Readable | undefined;
  if (!response || !data || typeof data.on !== 'function') return error;
  let text = '';
  try {
    for await (const chunk of data) {
      text += String(chunk);
      // Leaving the loop destroys the body (and its connection).
      if (text.length > MAX_ERROR_BODY_CHARS) break;
    }
    response.data = text.length > MAX_ERROR_BODY_CHARS ? null : JSON.parse(text);
  } catch {
    response.data = null;
  }
  return error;
}
