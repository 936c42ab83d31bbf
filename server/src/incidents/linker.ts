import { severityRank, type Alert, type AlertEvent } from '../../../shared/api/alerts.ts';
import type { Incident, TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';
import { SYSTEM } from '../core/actor.ts';
import { groupKeyOf, incidentTitleFor, type GroupingPolicy } from './grouping.ts';
import type { AuditLog } from '../audit/store.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import { describeAlert } from '../alerts/describe.ts';
import type { IncidentLinks } from '../alerts/ports.ts';
import { lastMovedAt, type IncidentStore } from './store.ts';
import type { TimelineStore } from './timeline.ts';

/** `under a minute`, `4 min`, `2 h 5 min`: how long an incident was closed, for the timeline. */
function formatMinutes(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes === 0) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ''}`;
}

/** The incidents a unit has attached alerts to, by group key. */
function attachedIn(unit: UnitOfWork): Map<string, number> {
  return unit.scratch('incidents.attached', () => new Map<string, number>());
}

/**
 * Ties alerts to incidents: a firing alert joins the open incident of its group (the
 * group-by labels, or Alertmanager's group for its alerts, active within the window),
 * reopens a resolved or mitigated one of its group closed within the window (its own last
 * incident first), or opens one; every event of an alert in an incident is written to that
 * incident's timeline. With auto-resolve on, an incident resolves when its last alert does.
 */
export class IncidentLinker implements IncidentLinks {
  readonly #incidents: IncidentStore;
  readonly #timeline: TimelineStore;
  /** Read at each alert: an admin may change the policy while the server runs. */
  readonly #policy: () => GroupingPolicy;
  readonly #audit: AuditLog;

  constructor(incidents: IncidentStore, timeline: TimelineStore, policy: () => GroupingPolicy, audit: AuditLog) {
    this.#incidents = incidents;
    this.#timeline = timeline;
    this.#policy = policy;
    this.#audit = audit;
  }

  /** The incident a newly firing alert belongs to: joined, reopened, or opened if none fits. */
  attach(alert: Alert, at: number, unit: UnitOfWork, group?: AlertEvent['group']): number {
    const policy = this.#policy();
    const groupKey = groupKeyOf(alert.labels, policy, group);
    const since = at - policy.windowMs;
    const open = this.#joinOpen(groupKey, since, unit) ?? this.#recent(alert, since, 'open')?.id;
    const joined = attachedIn(unit);
    if (open !== undefined) {
      if (!joined.has(groupKey)) {
        this.#incidents.update(open, { lastActivityAt: at }, at);
        joined.set(groupKey, open);
      }
      return open;
    }
    const closed = this.#recent(alert, since, 'closed') ?? this.#byId(this.#incidents.reopenable(groupKey, since));
    if (closed) {
      this.#reopen(closed, alert, at, unit, groupKey);
      joined.set(groupKey, closed.id);
      return closed.id;
    }
    const title = incidentTitleFor(alert.labels, alert.annotations, groupKey);
    const id = this.#incidents.create({ title, severity: alert.severity, groupKey, at });
    joined.set(groupKey, id);
    unit.publish({ type: 'incident', data: { action: 'opened', incident: this.#incidents.byId(id)! } });
    this.note(id, unit, { ts: at, kind: 'incident_opened', actor: SYSTEM, alertId: alert.id, text: `Incident opened: ${title}`, data: { groupKey } });
    return id;
  }

  joinOpen(labels: Alert['labels'], at: number, unit: UnitOfWork, group?: AlertEvent['group']): number | undefined {
    const policy = this.#policy();
    const groupKey = groupKeyOf(labels, policy, group);
    const open = this.#joinOpen(groupKey, at - policy.windowMs, unit);
    const joined = attachedIn(unit);
    if (open !== undefined && !joined.has(groupKey)) {
      this.#incidents.update(open, { lastActivityAt: at }, at);
      joined.set(groupKey, open);
    }
    return open;
  }

  /**
   * The open incident of the group: one this batch already joined, reopened or opened (open
   * and active now, no need to look it up again; touch marks it once at the end of the
   * unit), else the group's joinable one.
   */
  #joinOpen(groupKey: string, since: number, unit: UnitOfWork): number | undefined {
    return attachedIn(unit).get(groupKey) ?? this.#incidents.joinable(groupKey, since);
  }

  /**
   * The incident a re-firing alert was in last time, when it moved within the window and is
   * (`open`) or is not (`closed`) still open: a flapping alert goes back to where people
   * handled it, even if the grouping changed since.
   */
  #recent(alert: Alert, since: number, state: 'open' | 'closed'): Incident | undefined {
    const own = this.#byId(alert.incidentId ?? undefined);
    if (!own || own.mergedInto !== null || lastMovedAt(own) < since) return undefined;
    return (own.status === 'open') === (state === 'open') ? own : undefined;
  }

  #byId(id: number | undefined): Incident | undefined {
    return id === undefined ? undefined : this.#incidents.byId(id);
  }

  /** A closed incident is open again: its state follows its alerts, the timeline says why. */
  #reopen(incident: Incident, alert: Alert, at: number, unit: UnitOfWork, groupKey: string): void {
    const closedAt = lastMovedAt(incident);
    this.#incidents.update(incident.id, { status: 'open', resolvedAt: null, mitigatedAt: null, lastActivityAt: at }, at);
    unit.publish({ type: 'incident', data: { action: 'reopened', incident: this.#incidents.byId(incident.id)! } });
    const text = `Incident reopened: ${describeAlert(alert)} fired again ${formatMinutes(at - closedAt)} after it was ${incident.status}`;
    this.note(incident.id, unit, { ts: at, kind: 'reopened', actor: SYSTEM, alertId: alert.id, text, data: { from: incident.status, to: 'open', closedAt, groupKey } });
    this.#audit.record({ actor: SYSTEM.name, actorKind: SYSTEM.kind, action: 'incident.reopen', target: `incident:${incident.id}`, outcome: 'success', ip: null, details: { from: incident.status, alertId: alert.id, closedAt } });
  }

  /** An incident is as severe as its worst alert; a raise is recorded after the alert's own entries. */
  raiseSeverity(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): void {
    // The severity alone: the counts are not needed here (they cost a pass over the incident's alerts).
    const severity = this.#incidents.severityOf(incidentId)!;
    if (severityRank(alert.severity) <= severityRank(severity)) return;
    this.#incidents.update(incidentId, { severity: alert.severity }, at);
    this.note(incidentId, unit, { ts: at, kind: 'severity_changed', actor: SYSTEM, alertId: alert.id, text: `Severity raised to ${alert.severity} by ${describeAlert(alert)}`, data: { from: severity, to: alert.severity } });
  }

  /**
   * With auto-resolve on, an open or mitigated incident whose alerts have all resolved
   * resolves too; acknowledged alerts still count as unresolved (someone is on them).
   */
  alertResolved(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): void {
    if (!this.#policy().autoResolve) return;
    // Most resolutions leave other alerts unresolved: one index probe answers that.
    if (this.#incidents.hasUnresolvedAlerts(incidentId)) return;
    const incident = this.#incidents.byId(incidentId);
    if (!incident || incident.status === 'resolved' || incident.firingCount + (incident.acknowledgedCount ?? 0) > 0) return;
    this.#incidents.update(incidentId, { status: 'resolved', resolvedAt: at }, at);
    // No longer joinable: a later alert of the batch in its group opens a new one, as it would alone.
    const joined = attachedIn(unit);
    for (const [key, id] of joined) if (id === incidentId) joined.delete(key);
    const text = `Resolved automatically: all ${incident.alertCount} alert(s) resolved, the last one ${describeAlert(alert)}`;
    this.note(incidentId, unit, { ts: at, kind: 'status_changed', actor: SYSTEM, alertId: alert.id, text, data: { from: incident.status, to: 'resolved', auto: true } });
    this.#audit.record({ actor: SYSTEM.name, actorKind: SYSTEM.kind, action: 'incident.auto_resolve', target: `incident:${incidentId}`, outcome: 'success', ip: null, details: { from: incident.status, lastAlertId: alert.id } });
  }

  /** Appends to the timeline and tells the stream. */
  note(incidentId: number, unit: UnitOfWork, entry: { ts: number; kind: TimelineKind; actor: Actor; alertId?: number | null; text: string; data?: Record<string, unknown> }): void {
    const appended = this.#timeline.append({ incidentId, ...entry });
    unit.publish({ type: 'timeline', data: appended });
  }

  /**
   * Marks the incident active and publishes its new counts, once per incident at the end of
   * the unit: a webhook batch of 100 alerts in one incident writes and reads it once, and
   * its one `updated` event (after the alerts' own) carries the counts after the batch.
   */
  touch(incidentId: number, at: number, unit: UnitOfWork): void {
    unit.beforeCommit(`incident.touch:${incidentId}`, () => {
      this.#incidents.update(incidentId, { lastActivityAt: at }, at);
      unit.publish({ type: 'incident', data: { action: 'updated', incident: this.#incidents.byId(incidentId)! } });
    });
  }
}
