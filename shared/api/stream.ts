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

export type StreamEvent =
  | { type: 'samples'; data: SampleEventData[] }
  | { type: 'anomaly'; data: Record<string, unknown> }
  | { type: 'anomaly_score'; data: Record<string, unknown> }
  | { type: 'alert'; data: Record<string, unknown> }
  | { type: 'incident'; data: Record<string, unknown> }
  | { type: 'timeline'; data: Record<string, unknown> };

export type StreamEventType = StreamEvent['type'];

/** An event as delivered, with its sequence id. */
export type SequencedStreamEvent = StreamEvent & { id: number };
