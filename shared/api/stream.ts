import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';
import type { Alert } from './alerts.ts';
import type { Incident, TimelineEntry } from './incidents.ts';
import type { Run, RunOutputEventData } from './runbooks.ts';
import type { Permission, Role } from '../auth/permissions.ts';

/**
 * The live stream (`GET /api/v1/stream`, Server-Sent Events): one event type per topic.
 * The SSE `event:` field is the `type`, `data:` is the JSON of `data`, `id:` is a
 * monotonically increasing sequence that a client sends back as `Last-Event-ID`.
 * Features add their topics here as they land.
 */
export interface SampleEventData {
  /** Series id in the metrics store. */
  seriesId: number;
  name: string;
  labels: Record<string, string>;
  /** Unix milliseconds. */
  ts: number;
  value: number;
}

/** An anomaly onset as the anomaly engine publishes it; the alerts feature turns it into an alert. */
export interface AnomalyEventData {
  /** What is anomalous, e.g. a host name; becomes the alert's `target` label. */
  target: string;
  seriesIds?: number[];
  /** Unix milliseconds. */
  ts: number;
  score: number;
  threshold: number;
  explanation: string;
  features: Array<{ name: string; value: number; zScore?: number }>;
  /** The metric the anomaly is about (the one its explanation leads with), when one is: the alert's summary names it. */
  metric?: string;
}

/**
 * Who pushed an alert through `POST /alerts` or the Alertmanager receiver (a person, or an API
 * key acting for its owner),
 * with the rights they pushed it with: a runbook trigger on the alert proposes the run as
 * theirs, so they cannot approve it alone, and runs it at once only if they could have.
 */
export interface AlertPusher {
  name: string;
  kind: 'user' | 'apiKey';
  /** The person: the user, or the key's owner. */
  userId: number;
  ip: string | null;
  role: Role;
  /** An API key's scopes; null: all the role allows. */
  scopes: readonly Permission[] | null;
}

/** An alert changed: `action` says how (created, refired, updated, acknowledged, ...). */
export interface AlertEventData {
  action: 'created' | 'refired' | 'updated' | 'acknowledged' | 'unacknowledged' | 'resolved' | 'silenced' | 'unsilenced';
  alert: Alert;
}

export interface IncidentEventData {
  action: 'opened' | 'reopened' | 'updated' | 'merged' | 'split';
  incident: Incident;
}

/**
 * A target's registered models changed (trained, promoted, rolled back, failed): views of
 * the registry refresh, and the replica scoring the target reloads its models when the
 * change was made through another replica.
 */
export interface AnomalyModelEventData {
  target: string;
  modelId: number;
  action: 'trained' | 'promoted' | 'rolled_back' | 'failed';
}

export type StreamEvent =
  /**
   * `range`: the export positions (after, upTo] of the samples of one ingest call, on the
   * last event of that call: the stream's log keeps only this and replays the samples from
   * the metrics store, instead of a second copy of every sample.
   */
  | { type: 'samples'; data: SampleEventData[]; range?: { after: number; upTo: number } }
  | { type: 'anomaly'; data: AnomalyEventData }
  | { type: 'anomaly_score'; data: Record<string, unknown> }
  | { type: 'anomaly_model'; data: AnomalyModelEventData }
  /**
   * `pushedBy`: on a `created` or `refired` alert pushed through `POST /alerts` or the
   * Alertmanager receiver. In-process
   * only, for the listeners on the replica that ingested it (runbook triggers): the log
   * stores `data` alone, so it is never sent to a client nor replayed.
   */
  | { type: 'alert'; data: AlertEventData; pushedBy?: AlertPusher }
  | { type: 'incident'; data: IncidentEventData }
  | { type: 'timeline'; data: TimelineEntry }
  /** A runbook run changed state (proposed, approved, started, finished...). */
  | { type: 'runbook_run'; data: Run }
  /** Output of a running runbook step, as it comes. */
  | { type: 'runbook_output'; data: RunOutputEventData };

export type StreamEventType = StreamEvent['type'];

/** An event as delivered, with its sequence id. */
export type SequencedStreamEvent = StreamEvent & { id: number };

/**
 * Data of the stream's `reset` control event: the events after the client's Last-Event-ID
 * are no longer available, so it backfills through the query API and continues from
 * `lastEventId` (also the event's own id).
 */
export interface StreamResetData {
  lastEventId: number;
  reason: string;
}

export const StreamQuerySchema = Type.Object({
  /** Comma-separated event types to receive; absent: all. */
  types: Type.Optional(Type.String({ maxLength: 200 })),
  /** For clients that cannot send the Last-Event-ID header on their first connection. */
  lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
  /** Single-use ticket from `POST /stream/ticket` (browsers' EventSource cannot send headers). */
  ticket: Type.Optional(Type.String({ maxLength: 256 })),
  /** An access token, for clients without tickets; prefer the header or a ticket. */
  access_token: Type.Optional(Type.String({ maxLength: 4096 })),
}, { additionalProperties: false });

/** Prefix of stream tickets, so the server tells them from JWTs and API keys. */
export const STREAM_TICKET_PREFIX = 'sst_';

export const StreamTicketRequestSchema = Type.Object({}, { additionalProperties: false });
export const StreamTicketSchema = Type.Object({
  /** Pass as `?ticket=` to `GET /stream`; good for one connection. */
  ticket: Type.String(),
  /** Seconds until an unused ticket lapses. */
  expiresIn: Type.Integer(),
});
export type StreamTicket = Static<typeof StreamTicketSchema>;

/**
 * The live stream is read by an SSE client, not the JSON client (no response schema).
 * Browsers' EventSource cannot send an Authorization header: rather than put the access
 * token in the URL (where proxies and histories keep it), the console asks for a ticket:
 * single use, short-lived, good for the stream only.
 */
export const streamRoutes = {
  events: defineRoute({ method: 'GET', path: '/stream', access: 'stream:read', tags: ['stream'], query: StreamQuerySchema }),
  ticket: defineRoute({
    method: 'POST', path: '/stream/ticket', access: 'stream:read', tags: ['stream'], body: StreamTicketRequestSchema, response: StreamTicketSchema,
  }),
} as const;
