import type { Alert } from '../../../../shared/api/alerts.ts';
import type { AnomalyBand, ChartMarker } from '../../components/chart/TimeSeriesChart.tsx';

/** Labels of a series that an alert's labels agree with (the alert is about that target). */
export function alertConcernsLabels(alert: Alert, labels: Record<string, string>): boolean {
  const keys = ['target', 'host', 'instance', 'job', 'service'].filter((key) => key in alert.labels && key in labels);
  if (keys.length > 0) return keys.every((key) => alert.labels[key] === labels[key]);
  const target = alert.labels.target;
  return target !== undefined && Object.values(labels).includes(target);
}

/**
 * Anomaly alerts as chart overlays: a band over each firing episode (stronger for a
 * higher score) and a marker at its onset carrying the explanation.
 */
export function anomalyOverlay(alerts: readonly Alert[], now: number): { bands: AnomalyBand[]; markers: ChartMarker[] } {
  const bands: AnomalyBand[] = [];
  const markers: ChartMarker[] = [];
  for (const alert of alerts) {
    const score = Number(alert.annotations.score);
    bands.push({ from: alert.startsAt, to: alert.endsAt ?? now, score: Number.isFinite(score) ? score : 0.6 });
    const what = alert.annotations.explanation ?? alert.annotations.summary ?? alert.labels.alertname ?? 'Anomaly';
    markers.push({ ts: alert.startsAt, label: `${alert.labels.target ?? ''} ${what}`.trim(), color: alert.severity === 'critical' ? '#e03131' : '#f08c00' });
  }
  return { bands, markers };
}
