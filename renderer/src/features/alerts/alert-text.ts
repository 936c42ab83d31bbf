import type { Alert } from '../../../../shared/api/alerts.ts';

/** What a person calls this alert: its summary, else its rule name and target. */
export function alertTitle(alert: Alert): string {
  return alert.annotations.summary ?? [alert.labels.alertname, alert.labels.target ?? alert.labels.host ?? alert.labels.instance].filter(Boolean).join(' on ') ?? `Alert ${alert.id}`;
}

export function alertTarget(alert: Alert): string | undefined {
  return alert.labels.target ?? alert.labels.host ?? alert.labels.instance;
}
