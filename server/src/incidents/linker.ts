import { severityRank, type Alert } from '../../../shared/api/alerts.ts';
import type { TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';
import { SYSTEM } from '../core/actor.ts';
import { groupKeyOf, incidentTitleFor, type GroupingPolicy } from './grouping.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import { describeAlert } from '../alerts/describe.ts';
import type { IncidentLinks } from '../alerts/ports.ts';
import type { IncidentStore } from './store.ts';
import type { TimelineStore } from './timeline.ts';


/**
 * Ties alerts to incidents: a firing alert joins the open incident of its group (same
 * target or group labels, active within the window) or opens one, and every event of an
 * alert in an incident is written to that incident's timeline.
 */
export class IncidentLinker implements IncidentLinks {
  readonly #incidents: IncidentStore;
  readonly #timeline: TimelineStore;
  readonly #policy: GroupingPolicy;

  constructor(incidents: IncidentStore, timeline: TimelineStore, policy: GroupingPolicy) {
    this.#incidents = incidents;
    this.#timeline = timeline;
    this.#policy = policy;
  }

  /** The incident a newly firing alert belongs to, opened if none is joinable. */
  attach(alert: Alert, at: number, unit: UnitOfWork): number {
    const groupKey = groupKeyOf(alert.labels, this.#policy);
    const existing = this.#incidents.joinable(groupKey, at - this.#policy.windowMs);
    if (existing !== undefined) {
      this.#incidents.update(existing, { lastActivityAt: at }, at);
      return existing;
    }
    const title = incidentTitleFor(alert.labels, alert.annotations, groupKey);
    const id = this.#incidents.create({ title, severity: alert.severity, groupKey, at });
    unit.publish({ type: 'incident', data: { action: 'opened', incident: this.#incidents.byId(id)! } });
    this.note(id, unit, { ts: at, kind: 'incident_opened', actor: SYSTEM, alertId: alert.id, text: `Incident opened: ${title}`, data: { groupKey } });
    return id;
  }

  /** An incident is as severe as its worst alert; a raise is recorded after the alert's own entries. */
  raiseSeverity(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): void {
    const incident = this.#incidents.byId(incidentId)!;
    if (severityRank(alert.severity) <= severityRank(incident.severity)) return;
    this.#incidents.update(incidentId, { severity: alert.severity }, at);
    this.note(incidentId, unit, { ts: at, kind: 'severity_changed', actor: SYSTEM, alertId: alert.id, text: `Severity raised to ${alert.severity} by ${describeAlert(alert)}`, data: { from: incident.severity, to: alert.severity } });
  }

  /** Appends to the timeline and tells the stream. */
  note(incidentId: number, unit: UnitOfWork, entry: { ts: number; kind: TimelineKind; actor: Actor; alertId?: number | null; text: string; data?: Record<string, unknown> }): void {
    const appended = this.#timeline.append({ incidentId, ...entry });
    unit.publish({ type: 'timeline', data: appended });
  }

  /** Marks the incident active and publishes its new counts. */
  touch(incidentId: number, at: number, unit: UnitOfWork): void {
    this.#incidents.update(incidentId, { lastActivityAt: at }, at);
    unit.publish({ type: 'incident', data: { action: 'updated', incident: this.#incidents.byId(incidentId)! } });
  }
}
