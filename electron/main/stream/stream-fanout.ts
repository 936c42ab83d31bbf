import type { AppError } from '../../../shared/errors.ts';
import type { ReceivedStreamEvent, StreamConnection, StreamHandlers, StreamSource } from '../sync/stream-source.ts';

/** An event id as a number to compare (the server's ids are increasing integers); null for anything else. */
function eventNumber(id: string | null): bigint | null {
  return id !== null && /^\d{1,30}$/.test(id) ? BigInt(id) : null;
}

interface Listener {
  handlers: StreamHandlers;
  /** The newest event this listener has (asked to resume after, or was given); null: from now. */
  after: bigint | null;
  /** Joined since the connection last opened: the next one starts at least from its id. */
  joining: boolean;
  /**
   * After the connection was opened again for a later listener: the events this one was
   * given already come again, up to here. Cleared by the first newer event or a `reset`
   * (the server's ids start again lower after a restore: nothing is skipped then).
   */
  skipUpTo: bigint | null;
}

/**
 * One live connection shared by several listeners (the window relay and the sync engine
 * of a profile). The connection opens once the first listeners of a tick have joined,
 * from the oldest event id any of them asked for (null, "from now", only when none asked
 * for one), so the sync engine still resumes where it left off. A listener that joins
 * later asking for events the connection has already passed (the engine starting after
 * the relay, or coming back after a storage failure from the last event it stored) has
 * the connection opened again from its id: the server replays what it missed, and the
 * listeners that were there are not given again what they had already heard (until a
 * newer event or a `reset`). It closes when the last listener leaves.
 */
export function fanOutStream(source: StreamSource): StreamSource {
  const listeners = new Set<Listener>();
  let connection: StreamConnection | null = null;
  let opening = false;
  let open = false;
  /** The newest event the current connection has delivered (or started after); null: from now, nothing yet. */
  let position: bigint | null = null;

  const start = () => {
    opening = false;
    if (listeners.size === 0) return;
    // Nobody may miss anything: from the oldest event any listener has (null only when all are "from now").
    const afters = [...listeners].map((listener) => listener.after).filter((after): after is bigint => after !== null);
    const from = afters.length > 0 ? afters.reduce((least, after) => (after < least ? after : least)) : null;
    position = from;
    open = false;
    for (const listener of listeners) {
      listener.skipUpTo = listener.joining ? null : listener.after;
      listener.joining = false;
    }
    connection = source.connect(from === null ? null : String(from), {
      onOpen: () => {
        open = true;
        for (const listener of [...listeners]) listener.handlers.onOpen();
      },
      onEvent: (event: ReceivedStreamEvent) => {
        const id = eventNumber(event.id);
        if (id !== null) position = id;
        for (const listener of [...listeners]) {
          if (!listeners.has(listener)) continue;
          if (event.type !== 'reset' && id !== null && listener.skipUpTo !== null && id <= listener.skipUpTo) continue;
          listener.skipUpTo = null;
          if (id !== null) listener.after = id;
          listener.handlers.onEvent(event);
        }
      },
      onError: (error: AppError) => {
        open = false;
        for (const listener of [...listeners]) listener.handlers.onError(error);
      },
    });
  };

  /** Opens the shared connection again (from the oldest id wanted) once this tick's listeners have joined. */
  const reopen = () => {
    if (opening) return;
    opening = true;
    queueMicrotask(() => {
      connection?.close();
      connection = null;
      start();
    });
  };

  return {
    connect(lastEventId, handlers) {
      const listener: Listener = { handlers, after: eventNumber(lastEventId), joining: true, skipUpTo: null };
      listeners.add(listener);
      if (connection === null && !opening) {
        opening = true;
        queueMicrotask(start);
      } else if (!opening && listener.after !== null && (position === null || position > listener.after)) {
        // Events after its id went by before it joined: only a new connection brings them back.
        reopen();
      } else if (!opening) {
        // The connection goes on as it is for this one (it may repeat events up to its id).
        listener.joining = false;
        if (open) queueMicrotask(() => listeners.has(listener) && handlers.onOpen());
      }
      return {
        close() {
          if (!listeners.delete(listener) || listeners.size > 0) return;
          connection?.close();
          connection = null;
          open = false;
        },
      };
    },
  };
}
