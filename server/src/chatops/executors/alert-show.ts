import { AppError } from '../../../../shared/errors.ts';
import type { ReadExecutor } from './types.ts';
import { alertName, alertTarget, isoMinute } from './types.ts';

/** Annotations worth a row of their own, in this order; the rest stay on the Alerts page. */
const SHOWN_ANNOTATIONS = ['summary', 'description', 'explanation', 'runbook_url'];

/**
 * "alert 12", "who acked alert 12", "when did alert 12 start": one alert as a table of its
 * fields — state, severity, target, since when, who acknowledged it and why, its silence,
 * its incident and what its source says about it.
 */
export const alertShow: ReadExecutor<'alert.show'> = {
  kind: 'read',
  async answer({ slots }, _user, { alerts }) {
    const alert = await alerts.alerts.byId(slots.alertId);
    if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${slots.alertId}.`);
    const target = alertTarget(alert.labels);
    const rows: [string, string | number | null][] = [
      ['state', alert.silenced ? `${alert.state} (silenced by ${alert.silencedBy.map((id) => `silence ${id}`).join(', ')})` : alert.state],
      ['severity', alert.severity],
      ['target', target || null],
      ['started', isoMinute(alert.startsAt)],
      ['last seen', isoMinute(alert.lastSeenAt)],
      ...(alert.endsAt !== null ? [['resolved', isoMinute(alert.endsAt)] as [string, string]] : []),
      ['acknowledged', alert.acknowledgedBy ? `by ${alert.acknowledgedBy} at ${isoMinute(alert.acknowledgedAt!)}${alert.ackComment ? `: "${alert.ackComment}"` : ''}` : 'no'],
      ['incident', alert.incidentId],
      ['occurrences', alert.occurrences],
      ...SHOWN_ANNOTATIONS.filter((key) => alert.annotations[key]).map((key) => [key, alert.annotations[key]!] as [string, string]),
      ['labels', Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(', ')],
    ];
    return {
      kind: 'table',
      intent: 'alert.show',
      title: `Alert ${alert.id}: ${alertName(alert.labels)}${target ? ` on ${target}` : ''}`,
      text: `${alert.state}, ${alert.severity}, since ${isoMinute(alert.startsAt)}${alert.incidentId !== null ? `; incident ${alert.incidentId}` : ''}.`,
      columns: ['field', 'value'],
      rows,
    };
  },
};
