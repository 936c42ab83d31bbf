import type { AlertEvent, Severity } from '../../../../shared/api/alerts.ts';
import type { AnomalyEventData } from '../../../../shared/api/stream.ts';

/**
 * Severity from how far the score is past the threshold, relative to the room above it
 * (scores are in [0, 1]): barely over is info, a third of the way is warning, two
 * thirds critical.
 */
export function anomalySeverity(score: number, threshold: number): Severity {
  const room = Math.max(1e-9, 1 - threshold);
  const excess = (score - threshold) / room;
  if (excess >= 2 / 3) return 'critical';
  if (excess >= 1 / 3) return 'warning';
  return 'info';
}

/**
 * An anomaly onset as an alert event. Anomalies have no "resolved" message, so the alert
 * expires (resolves) after `quietMs` without a new anomaly on the same target.
 */
export function anomalyToEvent(anomaly: AnomalyEventData, quietMs: number): AlertEvent {
  // The metric the anomaly is about; without one, the feature furthest from its training
  // median (which could name "time of day (cos)" for an alarm about a metric's value).
  const subject = anomaly.metric ?? [...anomaly.features].sort((a, b) => Math.abs(b.zScore ?? 0) - Math.abs(a.zScore ?? 0))[0]?.name;
  return {
    source: 'anomaly',
    status: 'firing',
    labels: { alertname: 'Anomaly', target: anomaly.target, source: 'anomaly' },
    annotations: {
      summary: `Anomalous behaviour on ${anomaly.target}${subject ? ` (${subject})` : ''}`,
      explanation: anomaly.explanation,
      score: anomaly.score.toFixed(3),
      threshold: anomaly.threshold.toFixed(3),
    },
    severity: anomalySeverity(anomaly.score, anomaly.threshold),
    startsAt: anomaly.ts,
    endsAt: anomaly.ts + quietMs,
  };
}
