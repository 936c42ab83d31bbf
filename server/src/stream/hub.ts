import type { ServerResponse } from 'node:http';
import type { EventBus } from '../events/bus.ts';
import type { StreamEventType, StreamResetData } from '../../../shared/api/stream.ts';
import type { StreamEventLog, WireEvent } from './event-log.ts';

/** A client further behind than this (bytes not yet sent) is dropped; it resumes by id. */
const MAX_CLIENT_BACKLOG_BYTES = 8 * 1_048_576;

interface Client {
  res: ServerResponse;
  types: ReadonlySet<StreamEventType> | null;
  owner: StreamOwner | null;
}

/** Whose stream it is: a signed-in user's session (cut when it is revoked), or an API key (no session). */
export interface StreamOwner {
  userId: number;
  sessionId?: string;
}

/** A revoked session, or every session of a user (password change, disabling). */
export type EndedSessions = { family: string } | { userId: number };

export function formatEvent(event: WireEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
}

/**
 * Fans bus events out to connected SSE clients: every event is first appended to the
 * persistent log (which gives it its id), then written to each client that wants its type.
 */
export class StreamHub {
  readonly #log: StreamEventLog;
  readonly #clients = new Set<Client>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(log: StreamEventLog, events: EventBus, heartbeatMs: number) {
    this.#log = log;
    this.#unsubscribe = events.subscribe((event) => this.#broadcast(this.#log.append(event)));
    this.#heartbeat = setInterval(() => this.#writeAll(': heartbeat\n\n'), heartbeatMs).unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /**
   * Starts streaming to `res`: first what the client missed since `lastEventId` (or a
   * `reset` event when that is no longer known), then live events. Both happen in the same
   * tick as registering, so no event can fall between replay and live.
   */
  attach(res: ServerResponse, lastEventId: number | null, types: ReadonlySet<StreamEventType> | null, owner: StreamOwner | null = null): void {
    const client: Client = { res, types, owner };
    res.write('retry: 2000\n\n');
    if (lastEventId !== null) {
      const replay = this.#log.after(lastEventId);
      if (replay.kind === 'reset') {
        const reset: StreamResetData = { lastEventId: replay.lastId, reason: 'The events after this Last-Event-ID are no longer available; backfill through the query API.' };
        res.write(`id: ${replay.lastId}\nevent: reset\ndata: ${JSON.stringify(reset)}\n\n`);
      } else {
        for (const event of replay.events) if (!types || types.has(event.type)) res.write(formatEvent(event));
      }
    }
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
  }

  /**
   * Cuts the streams of ended sessions at once (logout, refresh-token reuse, password
   * change, disabling): authentication is checked when a stream opens, and an open stream
   * would otherwise keep delivering to a revoked session for as long as it stays up. The
   * client's reconnect is then refused (401). Returns how many streams were cut.
   */
  endSessions(ended: EndedSessions): number {
    let cut = 0;
    for (const client of this.#clients) {
      const sessionId = client.owner?.sessionId;
      if (sessionId === undefined) continue;
      if ('family' in ended ? sessionId === ended.family : client.owner?.userId === ended.userId) {
        client.res.end(': session ended\n\n');
        this.#clients.delete(client);
        cut += 1;
      }
    }
    return cut;
  }

  /** Ends every client's stream (server shutdown); clients reconnect and resume by id. */
  close(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #broadcast(event: WireEvent): void {
    if (this.#clients.size === 0) return;
    const text = formatEvent(event);
    for (const client of this.#clients) if (!client.types || client.types.has(event.type)) this.#write(client, text);
  }

  #writeAll(text: string): void {
    for (const client of this.#clients) this.#write(client, text);
  }

  #write(client: Client, text: string): void {
    if (client.res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
      client.res.destroy();
      this.#clients.delete(client);
      return;
    }
    client.res.write(text);
  }
}
