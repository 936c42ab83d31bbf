import type { Alert, AlertEvent } from '../../../shared/api/alerts.ts';
import type { TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';

/**
 * What the alert lifecycle needs from incidents, passed in by the composition root so that
 * alerts does not depend on the incidents feature (incidents depends on alerts instead).
 * Every call happens inside the alert's unit of work (one transaction).
 */
export interface IncidentLinks {
  /**
   * The name two replicas serialise on when they may open or join an incident for alerts
   * with these labels (the incident group), taken with the batch's fingerprints.
   */
  groupLock(labels: Alert['labels'], group?: AlertEvent['group']): string;
  /**
   * The incident a newly firing alert joins, opened if none is joinable; `group` is the
   * group its source put it in (Alertmanager), which wins over the configured group-by.
   */
  attach(alert: Alert, at: number, unit: UnitOfWork, group?: AlertEvent['group']): Promise<number>;
  /**
   * The open incident a new alert with these labels would join (the first step of `attach`,
   * marked active as there), or undefined when `attach` would open or reopen one. Lets a new
   * alert be written with its incident at once instead of inserted and then linked.
   */
  joinOpen(labels: Alert['labels'], at: number, unit: UnitOfWork, group?: AlertEvent['group']): Promise<number | undefined>;
  /** An alert of the incident resolved: the incident may resolve with it (auto-resolve). */
  alertResolved(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): Promise<void>;
  note(incidentId: number, unit: UnitOfWork, entry: { ts: number; kind: TimelineKind; actor: Actor; alertId?: number | null; text: string; data?: Record<string, unknown> }): Promise<void>;
  raiseSeverity(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): Promise<void>;
  touch(incidentId: number, at: number, unit: UnitOfWork): void;
}

/** Tells the outside world (webhooks) that an unsilenced alert fired or resolved, within the alert's unit of work. */
export interface AlertNotifier {
  notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number): Promise<void>;
}
