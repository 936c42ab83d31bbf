import { Compile } from 'typebox/compile';
import { withoutEmptyLabels } from '../fingerprint.ts';
import { alertBoundProblems } from '../alert-bounds.ts';
import { AlertmanagerAlertSchema, type AlertEvent, type AlertmanagerAlert } from '../../../../shared/api/alerts.ts';

const checkAlert = Compile(AlertmanagerAlertSchema);

/** Alertmanager writes this for "no end known" on firing alerts. */
const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

export interface MappedBatch {
  events: AlertEvent[];
  /** Index in the payload of each mapped event, to report results per alert. */
  indexes: number[];
  rejected: Array<{ index: number; errors: string[] }>;
}

/** `startsAt`, `endsAt`: the alert's times parsed (NaN for no end), as `endsBeforeStart` read them. */
function toEvent(alert: AlertmanagerAlert, group: AlertEvent['group'], startsAt: number, endsAt: number): AlertEvent {
  // Only a resolved alert's endsAt is kept. A firing alert's endsAt is Alertmanager's own
  // resolve deadline, which Prometheus keeps pushing forward without Alertmanager telling
  // us; Alertmanager sends "resolved" itself when it passes.
  const resolvedAt = alert.status === 'resolved' && Number.isFinite(endsAt) && endsAt > ZERO_TIME ? { endsAt } : {};
  return {
    source: 'alertmanager',
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    // Go's zero time is "not known" (Alertmanager's API takes it as now): the receipt, as with no startsAt.
    ...(startsAt > ZERO_TIME ? { startsAt } : {}),
    ...resolvedAt,
    ...(alert.generatorURL ? { generatorUrl: alert.generatorURL } : {}),
    ...(group ? { group } : {}),
  };
}

function endsBeforeStart(startsAt: number, endsAt: number): boolean {
  return Number.isFinite(endsAt) && endsAt > ZERO_TIME && endsAt < startsAt;
}

/** The notification's group, when Alertmanager said which (every version 4 payload does). */
export function groupOfPayload(payload: { groupKey?: string | undefined; groupLabels?: Record<string, string> | undefined }): AlertEvent['group'] {
  if (payload.groupKey === undefined || payload.groupKey === '') return undefined;
  return { key: payload.groupKey, labels: payload.groupLabels ?? {} };
}

/**
 * Maps Alertmanager's webhook payload to our events, validating each alert on its own:
 * a malformed alert is reported, never a reason to drop the valid ones beside it. Every
 * event carries the notification's group, so grouping follows Alertmanager's `group_by`.
 */
export function mapAlertmanagerPayload(alerts: readonly unknown[], group?: AlertEvent['group']): MappedBatch {
  const batch: MappedBatch = { events: [], indexes: [], rejected: [] };
  alerts.forEach((alert, index) => {
    if (!checkAlert.Check(alert)) {
      batch.rejected.push({ index, errors: [...checkAlert.Errors(alert)].map((e) => `${e.instancePath || '/'} ${e.message}`) });
      return;
    }
    // Too many labels or annotations, or too many bytes: that alert is refused, the rest taken.
    const oversized = alertBoundProblems({ labels: alert.labels, annotations: alert.annotations, generatorUrl: alert.generatorURL });
    if (oversized.length > 0) {
      batch.rejected.push({ index, errors: oversized.map((problem) => `${problem.path || '/'} ${problem.message}`) });
      return;
    }
    // An empty value is no label (Alertmanager drops them too, and ingest leaves them out).
    if (Object.keys(withoutEmptyLabels(alert.labels)).length === 0) {
      batch.rejected.push({ index, errors: ['/labels must not be empty'] });
      return;
    }
    // Parsed once, for the check and the event. The schema's date-time takes a leap second
    // (23:59:60), which Date.parse does not: NaN reached the database and failed the whole POST.
    const startsAt = Date.parse(alert.startsAt);
    const endsAt = alert.endsAt ? Date.parse(alert.endsAt) : NaN;
    const unreadable = (['startsAt', 'endsAt'] as const).filter((field) => alert[field] && Number.isNaN(Date.parse(alert[field])));
    if (unreadable.length > 0) {
      batch.rejected.push({ index, errors: unreadable.map((field) => `/${field} "${alert[field]}" is not a time this server can read`) });
      return;
    }
    if (endsBeforeStart(startsAt, endsAt)) {
      // Alertmanager's own check (model.Alert.Validate): an end before the start is refused.
      batch.rejected.push({ index, errors: ['/endsAt start time must be before end time'] });
      return;
    }
    batch.events.push(toEvent(alert, group, startsAt, endsAt));
    batch.indexes.push(index);
  });
  return batch;
}
