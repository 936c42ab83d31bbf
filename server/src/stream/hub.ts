import type { ServerResponse } from 'node:http';
import type { EventBus } from '../events/bus.ts';
import type { StreamEventType, StreamResetData } from '../../../shared/api/stream.ts';
import type { Replay, StreamEventSource, WireEvent } from './event-log.ts';

/** A client further behind than this (bytes not yet sent) is dropped; it resumes by id. */
const MAX_CLIENT_BACKLOG_BYTES = 8 * 1_048_576;

interface Client {
  res: ServerResponse;
  types: ReadonlySet<StreamEventType> | null;
  /** Live events that arrived while the client's replay was being read; sent after it. */
  pending: WireEvent[] | null;
  owner: StreamOwner | null;
  /**
   * Id of the newest event this client has been given (replayed or live). On PostgreSQL a
   * replay can read rows that this replica's live delivery reaches only later: those are
   * skipped, so no event is sent twice.
   */
  sentId: number;
}

/** Whose stream it is: a signed-in user's session, or an API key; either is cut when it ends. */
export interface StreamOwner {
  userId: number;
  sessionId?: string;
  /** The API key the stream was opened with (no session). */
  apiKeyId?: number;
}

/**
 * Whether the credential a stream was opened with still stands: the session live and its
 * user enabled, or the key unrevoked, unexpired and its owner enabled. Rejects when it
 * cannot tell (the database away): the stream is then kept until the next check.
 */
export type StreamLiveness = (owner: StreamOwner) => Promise<boolean>;

/** One credential's identity: its session, its key, or (neither) its user. */
const credentialOf = (owner: StreamOwner): string => (owner.apiKeyId !== undefined ? `key:${owner.apiKeyId}` : owner.sessionId !== undefined ? `session:${owner.sessionId}` : `user:${owner.userId}`);

/** A revoked session, or every session of a user (password change, disabling). */
export type EndedSessions = { family: string } | { userId: number };

export function formatEvent(event: WireEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
}

/**
 * The replay's events a client wants, written out, or null when they come to more than
 * `room` bytes: a replay goes into the socket's buffer at once, so without this bound a
 * client resuming from far back (up to the log's 64 MiB and the samples its markers stand
 * for) had it all buffered for it, past the bound live events keep (MAX_CLIENT_BACKLOG_BYTES).
 */
function replayTexts(events: readonly WireEvent[], types: ReadonlySet<StreamEventType> | null, room: number): string[] | null {
  const texts: string[] = [];
  let bytes = 0;
  for (const event of events) {
    if (types && !types.has(event.type)) continue;
    const text = formatEvent(event);
    bytes += Buffer.byteLength(text);
    if (bytes > room) return null;
    texts.push(text);
  }
  return texts;
}

/**
 * Fans events out to connected SSE clients: every event is first appended to the
 * persistent log (which gives it its id), then written to each client that wants its type.
 * The source is the local SQLite log, or the database log every replica shares.
 */
export class StreamHub {
  readonly #log: StreamEventSource;
  readonly #clients = new Set<Client>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #liveness: StreamLiveness | undefined;
  #checking: Promise<number> | undefined;
  #checkAgain = false;

  constructor(log: StreamEventSource, events: EventBus, heartbeatMs: number, liveness?: StreamLiveness) {
    this.#log = log;
    this.#liveness = liveness;
    this.#unsubscribe = log.start(events, (event) => this.#broadcast(event));
    this.#heartbeat = setInterval(() => this.#writeAll(': heartbeat\n\n'), heartbeatMs).unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Open streams of one user (their sessions and their API keys together). */
  clientCountOf(userId: number): number {
    let count = 0;
    for (const client of this.#clients) if (client.owner?.userId === userId) count += 1;
    return count;
  }

  /**
   * Starts streaming to `res`: first what the client missed since `lastEventId` (or a
   * `reset` event when that is no longer known), then live events. The client is registered
   * before the replay is read and holds back the live events that arrive meanwhile, then
   * sends those newer than the replay: no event falls between replay and live, none twice.
   */
  attach(res: ServerResponse, lastEventId: number | null, types: ReadonlySet<StreamEventType> | null, owner: StreamOwner | null = null): void {
    const client: Client = { res, types, pending: lastEventId === null ? null : [], owner, sentId: lastEventId ?? -1 };
    res.write('retry: 2000\n\n');
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
    if (lastEventId === null) return;
    const replay = this.#log.after(lastEventId);
    if (replay instanceof Promise) {
      replay.then(
        (result) => this.#finishReplay(client, lastEventId, result),
        () => {
          // The log cannot be read (database lost): the client reconnects and resumes by id.
          res.destroy();
          this.#clients.delete(client);
        },
      );
    } else {
      this.#finishReplay(client, lastEventId, replay);
    }
  }

  #finishReplay(client: Client, lastEventId: number, replay: Replay): void {
    const { res, types } = client;
    let sent: number;
    const texts = replay.kind === 'events' ? replayTexts(replay.events, types, MAX_CLIENT_BACKLOG_BYTES - res.writableLength) : null;
    if (replay.kind === 'events' && texts !== null) {
      for (const text of texts) res.write(text);
      sent = replay.events.at(-1)?.id ?? lastEventId;
    } else {
      // Too much missed to hold for one client (a replay is written at once, faster than any
      // socket takes it): it backfills by query, as when the log no longer has the events.
      const lastId = replay.kind === 'reset' ? replay.lastId : replay.events.at(-1)!.id;
      const reset: StreamResetData = { lastEventId: lastId, reason: 'The events after this Last-Event-ID are no longer available; backfill through the query API.' };
      res.write(`id: ${lastId}\nevent: reset\ndata: ${JSON.stringify(reset)}\n\n`);
      sent = lastId;
    }
    const held = client.pending ?? [];
    client.pending = null;
    client.sentId = sent;
    for (const event of held) {
      if (event.id <= client.sentId) continue;
      client.sentId = event.id;
      if (!types || types.has(event.type)) this.#write(client, formatEvent(event));
    }
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

  /**
   * Checks the credential of every open stream again and cuts those that no longer stand:
   * a revoked or expired API key, a disabled or removed owner, a session ended on another
   * replica. Authentication is checked when a stream opens; `endSessions` cuts a session
   * revoked here at once, and this covers the rest (run on every local revocation and
   * periodically, stream/feature.ts). A call while a check runs has it run once more after,
   * so a change made meanwhile is not missed. Resolves with how many streams were cut.
   */
  checkCredentials(): Promise<number> {
    if (this.#checking) {
      this.#checkAgain = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      let cut = 0;
      do {
        this.#checkAgain = false;
        cut += await this.#checkOnce();
      } while (this.#checkAgain);
      return cut;
    })().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #checkOnce(): Promise<number> {
    const liveness = this.#liveness;
    if (!liveness) return 0;
    const owners = new Map<string, StreamOwner>();
    for (const client of this.#clients) if (client.owner) owners.set(credentialOf(client.owner), client.owner);
    let cut = 0;
    for (const [credential, owner] of owners) {
      let live: boolean;
      try {
        live = await liveness(owner);
      } catch {
        continue;
      }
      if (live) continue;
      for (const client of this.#clients) {
        if (!client.owner || credentialOf(client.owner) !== credential) continue;
        client.res.end(': credential ended\n\n');
        this.#clients.delete(client);
        cut += 1;
      }
    }
    return cut;
  }

  /** Ends every client's stream (server shutdown); clients reconnect and resume by id. */
  close(): void {
    this.#unsubscribe();
    void this.#log.close?.();
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #broadcast(event: WireEvent): void {
    if (this.#clients.size === 0) return;
    // One buffer for every client: a string is encoded into a copy of its own for each
    // socket that cannot take it at once, so stalled clients multiplied an event's memory
    // by their number (200 stalled clients held 375 MiB for 6.4 MiB of events, now 3 MiB).
    const text = Buffer.from(formatEvent(event));
    for (const client of this.#clients) {
      if (client.pending) client.pending.push(event);
      else if (event.id > client.sentId) {
        client.sentId = event.id;
        if (!client.types || client.types.has(event.type)) this.#write(client, text);
      }
    }
  }

  #writeAll(text: string): void {
    for (const client of this.#clients) this.#write(client, text);
  }

  #write(client: Client, text: string | Buffer): void {
    if (client.res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
      client.res.destroy();
      this.#clients.delete(client);
      return;
    }
    client.res.write(text);
  }
}
