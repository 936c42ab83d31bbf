import type { Alert } from '../../../shared/api/alerts.ts';

/** "HighCpu on web-1": how an alert is named in timelines and titles. */
export function describeAlert(alert: Pick<Alert, 'labels'>): string {
  const name = alert.labels.alertname ?? 'Alert';
  const where = alert.labels.target ?? alert.labels.instance ?? alert.labels.host ?? alert.labels.service;
  return where ? `${name} on ${where}` : name;
}
