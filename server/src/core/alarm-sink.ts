import type { AnomalyEventData } from '../../../shared/api/stream.ts';

/**
 * Where an anomaly alarm (the engine's, or a data source watch's) becomes an alert. Lent by
 * the alerts feature to the features that detect. `raise` settles when the alert is stored,
 * so a detector awaits it before its scoring cursor passes the sample: a server killed in
 * between scores that sample again after the restart and raises it again (the alert of a
 * repeat is the same alert), instead of having counted it scored with no alert written, as
 * a fire-and-forget event on the bus allowed.
 */
export interface AlarmSink {
  raise(anomaly: AnomalyEventData): Promise<void>;
}
