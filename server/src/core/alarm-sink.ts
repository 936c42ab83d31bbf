import type { AlertPusher, AnomalyEventData } from '../../../shared/api/stream.ts';

/**
 * Where an anomaly alarm (the engine's, or a data source watch's) becomes an alert. Lent by
 * the alerts feature to the features that detect. `raise` settles when the alert is stored,
 * so a detector awaits it before its scoring cursor passes the sample: a server killed in
 * between scores that sample again after the restart and raises it again (the alert of a
 * repeat is the same alert), instead of having counted it scored with no alert written, as
 * a fire-and-forget event on the bus allowed.
 */
export interface AlarmSink {
  /**
   * `raisedBy`: the person the alarm is raised for (a data source watch's creator, with
   * their current role), as `POST /alerts` tells its pusher: a runbook trigger on the alert
   * proposes the run as theirs. Absent: the system's (the engine's anomalies, older watches).
   */
  raise(anomaly: AnomalyEventData, raisedBy?: AlertPusher): Promise<void>;
}
