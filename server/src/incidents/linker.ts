import { severityRank, type Alert, type AlertEvent, type Severity } from '../../../shared/api/alerts.ts';
import type { Incident, TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';
import { SYSTEM } from '../core/actor.ts';
import { groupKeyOf, incidentTitleFor, type GroupingPolicy } from './grouping.ts';
import type { AuditLog } from '../audit/store.ts';
import { WRITE_STAGE, type UnitOfWork } from '../core/unit-of-work.ts';
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

/** Incident severities the unit has read or set (raising one reads it once per unit, not once per alert). */
function severitiesIn(unit: UnitOfWork): Map<number, Severity> {
  return unit.scratch('incidents.severity', () => new Map<number, Severity>());
}

/** The lock name of an incident group (see IncidentLinks.groupLock). */
const groupLockName = (groupKey: string) => `incident-group:${groupKey}`;

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

  /** The stores bound to the unit's transaction, made once per unit. */
  #in(unit: UnitOfWork): { incidents: IncidentStore; timeline: TimelineStore } {
    return unit.scratch('incidents.stores', () => ({ incidents: this.#incidents.in(unit), timeline: this.#timeline.in(unit) }));
  }

  groupLock(labels: Alert['labels'], group?: AlertEvent['group']): string {
    return groupLockName(groupKeyOf(labels, this.#policy(), group));
  }

  /** The incident a newly firing alert belongs to: joined, reopened, or opened if none fits. */
  async attach(alert: Alert, at: number, unit: UnitOfWork, group?: AlertEvent['group']): Promise<number> {
    const { incidents } = this.#in(unit);
    const policy = this.#policy();
    const groupKey = groupKeyOf(alert.labels, policy, group);
    // Normally taken with the batch's fingerprints already; a no-op then.
    await unit.serialise([groupLockName(groupKey)]);
    const since = at - policy.windowMs;
    const open = (await this.#joinOpen(groupKey, since, unit)) ?? (await this.#recent(alert, since, 'open', unit))?.id;
    const joined = attachedIn(unit);
    if (open !== undefined) {
      if (!joined.has(groupKey)) {
        await incidents.update(open, { lastActivityAt: at }, at);
        joined.set(groupKey, open);
      }
      return open;
    }
    const closed = (await this.#recent(alert, since, 'closed', unit)) ?? (await this.#byId(await incidents.reopenable(groupKey, since), unit));
    if (closed) {
      await this.#reopen(closed, alert, at, unit, groupKey);
      joined.set(groupKey, closed.id);
      return closed.id;
    }
    const title = incidentTitleFor(alert.labels, alert.annotations, groupKey);
    const id = await incidents.create({ title, severity: alert.severity, groupKey, at });
    joined.set(groupKey, id);
    severitiesIn(unit).set(id, alert.severity);
    // The counts as the unit's alert writes so far leave them.
    await unit.flush(WRITE_STAGE.alerts);
    unit.publish({ type: 'incident', data: { action: 'opened', incident: (await incidents.byId(id))! } });
    await this.note(id, unit, { ts: at, kind: 'incident_opened', actor: SYSTEM, alertId: alert.id, text: `Incident opened: ${title}`, data: { groupKey } });
    return id;
  }

  async joinOpen(labels: Alert['labels'], at: number, unit: UnitOfWork, group?: AlertEvent['group']): Promise<number | undefined> {
    const policy = this.#policy();
    const groupKey = groupKeyOf(labels, policy, group);
    // (SQLite takes no locks: not even the name is built, for every new alert of a batch.)
    if (unit.dialect === 'postgres') await unit.serialise([groupLockName(groupKey)]);
    const open = await this.#joinOpen(groupKey, at - policy.windowMs, unit);
    const joined = attachedIn(unit);
    if (open !== undefined && !joined.has(groupKey)) {
      await this.#in(unit).incidents.update(open, { lastActivityAt: at }, at);
      joined.set(groupKey, open);
    }
    return open;
  }

  /**
   * The open incident of the group: one this batch already joined, reopened or opened (open
   * and active now, no need to look it up again; touch marks it once at the end of the
   * unit), else the group's joinable one.
   */
  async #joinOpen(groupKey: string, since: number, unit: UnitOfWork): Promise<number | undefined> {
    return attachedIn(unit).get(groupKey) ?? (await this.#in(unit).incidents.joinable(groupKey, since));
  }

  /**
   * The incident a re-firing alert was in last time, when it moved within the window and is
   * (`open`) or is not (`closed`) still open: a flapping alert goes back to where people
   * handled it, even if the grouping changed since.
   */
  async #recent(alert: Alert, since: number, state: 'open' | 'closed', unit: UnitOfWork): Promise<Incident | undefined> {
    const own = await this.#byId(alert.incidentId ?? undefined, unit);
    if (!own || own.mergedInto !== null || lastMovedAt(own) < since) return undefined;
    return (own.status === 'open') === (state === 'open') ? own : undefined;
  }

  async #byId(id: number | undefined, unit: UnitOfWork): Promise<Incident | undefined> {
    return id === undefined ? undefined : this.#in(unit).incidents.byId(id);
  }

  /** A closed incident is open again: its state follows its alerts, the timeline says why. */
  async #reopen(incident: Incident, alert: Alert, at: number, unit: UnitOfWork, groupKey: string): Promise<void> {
    const { incidents } = this.#in(unit);
    const closedAt = lastMovedAt(incident);
    await incidents.update(incident.id, { status: 'open', resolvedAt: null, mitigatedAt: null, lastActivityAt: at }, at);
    await unit.flush(WRITE_STAGE.alerts);
    unit.publish({ type: 'incident', data: { action: 'reopened', incident: (await incidents.byId(incident.id))! } });
    const text = `Incident reopened: ${describeAlert(alert)} fired again ${formatMinutes(at - closedAt)} after it was ${incident.status}`;
    await this.note(incident.id, unit, { ts: at, kind: 'reopened', actor: SYSTEM, alertId: alert.id, text, data: { from: incident.status, to: 'open', closedAt, groupKey } });
    this.#audit.record({ actor: SYSTEM.name, actorKind: SYSTEM.kind, action: 'incident.reopen', target: `incident:${incident.id}`, outcome: 'success', ip: null, details: { from: incident.status, alertId: alert.id, closedAt } });
  }

  /** An incident is as severe as its worst alert; a raise is recorded after the alert's own entries. */
  async raiseSeverity(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): Promise<void> {
    const { incidents } = this.#in(unit);
    // The severity alone, read once per unit: only this unit changes it while it holds the group.
    const known = severitiesIn(unit);
    let severity = known.get(incidentId);
    if (severity === undefined) known.set(incidentId, (severity = (await incidents.severityOf(incidentId))!));
    if (severityRank(alert.severity) <= severityRank(severity)) return;
    await incidents.update(incidentId, { severity: alert.severity }, at);
    known.set(incidentId, alert.severity);
    await this.note(incidentId, unit, { ts: at, kind: 'severity_changed', actor: SYSTEM, alertId: alert.id, text: `Severity raised to ${alert.severity} by ${describeAlert(alert)}`, data: { from: severity, to: alert.severity } });
  }

  /**
   * With auto-resolve on, an open or mitigated incident whose alerts have all resolved
   * resolves too; acknowledged alerts still count as unresolved (someone is on them).
   */
  async alertResolved(incidentId: number, alert: Alert, at: number, unit: UnitOfWork): Promise<void> {
    if (!this.#policy().autoResolve) return;
    const { incidents } = this.#in(unit);
    // Replicas: an alert joining the incident on another replica (under its group's lock)
    // must not be missed by the check below; usually the unit holds the lock already.
    if (unit.dialect === 'postgres') {
      const groupKey = await incidents.groupKeyOf(incidentId);
      if (groupKey !== undefined) await unit.serialise([groupLockName(groupKey)]);
    }
    // Most resolutions leave other alerts unresolved: one index probe answers that, once the
    // unit's alert writes so far are in.
    await unit.flush(WRITE_STAGE.alerts);
    if (await incidents.hasUnresolvedAlerts(incidentId)) return;
    const incident = await incidents.byId(incidentId);
    if (!incident || incident.status === 'resolved' || incident.firingCount + (incident.acknowledgedCount ?? 0) > 0) return;
    await incidents.update(incidentId, { status: 'resolved', resolvedAt: at }, at);
    // No longer joinable: a later alert of the batch in its group opens a new one, as it would alone.
    const joined = attachedIn(unit);
    for (const [key, id] of joined) if (id === incidentId) joined.delete(key);
    const text = `Resolved automatically: all ${incident.alertCount} alert(s) resolved, the last one ${describeAlert(alert)}`;
    await this.note(incidentId, unit, { ts: at, kind: 'status_changed', actor: SYSTEM, alertId: alert.id, text, data: { from: incident.status, to: 'resolved', auto: true } });
    this.#audit.record({ actor: SYSTEM.name, actorKind: SYSTEM.kind, action: 'incident.auto_resolve', target: `incident:${incidentId}`, outcome: 'success', ip: null, details: { from: incident.status, lastAlertId: alert.id } });
  }

  /** Appends to the timeline (written with the unit's other entries when it flushes) and tells the stream. */
  async note(incidentId: number, unit: UnitOfWork, entry: { ts: number; kind: TimelineKind; actor: Actor; alertId?: number | null; text: string; data?: Record<string, unknown> }): Promise<void> {
    unit.publish({ type: 'timeline', data: this.#in(unit).timeline.hold(unit, { incidentId, ...entry }) });
  }

  /**
   * Marks the incident active and publishes its new counts, once per incident at the end of
   * the unit, all of the unit's incidents in two statements: a webhook batch of 100 alerts in
   * 8 incidents writes and reads them once, and each one's `updated` event (after the
   * alerts' own, in the order they were first touched) carries the counts after the batch.
   */
  touch(incidentId: number, at: number, unit: UnitOfWork): void {
    const touched = unit.scratch('incidents.touched', () => new Map<number, number>());
    // The latest time wins; the incident keeps its place in the order.
    touched.set(incidentId, at);
    unit.beforeCommit('incident.touch', async () => {
      const { incidents } = this.#in(unit);
      const touches = [...touched];
      touched.clear();
      await incidents.touchMany(touches);
      const read = await incidents.manyById(touches.map(([id]) => id));
      for (const [id] of touches) unit.publish({ type: 'incident', data: { action: 'updated', incident: read.get(id)! } });
    });
  }
}
