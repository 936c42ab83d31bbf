import type { AppError } from '../../../shared/errors.ts';

/** One server-sent event as received: `id:`, `event:` and the parsed `data:`. */
export interface ReceivedStreamEvent {
  id: string;
  type: string;
  data: unknown;
}

export interface StreamHandlers {
  onOpen(): void;
  onEvent(event: ReceivedStreamEvent): void;
  /** The connection failed or dropped; the source keeps retrying until closed. */
  onError(error: AppError): void;
}

export interface StreamConnection {
  close(): void;
}

/**
 * The live stream as the sync engine needs it: connect from a last event id (null: from
 * now) and receive events. Main's authenticated SSE client implements this; so does the
 * eventsource-based one the tests use under Node (electron/main/testing/).
 */
export interface StreamSource {
  connect(lastEventId: string | null, handlers: StreamHandlers): StreamConnection;
}
