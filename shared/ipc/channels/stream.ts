import { Type, type Static } from 'typebox';
import { event, invoke } from '../define.ts';
import type { SequencedStreamEvent, StreamResetData } from '../../api/stream.ts';

const TopicSchema = Type.Union([
  Type.Literal('samples'),
  Type.Literal('anomaly'),
  Type.Literal('anomaly_score'),
  Type.Literal('anomaly_model'),
  Type.Literal('alert'),
  Type.Literal('incident'),
  Type.Literal('timeline'),
  Type.Literal('runbook_run'),
  Type.Literal('runbook_output'),
]);

export const StreamSubscribeSchema = Type.Object(
  {
    /** Topics this window wants; all of them when absent. */
    topics: Type.Optional(Type.Array(TopicSchema, { maxItems: 16 })),
  },
  { additionalProperties: false },
);

/**
 * One server-sent event relayed by main (main holds the authenticated connection).
 * `reset` goes to every subscriber: events were missed, backfill through the query API.
 */
export const StreamEventSchema = Type.Object({ id: Type.Integer(), type: Type.Union([TopicSchema, Type.Literal('reset')]), data: Type.Unknown() });
export type RelayedStreamEvent = SequencedStreamEvent | { id: number; type: 'reset'; data: StreamResetData };

export const StreamStateSchema = Type.Object({
  state: Type.Union([Type.Literal('connecting'), Type.Literal('open'), Type.Literal('closed')]),
  /** Catalogue code of the last failure while not open (E_NETWORK, E_AUTH_REQUIRED, ...). */
  errorCode: Type.Union([Type.String(), Type.Null()]),
});
export type StreamState = Static<typeof StreamStateSchema>;

export const streamChannels = {
  'stream.subscribe': invoke(StreamSubscribeSchema, Type.Null()),
  'stream.unsubscribe': invoke(Type.Undefined(), Type.Null()),
  'stream.state': invoke(Type.Undefined(), StreamStateSchema),
};

export const streamEvents = {
  /** Typed as the server's event union; the schema only checks the envelope. */
  'stream.event': event(Type.Unsafe<RelayedStreamEvent>(StreamEventSchema)),
  'stream.stateChanged': event(StreamStateSchema),
};
