-- One anomaly event per target and time. A sample scored again after a crash raises its
-- alarm again (server/src/core/alarm-sink.ts); the event store kept one by reading before
-- inserting, which two writers at once (replicas handing a target over) could both pass.
-- Duplicates already stored are settled by keeping the first (the lowest id), then the
-- index that was a plain one becomes unique and the insert does nothing on a conflict.
DELETE FROM anomaly_events
WHERE id NOT IN (SELECT min(id) FROM anomaly_events GROUP BY target, ts);
DROP INDEX anomaly_events_target_ts;
CREATE UNIQUE INDEX anomaly_events_target_ts ON anomaly_events (target, ts);
