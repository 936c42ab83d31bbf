import type { AppError } from '../../../shared/errors.ts';
import type { ReceivedStreamEvent, StreamConnection, StreamHandlers, StreamSource } from '../sync/stream-source.ts';

/**
 * One live connection shared by several listeners (the window relay and the sync engine
 * of a profile). The connection opens once the first listeners of a tick have joined,
 * from the oldest event id any of them asked for (null, "from now", only when none asked
 * for one), so the sync engine still resumes where it left off; every listener then hears
 * every event, replayed ones included. It closes when the last listener leaves.
 */
export function fanOutStream(source: StreamSource): StreamSource {
  const listeners = new Set<StreamHandlers>();
  const wanted: (string | null)[] = [];
  let connection: StreamConnection | null = null;
  let opening = false;
  let open = false;

  const start = () => {
    opening = false;
    if (listeners.size === 0) return;
    const ids = wanted.filter((id): id is string => id !== null).map(Number).filter(Number.isSafeInteger);
    wanted.length = 0;
    connection = source.connect(ids.length > 0 ? String(Math.min(...ids)) : null, {
      onOpen: () => {
        open = true;
        for (const listener of [...listeners]) listener.onOpen();
      },
      onEvent: (event: ReceivedStreamEvent) => {
        for (const listener of [...listeners]) listener.onEvent(event);
      },
      onError: (error: AppError) => {
        open = false;
        for (const listener of [...listeners]) listener.onError(error);
      },
    });
  };

  return {
    connect(lastEventId, handlers) {
      listeners.add(handlers);
      if (connection === null && !opening) {
        opening = true;
        queueMicrotask(start);
      }
      if (opening) wanted.push(lastEventId);
      else if (open) queueMicrotask(() => listeners.has(handlers) && handlers.onOpen());
      return {
        close() {
          if (!listeners.delete(handlers) || listeners.size > 0) return;
          connection?.close();
          connection = null;
          open = false;
        },
      };
    },
  };
}
