import { SEVERITIES, severityRank, type Alert, type AlertEvent, type AlertState, type CreateSilenceRequest, type Severity, type Silence } from '../../../shared/api/alerts.ts';
import type { AlertEventData } from '../../../shared/api/stream.ts';
import { AppError } from '../../../shared/errors.ts';
import type { AuditLog } from '../audit/store.ts';
import { describeAlert } from './describe.ts';
import type { AlertNotifier, IncidentLinks } from './ports.ts';
import { SYSTEM, type Actor } from '../core/actor.ts';
import { fingerprint } from './fingerprint.ts';
import type { AlertStore } from './store.ts';
import type { SilenceStore } from './silences.ts';
import { MatcherError } from './matchers.ts';
import type { UnitOfWork, UnitRunner } from '../core/unit-of-work.ts';

export interface AlertServiceDeps {
  alerts: AlertStore;
  silences: SilenceStore;
  linker: IncidentLinks;
  notifier: AlertNotifier;
  audit: AuditLog;
  run: UnitRunner;
  now: () => number;
}

type StoredAlert = Alert & { expiresAt: number | null };

/** What ingest did with one event: the alert, or null for a resolution of an alert we never saw. */
export type IngestOutcome = { alert: Alert; action: AlertEventData['action'] | 'unchanged' } | null;

/** The event's severity, else its `severity` label; undefined when it says nothing. */
function severityOf(event: AlertEvent): Severity | undefined {
  if (event.severity) return event.severity;
  const label = event.labels.severity?.toLowerCase();
  if (label && (SEVERITIES as readonly string[]).includes(label)) return label as Severity;
  if (label === 'error' || label === 'page' || label === 'high') return 'critical';
  return undefined;
}

const DEFAULT_SEVERITY: Severity = 'warning';

/**
 * The alert lifecycle. Every source (anomalies, threshold rules, Alertmanager, the API)
 * goes through `ingest`, one SQLite transaction per batch: fingerprint de-duplication,
 * silences, grouping into incidents, history, timeline, notification queue, and the
 * stream events published after the commit.
 */
export class AlertService {
  readonly #deps: AlertServiceDeps;
  #lastSweep: number;

  constructor(deps: AlertServiceDeps) {
    this.#deps = deps;
    this.#lastSweep = deps.now();
  }

  /**
   * One transaction for the whole batch (a webhook POST): every alert, its history, its
   * incident and timeline entries are durable when this returns, and the stream hears of
   * them after the commit. The batch's alerts are read in one query, not one each.
   */
  ingest(events: readonly AlertEvent[], actor: Actor = SYSTEM, alsoRecord?: (outcomes: IngestOutcome[]) => void): IngestOutcome[] {
    return this.#deps.run((unit) => {
      const fingerprints = events.map((event) => fingerprint(event.labels));
      const known = this.#deps.alerts.byFingerprints(fingerprints);
      const handled = new Set<string>();
      const outcomes = events.map((event, i) => {
        const fp = fingerprints[i]!;
        // A second event for the same alert in this batch reads it again, as the first left it.
        const existing = handled.has(fp) ? this.#deps.alerts.byFingerprint(fp) : known.get(fp);
        handled.add(fp);
        return this.#ingestOne(event, fp, existing, actor, unit);
      });
      // The caller's record of the batch (the receiver's audit entry) commits with it.
      alsoRecord?.(outcomes);
      return outcomes;
    });
  }

  #ingestOne(event: AlertEvent, fp: string, existing: StoredAlert | undefined, actor: Actor, unit: UnitOfWork): IngestOutcome {
    const { alerts, silences } = this.#deps;
    const now = this.#deps.now();
    const labels = event.labels;
    const annotations = { ...(existing?.annotations ?? {}), ...(event.annotations ?? {}) };
    // A repeat that says nothing about severity keeps the alert's.
    const severity = severityOf(event) ?? existing?.severity ?? DEFAULT_SEVERITY;
    const expiresAt = event.status === 'firing' && event.endsAt !== undefined && event.endsAt > now ? event.endsAt : null;

    if (event.status === 'resolved') {
      if (!existing || existing.state === 'resolved') return existing ? { alert: stripExpiry(existing), action: 'unchanged' } : null;
      const resolved = { ...existing, state: 'resolved' as const, annotations, endsAt: Math.min(event.endsAt ?? now, now), expiresAt: null, lastSeenAt: now };
      return { alert: this.#transition(existing, resolved, actor, null, unit, now), action: 'resolved' };
    }

    if (!existing) {
      const silencedBy = silences.matching(labels, now);
      // Usually the alert joins an open incident: written with it, not inserted and then linked.
      const joined = this.#deps.linker.joinOpen(labels, now, unit, event.group);
      const created = alerts.insert(
        {
          fingerprint: fp,
          source: event.source,
          state: 'firing',
          severity,
          labels,
          annotations,
          startsAt: event.startsAt ?? now,
          endsAt: null,
          expiresAt,
          lastSeenAt: now,
          occurrences: 1,
          silencedBy,
          acknowledgedBy: null,
          acknowledgedAt: null,
          ackComment: null,
          incidentId: joined ?? null,
          generatorUrl: event.generatorUrl ?? null,
        },
        now,
      );
      alerts.recordTransition(created.id, now, null, 'firing', actor, null);
      return { alert: this.#startEpisode({ ...created, expiresAt }, event, actor, unit, now, 'created', joined), action: 'created' };
    }

    if (existing.state === 'resolved') {
      const refired: StoredAlert = {
        ...existing,
        source: event.source,
        state: 'firing',
        severity,
        annotations,
        startsAt: event.startsAt !== undefined && event.startsAt > (existing.endsAt ?? 0) ? event.startsAt : now,
        endsAt: null,
        expiresAt,
        lastSeenAt: now,
        occurrences: existing.occurrences + 1,
        silencedBy: silences.matching(labels, now),
        acknowledgedBy: null,
        acknowledgedAt: null,
        ackComment: null,
        generatorUrl: event.generatorUrl ?? existing.generatorUrl,
      };
      alerts.recordTransition(existing.id, now, 'resolved', 'firing', actor, null);
      return { alert: this.#startEpisode(refired, event, actor, unit, now, 'refired'), action: 'refired' };
    }

    // A repeat of a firing alert: the same alert, refreshed; no history, no notification.
    const repeated = alerts.save(
      { ...existing, severity, annotations, expiresAt: expiresAt ?? existing.expiresAt, lastSeenAt: now, occurrences: existing.occurrences + 1 },
      now,
    );
    if (repeated.incidentId !== null && severityRank(severity) > severityRank(existing.severity)) {
      this.#deps.linker.raiseSeverity(repeated.incidentId, repeated, now, unit);
      this.#deps.linker.touch(repeated.incidentId, now, unit);
    }
    unit.publish({ type: 'alert', data: { action: 'updated', alert: repeated } });
    return { alert: repeated, action: 'updated' };
  }

  /**
   * A new firing episode: join an incident, write the timeline, notify unless silenced.
   * `joined`: the open incident a new alert was already written with.
   */
  #startEpisode(alert: StoredAlert, event: AlertEvent, actor: Actor, unit: UnitOfWork, now: number, action: 'created' | 'refired', joined?: number): Alert {
    const { linker } = this.#deps;
    const incidentId = joined ?? linker.attach(alert, now, unit, event.group);
    // A new alert's row is written already (with its incident when it joined one; else it
    // only lacks the incident); a refired one is not.
    const saved =
      action === 'refired' ? this.#deps.alerts.save({ ...alert, incidentId }, now)
      : joined !== undefined ? stripExpiry(alert)
      : this.#deps.alerts.linkIncident(alert, incidentId, now);
    linker.note(incidentId, unit, {
      ts: now,
      kind: 'alert_firing',
      actor,
      alertId: saved.id,
      text: `${describeAlert(saved)} firing (${saved.severity})${saved.annotations.summary ? `: ${saved.annotations.summary}` : ''}`,
      data: { source: event.source, fingerprint: saved.fingerprint, labels: saved.labels, silenced: saved.silenced },
    });
    if (event.source === 'anomaly' && saved.annotations.explanation) {
      linker.note(incidentId, unit, {
        ts: now,
        kind: 'anomaly',
        actor: SYSTEM,
        alertId: saved.id,
        text: `Anomaly on ${saved.labels.target ?? 'unknown target'}: ${saved.annotations.explanation}`,
        data: { explanation: saved.annotations.explanation, score: saved.annotations.score, threshold: saved.annotations.threshold },
      });
    }
    linker.raiseSeverity(incidentId, saved, now, unit);
    linker.touch(incidentId, now, unit);
    this.#notify(saved, 'firing', unit, now);
    unit.publish({ type: 'alert', data: { action, alert: saved } });
    return saved;
  }

  #notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number): void {
    if (alert.silenced) return;
    this.#deps.notifier.notify(alert, event, unit, now);
  }

  /** Saves a state change with its history, timeline entry, notification and stream event. */
  #transition(before: StoredAlert, after: StoredAlert, actor: Actor, comment: string | null, unit: UnitOfWork, now: number): Alert {
    const { alerts, linker } = this.#deps;
    const saved = alerts.save(after, now);
    alerts.recordTransition(saved.id, now, before.state, saved.state, actor, comment);
    const action = actionFor(before.state, saved.state);
    if (saved.incidentId !== null) {
      const who = actor.kind === 'system' ? '' : ` by ${actor.name}`;
      const texts: Record<typeof action, string> = {
        resolved: `${describeAlert(saved)} resolved${who}`,
        acknowledged: `${describeAlert(saved)} acknowledged by ${saved.acknowledgedBy ?? actor.name}`,
        unacknowledged: `${describeAlert(saved)} un-acknowledged${who}`,
      };
      linker.note(saved.incidentId, unit, {
        ts: now,
        kind: `alert_${action}`,
        actor,
        alertId: saved.id,
        text: comment ? `${texts[action]}: ${comment}` : texts[action],
        data: { from: before.state, to: saved.state, ...(comment ? { comment } : {}) },
      });
      linker.touch(saved.incidentId, now, unit);
      if (action === 'resolved') linker.alertResolved(saved.incidentId, saved, now, unit);
    }
    if (action === 'resolved') this.#notify(saved, 'resolved', unit, now);
    unit.publish({ type: 'alert', data: { action, alert: saved } });
    return saved;
  }

  acknowledge(id: number, actor: Actor, comment: string, owner?: string): Alert {
    return this.#deps.run((unit) => {
      const now = this.#deps.now();
      const alert = this.#require(id);
      if (alert.state === 'resolved') throw new AppError('E_CONFLICT', 'A resolved alert cannot be acknowledged.', { state: alert.state });
      const after = { ...alert, state: 'acknowledged' as const, acknowledgedBy: owner ?? actor.name, acknowledgedAt: now, ackComment: comment };
      const saved = this.#transition(alert, after, actor, comment, unit, now);
      this.#audit(actor, 'alert.acknowledge', id, { owner: after.acknowledgedBy, comment });
      return saved;
    });
  }

  unacknowledge(id: number, actor: Actor, comment?: string): Alert {
    return this.#deps.run((unit) => {
      const now = this.#deps.now();
      const alert = this.#require(id);
      if (alert.state !== 'acknowledged') throw new AppError('E_CONFLICT', 'Only an acknowledged alert can be un-acknowledged.', { state: alert.state });
      const after = { ...alert, state: 'firing' as const, acknowledgedBy: null, acknowledgedAt: null, ackComment: null };
      const saved = this.#transition(alert, after, actor, comment ?? null, unit, now);
      this.#audit(actor, 'alert.unacknowledge', id, { comment });
      return saved;
    });
  }

  resolve(id: number, actor: Actor, comment?: string): Alert {
    return this.#deps.run((unit) => {
      const now = this.#deps.now();
      const alert = this.#require(id);
      if (alert.state === 'resolved') throw new AppError('E_CONFLICT', 'The alert is already resolved.', { state: alert.state });
      const saved = this.#transition(alert, { ...alert, state: 'resolved', endsAt: now, expiresAt: null }, actor, comment ?? null, unit, now);
      this.#audit(actor, 'alert.resolve', id, { comment });
      return saved;
    });
  }

  /**
   * Periodic upkeep: resolves alerts whose source promised news and sent none, and
   * re-evaluates silenced flags when a silence started or ended.
   */
  sweep(): void {
    const now = this.#deps.now();
    const boundary = this.#deps.silences.nextBoundary(this.#lastSweep);
    this.#lastSweep = now;
    if (boundary !== null && boundary <= now) {
      this.#deps.silences.reload(now);
      this.applySilences();
    }
    const expired = this.#deps.alerts.expired(now);
    if (expired.length > 0) {
      this.#deps.run((unit) => {
        for (const alert of expired) {
          this.#transition(alert, { ...alert, state: 'resolved', endsAt: alert.expiresAt ?? now, expiresAt: null }, SYSTEM, 'No update from the source before it expired.', unit, now);
        }
      });
    }
  }

  /** Re-computes which silences cover each unresolved alert; marks and unmarks them. */
  applySilences(actor: Actor = SYSTEM): void {
    this.#deps.run((unit) => {
      const now = this.#deps.now();
      for (const alert of this.#deps.alerts.active()) {
        const silencedBy = this.#deps.silences.matching(alert.labels, now);
        if (silencedBy.join(',') === alert.silencedBy.join(',')) continue;
        const saved = this.#deps.alerts.save({ ...alert, silencedBy }, now);
        if (saved.silenced === alert.silenced) {
          unit.publish({ type: 'alert', data: { action: 'updated', alert: saved } });
          continue;
        }
        const action = saved.silenced ? 'silenced' : 'unsilenced';
        if (saved.incidentId !== null) {
          this.#deps.linker.note(saved.incidentId, unit, {
            ts: now,
            kind: `alert_${action}`,
            actor,
            alertId: saved.id,
            text: saved.silenced ? `${describeAlert(saved)} silenced (silence ${silencedBy.map((s) => `#${s}`).join(', ')})` : `${describeAlert(saved)} no longer silenced`,
            data: { silenceIds: saved.silenced ? silencedBy : alert.silencedBy },
          });
        }
        unit.publish({ type: 'alert', data: { action, alert: saved } });
      }
    });
  }

  createSilence(input: CreateSilenceRequest, actor: Actor): Silence {
    const now = this.#deps.now();
    const startsAt = input.startsAt ?? now;
    const endsAt = input.endsAt ?? (input.durationSeconds !== undefined ? startsAt + input.durationSeconds * 1000 : undefined);
    if (endsAt === undefined) throw new AppError('E_VALIDATION', 'Give endsAt or durationSeconds.');
    if (endsAt <= startsAt || endsAt <= now) throw new AppError('E_VALIDATION', 'The silence must end after it starts and in the future.');
    let silence: Silence;
    try {
      silence = this.#deps.silences.create({ matchers: input.matchers, startsAt, endsAt, createdBy: actor.name, comment: input.comment }, now);
    } catch (error) {
      if (error instanceof MatcherError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action: 'silence.create', target: `silence:${silence.id}`, outcome: 'success', ip: actor.ip ?? null, details: { matchers: input.matchers, startsAt, endsAt, comment: input.comment } });
    this.applySilences(actor);
    return silence;
  }

  expireSilence(id: number, actor: Actor): Silence {
    const now = this.#deps.now();
    const current = this.#deps.silences.byId(id, now);
    if (!current) throw new AppError('E_NOT_FOUND', `No silence ${id}.`);
    if (current.state === 'expired') throw new AppError('E_CONFLICT', 'The silence has already expired.');
    const silence = this.#deps.silences.expire(id, actor.name, now)!;
    this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action: 'silence.expire', target: `silence:${id}`, outcome: 'success', ip: actor.ip ?? null });
    this.applySilences(actor);
    return silence;
  }

  #require(id: number): StoredAlert {
    const alert = this.#deps.alerts.byId(id);
    if (!alert) throw new AppError('E_NOT_FOUND', `No alert ${id}.`);
    return alert;
  }

  #audit(actor: Actor, action: string, alertId: number, details: Record<string, unknown>): void {
    this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action, target: `alert:${alertId}`, outcome: 'success', ip: actor.ip ?? null, details });
  }
}

function actionFor(from: AlertState, to: AlertState): 'resolved' | 'acknowledged' | 'unacknowledged' {
  if (to === 'resolved') return 'resolved';
  if (to === 'acknowledged') return 'acknowledged';
  if (from === 'acknowledged') return 'unacknowledged';
  throw new Error(`No transition from ${from} to ${to}`);
}

function stripExpiry(alert: StoredAlert): Alert {
  const { expiresAt: _expiresAt, ...rest } = alert;
  return rest;
}
