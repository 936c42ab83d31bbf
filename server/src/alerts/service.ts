import { SEVERITIES, severityRank, type Alert, type AlertEvent, type AlertState, type CreateSilenceRequest, type Severity, type Silence } from '../../../shared/api/alerts.ts';
import type { AlertEventData, AlertPusher } from '../../../shared/api/stream.ts';
import { AppError } from '../../../shared/errors.ts';
import type { AuditLog } from '../audit/store.ts';
import { describeAlert } from './describe.ts';
import type { AlertNotifier, IncidentLinks } from './ports.ts';
import { SYSTEM, type Actor } from '../core/actor.ts';
import { fingerprint, withoutEmptyLabels } from './fingerprint.ts';
import type { AlertStore, StoredAlert } from './store.ts';
import type { SilenceStore } from './silences.ts';
import { MatcherError } from './matchers.ts';
import type { HostTransaction, UnitOfWork, UnitRunner } from '../core/unit-of-work.ts';
import { MAX_TIMESTAMP_MS } from '../../../shared/api/numbers.ts';

export interface AlertServiceDeps {
  alerts: AlertStore;
  silences: SilenceStore;
  linker: IncidentLinks;
  notifier: AlertNotifier;
  audit: AuditLog;
  run: UnitRunner;
  now: () => number;
}

/** What ingest did with one event: the alert, or null for a resolution of an alert we never saw. */
export type IngestOutcome = { alert: Alert; action: AlertEventData['action'] | 'unchanged' } | null;

/** One caller's batch: its events, who sent them, and what to record with them (an audit entry). */
export interface IngestBatch {
  events: readonly AlertEvent[];
  actor: Actor;
  alsoRecord?: (outcomes: IngestOutcome[]) => void;
  /**
   * Set by `POST /alerts` and the Alertmanager receiver: the person or key whose alerts these are, told with each alert that
   * starts firing (the bus event's `pushedBy`), so a runbook trigger proposes the run as theirs.
   */
  pushedBy?: AlertPusher;
}

/** The event's severity, else its `severity` label; undefined when it says nothing. */
function severityOf(event: AlertEvent): Severity | undefined {
  if (event.severity) return event.severity;
  const label = event.labels.severity?.toLowerCase();
  if (label && (SEVERITIES as readonly string[]).includes(label)) return label as Severity;
  if (label === 'error' || label === 'page' || label === 'high') return 'critical';
  return undefined;
}

const DEFAULT_SEVERITY: Severity = 'warning';

/** Expiry and silence re-evaluation take turns across replicas on this lock name. */
const SWEEP_LOCK = 'alerts:sweep';

/**
 * The alert lifecycle. Every source (anomalies, threshold rules, Alertmanager, the API)
 * goes through `ingest`, one transaction per batch on the shared query layer: fingerprint
 * de-duplication, silences, grouping into incidents, history, timeline, notification
 * queue, and the stream events published after the commit. On PostgreSQL a batch first
 * takes advisory locks on its fingerprints and incident groups (`UnitOfWork.serialise`),
 * so two replicas ingesting the same alert take turns: one creates it, the other sees it.
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
   * `within`: a transaction of the caller's to run in (a rule's evaluation), instead of one
   * of its own.
   */
  async ingest(events: readonly AlertEvent[], actor: Actor = SYSTEM, alsoRecord?: (outcomes: IngestOutcome[]) => void, within?: HostTransaction): Promise<IngestOutcome[]> {
    return (await this.ingestTogether([{ events, actor, ...(alsoRecord ? { alsoRecord } : {}) }], within))[0]!;
  }

  /**
   * Several callers' batches in one transaction, in the order given, each event as its
   * batch's actor: the same end state as ingesting them one after the other (an alert of a
   * later batch sees it as the earlier left it), one commit and one pass over the touched
   * incidents for all of them (`IngestCoalescer`). Answers each batch's outcomes; each
   * `alsoRecord` (the receiver's audit entry) hears its own batch's and commits with it.
   */
  async ingestTogether(given: readonly IngestBatch[], within?: HostTransaction): Promise<IngestOutcome[][]> {
    const received = this.#deps.now();
    const batches = given.map((batch) => (batch.events.some((event) => normalised(event, received) !== event) ? { ...batch, events: batch.events.map((event) => normalised(event, received)) } : batch));
    return this.#deps.run(async (unit) => {
      const alerts = this.#deps.alerts.in(unit);
      const events = batches.length === 1 ? batches[0]!.events : batches.flatMap((batch) => batch.events);
      const fingerprints = events.map((event) => fingerprint(event.labels));
      // Replicas: one batch at a time per alert and per incident group (no-op on SQLite).
      if (unit.dialect === 'postgres') await this.#serialise(unit, events.map((event, i) => ({ fingerprint: fingerprints[i]!, labels: event.labels, group: event.group })));
      await this.#deps.silences.refresh(this.#deps.now(), unit);
      // The batch's alerts as the batch leaves them: read in one query, then kept here (a
      // second event for an alert in the batch sees it as the first left it, unwritten yet).
      const current: Map<string, StoredAlert | undefined> = await alerts.byFingerprints(fingerprints);
      // Ids for the batch's new alerts in one query; their rows, history and timeline entries
      // are written together when the unit flushes (UnitOfWork.holdWrites).
      const created = new Set(events.flatMap((event, i) => (event.status === 'firing' && !current.has(fingerprints[i]!) ? [fingerprints[i]!] : [])));
      // (One new alert on PostgreSQL: its INSERT returns its id, no query ahead of it.)
      if (created.size > 1 || unit.dialect === 'sqlite') await alerts.reserveIds(unit, created.size);
      const answers: IngestOutcome[][] = [];
      let i = 0;
      for (const batch of batches) {
        const outcomes: IngestOutcome[] = [];
        for (const event of batch.events) {
          const fp = fingerprints[i++]!;
          const { outcome, stored } = await this.#ingestOne(event, fp, current.get(fp), batch, unit, alerts);
          if (stored) current.set(fp, stored);
          outcomes.push(outcome);
        }
        answers.push(outcomes);
      }
      // Written before the callers' records of their batches (the receiver's audit entries), which commit with them.
      await unit.flush();
      batches.forEach((batch, b) => batch.alsoRecord?.(answers[b]!));
      return answers;
    }, within);
  }

  async #ingestOne(event: AlertEvent, fp: string, existing: StoredAlert | undefined, batch: Pick<IngestBatch, 'actor' | 'pushedBy'>, unit: UnitOfWork, alerts: AlertStore): Promise<{ outcome: IngestOutcome; stored?: StoredAlert }> {
    const { silences } = this.#deps;
    const { actor } = batch;
    const now = this.#deps.now();
    const labels = event.labels;
    // The annotations an event carries are the alert's now (an annotation no longer sent is
    // gone, as in Alertmanager); an event without any (a bare resolution) keeps them.
    const annotations = event.annotations ?? existing?.annotations ?? {};
    // A repeat that says nothing about severity keeps the alert's.
    const severity = severityOf(event) ?? existing?.severity ?? DEFAULT_SEVERITY;
    const expiresAt = event.status === 'firing' && event.endsAt !== undefined && event.endsAt > now ? event.endsAt : null;

    if (event.status === 'resolved') {
      if (!existing || existing.state === 'resolved') return { outcome: existing ? { alert: stripExpiry(existing), action: 'unchanged' } : null };
      const resolved = { ...existing, state: 'resolved' as const, annotations, endsAt: episodeEnd(existing.startsAt, Math.min(event.endsAt ?? now, now), now), expiresAt: null, lastSeenAt: now };
      const alert = await this.#transition(existing, resolved, actor, null, unit, now);
      return { outcome: { alert, action: 'resolved' }, stored: { ...alert, expiresAt: null } };
    }

    if (!existing) {
      const silencedBy = silences.matching(labels, now);
      // Usually the alert joins an open incident: written with it, not inserted and then linked.
      const joined = await this.#deps.linker.joinOpen(labels, now, unit, event.group);
      const held = await alerts.hold(
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
      const fresh: StoredAlert = { ...held, expiresAt };
      await alerts.recordTransition(fresh.id, now, null, 'firing', actor, null);
      // Joined: the held alert is the saved one (no copy without its expiry, and none back).
      const alert = await this.#startEpisode(fresh, event, batch, unit, alerts, now, 'created', joined === undefined ? undefined : held);
      return { outcome: { alert, action: 'created' }, stored: alert === held ? fresh : { ...alert, expiresAt } };
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
      await alerts.recordTransition(existing.id, now, 'resolved', 'firing', actor, null);
      const alert = await this.#startEpisode(refired, event, batch, unit, alerts, now, 'refired');
      return { outcome: { alert, action: 'refired' }, stored: { ...alert, expiresAt } };
    }

    // A repeat of a firing alert: the same alert, refreshed; no history, no notification.
    const stored = { ...existing, severity, annotations, expiresAt: expiresAt ?? existing.expiresAt, lastSeenAt: now, occurrences: existing.occurrences + 1 };
    const repeated = await alerts.hold(stored, now);
    if (repeated.incidentId !== null && severityRank(severity) > severityRank(existing.severity)) {
      await this.#deps.linker.raiseSeverity(repeated.incidentId, repeated, now, unit);
      this.#deps.linker.touch(repeated.incidentId, now, unit);
    }
    unit.publish({ type: 'alert', data: { action: 'updated', alert: repeated } });
    return { outcome: { alert: repeated, action: 'updated' }, stored: { ...repeated, expiresAt: stored.expiresAt } };
  }

  /**
   * A new firing episode: join an incident, write the timeline, notify unless silenced.
   * `alerts`: the store bound to the unit. `joined`: a new alert as held, already written
   * with the open incident it joined (`alert` without its expiry).
   */
  async #startEpisode(alert: StoredAlert, event: AlertEvent, { actor, pushedBy }: Pick<IngestBatch, 'actor' | 'pushedBy'>, unit: UnitOfWork, alerts: AlertStore, now: number, action: 'created' | 'refired', joined?: Alert): Promise<Alert> {
    const { linker } = this.#deps;
    const incidentId = joined?.incidentId ?? (await linker.attach(alert, now, unit, event.group));
    // A new alert's row is held with its incident when it joined one; else the held row
    // takes the incident it opened or reopened (still one write).
    const saved = joined ?? (await alerts.hold({ ...alert, incidentId }, now));
    await linker.note(incidentId, unit, {
      ts: now,
      kind: 'alert_firing',
      actor,
      alertId: saved.id,
      text: `${describeAlert(saved)} firing (${saved.severity})${saved.annotations.summary ? `: ${saved.annotations.summary}` : ''}`,
      data: { source: event.source, fingerprint: saved.fingerprint, labels: saved.labels, silenced: saved.silenced },
    });
    if (event.source === 'anomaly' && saved.annotations.explanation) {
      await linker.note(incidentId, unit, {
        ts: now,
        kind: 'anomaly',
        actor: SYSTEM,
        alertId: saved.id,
        text: `Anomaly on ${saved.labels.target ?? 'unknown target'}: ${saved.annotations.explanation}`,
        data: { explanation: saved.annotations.explanation, score: saved.annotations.score, threshold: saved.annotations.threshold },
      });
    }
    await linker.raiseSeverity(incidentId, saved, now, unit);
    linker.touch(incidentId, now, unit);
    await this.#notify(saved, 'firing', unit, now);
    unit.publish({ type: 'alert', data: { action, alert: saved }, ...(pushedBy ? { pushedBy } : {}) });
    return saved;
  }

  async #notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number): Promise<void> {
    if (alert.silenced) return;
    await this.#deps.notifier.notify(alert, event, unit, now);
  }

  /** Saves a state change with its history, timeline entry, notification and stream event. */
  async #transition(before: StoredAlert, after: StoredAlert, actor: Actor, comment: string | null, unit: UnitOfWork, now: number): Promise<Alert> {
    const { linker } = this.#deps;
    const alerts = this.#deps.alerts.in(unit);
    const saved = await alerts.hold(after, now);
    await alerts.recordTransition(saved.id, now, before.state, saved.state, actor, comment);
    const action = actionFor(before.state, saved.state);
    if (saved.incidentId !== null) {
      const who = actor.kind === 'system' ? '' : ` by ${actor.name}`;
      const texts: Record<typeof action, string> = {
        resolved: `${describeAlert(saved)} resolved${who}`,
        acknowledged: `${describeAlert(saved)} acknowledged by ${saved.acknowledgedBy ?? actor.name}`,
        unacknowledged: `${describeAlert(saved)} un-acknowledged${who}`,
      };
      await linker.note(saved.incidentId, unit, {
        ts: now,
        kind: `alert_${action}`,
        actor,
        alertId: saved.id,
        text: comment ? `${texts[action]}: ${comment}` : texts[action],
        data: { from: before.state, to: saved.state, ...(comment ? { comment } : {}) },
      });
      linker.touch(saved.incidentId, now, unit);
      if (action === 'resolved') await linker.alertResolved(saved.incidentId, saved, now, unit);
    }
    if (action === 'resolved') await this.#notify(saved, 'resolved', unit, now);
    unit.publish({ type: 'alert', data: { action, alert: saved } });
    return saved;
  }

  /** Runs `work` in one unit of work of this feature (its audit entries commit with it). */
  async unit<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return this.#deps.run(work);
  }

  async acknowledge(id: number, actor: Actor, comment: string, owner?: string): Promise<Alert> {
    return this.#deps.run(async (unit) => {
      const now = this.#deps.now();
      const alert = await this.#require(id, unit);
      if (alert.state === 'resolved') throw new AppError('E_CONFLICT', 'A resolved alert cannot be acknowledged.', { state: alert.state });
      const after = { ...alert, state: 'acknowledged' as const, acknowledgedBy: owner ?? actor.name, acknowledgedAt: now, ackComment: comment };
      const saved = await this.#transition(alert, after, actor, comment, unit, now);
      this.#audit(actor, 'alert.acknowledge', id, { owner: after.acknowledgedBy, comment });
      return saved;
    });
  }

  async unacknowledge(id: number, actor: Actor, comment?: string): Promise<Alert> {
    return this.#deps.run(async (unit) => {
      const now = this.#deps.now();
      const alert = await this.#require(id, unit);
      if (alert.state !== 'acknowledged') throw new AppError('E_CONFLICT', 'Only an acknowledged alert can be un-acknowledged.', { state: alert.state });
      const after = { ...alert, state: 'firing' as const, acknowledgedBy: null, acknowledgedAt: null, ackComment: null };
      const saved = await this.#transition(alert, after, actor, comment ?? null, unit, now);
      this.#audit(actor, 'alert.unacknowledge', id, { comment });
      return saved;
    });
  }

  async resolve(id: number, actor: Actor, comment?: string): Promise<Alert> {
    return this.#deps.run(async (unit) => {
      const now = this.#deps.now();
      const alert = await this.#require(id, unit);
      if (alert.state === 'resolved') throw new AppError('E_CONFLICT', 'The alert is already resolved.', { state: alert.state });
      const saved = await this.#transition(alert, { ...alert, state: 'resolved', endsAt: episodeEnd(alert.startsAt, now, now), expiresAt: null }, actor, comment ?? null, unit, now);
      this.#audit(actor, 'alert.resolve', id, { comment });
      return saved;
    });
  }

  /**
   * Periodic upkeep: resolves alerts whose source promised news and sent none, and
   * re-evaluates silenced flags when a silence started or ended. With replicas the leader
   * alone sweeps (feature.ts); the silences are re-read first, as another replica may have
   * changed them.
   */
  async sweep(): Promise<void> {
    const now = this.#deps.now();
    // A boundary of the index as it was (a silence that has just ended leaves the index when
    // it is re-read) or as it is now (one another replica created).
    const known = this.#deps.silences.nextBoundary(this.#lastSweep);
    await this.#deps.silences.refresh(now);
    const fresh = this.#deps.silences.nextBoundary(this.#lastSweep);
    const boundary = known === null ? fresh : fresh === null ? known : Math.min(known, fresh);
    this.#lastSweep = now;
    if (boundary !== null && boundary <= now) {
      await this.#deps.silences.reload(now);
      await this.applySilences();
    }
    // Most sweeps find nothing: one indexed read, no transaction.
    if ((await this.#deps.alerts.expired(now)).length === 0) return;
    await this.#deps.run(async (unit) => {
      await unit.serialise([SWEEP_LOCK]);
      const alerts = this.#deps.alerts.in(unit);
      await this.#serialise(unit, await alerts.expired(now));
      // Read again under the locks: an alert refreshed meanwhile is no longer expired.
      for (const alert of await alerts.expired(now)) {
        await this.#transition(alert, { ...alert, state: 'resolved', endsAt: episodeEnd(alert.startsAt, alert.expiresAt ?? now, now), expiresAt: null }, SYSTEM, 'No update from the source before it expired.', unit, now);
      }
    });
  }

  /**
   * Re-computes which silences cover each unresolved alert; marks and unmarks them. On
   * PostgreSQL two replicas doing it at once (a silence created on each) take turns, and
   * the second finds the flags already right.
   */
  async applySilences(actor: Actor = SYSTEM): Promise<void> {
    await this.#deps.run(async (unit) => {
      await unit.serialise([SWEEP_LOCK]);
      const now = this.#deps.now();
      await this.#deps.silences.refresh(now, unit);
      const alerts = this.#deps.alerts.in(unit);
      const changing = (await alerts.active()).filter((alert) => this.#deps.silences.matching(alert.labels, now).join(',') !== alert.silencedBy.join(','));
      if (changing.length === 0) return;
      await this.#serialise(unit, changing);
      // Read again under the locks: an ingest may have changed them meanwhile.
      for (const alert of await alerts.active()) {
        const silencedBy = this.#deps.silences.matching(alert.labels, now);
        if (silencedBy.join(',') === alert.silencedBy.join(',')) continue;
        const saved = await alerts.save({ ...alert, silencedBy }, now);
        if (saved.silenced === alert.silenced) {
          unit.publish({ type: 'alert', data: { action: 'updated', alert: saved } });
          continue;
        }
        const action = saved.silenced ? 'silenced' : 'unsilenced';
        if (saved.incidentId !== null) {
          await this.#deps.linker.note(saved.incidentId, unit, {
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

  async createSilence(input: CreateSilenceRequest, actor: Actor): Promise<Silence> {
    const now = this.#deps.now();
    const startsAt = input.startsAt ?? now;
    const endsAt = input.endsAt ?? (input.durationSeconds !== undefined ? startsAt + input.durationSeconds * 1000 : undefined);
    if (endsAt === undefined) throw new AppError('E_VALIDATION', 'Give endsAt or durationSeconds.');
    if (endsAt <= startsAt || endsAt <= now) throw new AppError('E_VALIDATION', 'The silence must end after it starts and in the future.');
    // startsAt near the end of time plus a duration: past what a date holds.
    if (endsAt > MAX_TIMESTAMP_MS) throw new AppError('E_VALIDATION', `The silence must end by ${MAX_TIMESTAMP_MS} (the last time a date holds).`, [{ path: '/durationSeconds', message: 'ends too late' }]);
    let silence: Silence;
    try {
      // The silence and its audit entry in one unit (transaction-scope.ts): committed together.
      silence = await this.#deps.run(async (unit) => {
        const created = await this.#deps.silences.create({ matchers: input.matchers, startsAt, endsAt, createdBy: actor.name, comment: input.comment }, now, unit);
        this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action: 'silence.create', target: `silence:${created.id}`, outcome: 'success', ip: actor.ip ?? null, details: { matchers: input.matchers, startsAt, endsAt, comment: input.comment } });
        return created;
      });
    } catch (error) {
      if (error instanceof MatcherError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
    await this.#deps.silences.reload(now);
    await this.applySilences(actor);
    return silence;
  }

  async expireSilence(id: number, actor: Actor): Promise<Silence> {
    const now = this.#deps.now();
    const current = await this.#deps.silences.byId(id, now);
    if (!current) throw new AppError('E_NOT_FOUND', `No silence ${id}.`);
    if (current.state === 'expired') throw new AppError('E_CONFLICT', 'The silence has already expired.');
    const silence = await this.#deps.run(async (unit) => {
      const expired = (await this.#deps.silences.expire(id, actor.name, now, unit))!;
      this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action: 'silence.expire', target: `silence:${id}`, outcome: 'success', ip: actor.ip ?? null });
      return expired;
    });
    await this.#deps.silences.reload(now);
    await this.applySilences(actor);
    return silence;
  }

  /**
   * The alert, read under its locks (a change by hand takes turns with ingests of the same
   * alert and of its incident group on other replicas).
   */
  async #require(id: number, unit: UnitOfWork): Promise<StoredAlert> {
    const alerts = this.#deps.alerts.in(unit);
    const found = await alerts.byId(id);
    if (!found) throw new AppError('E_NOT_FOUND', `No alert ${id}.`);
    if (unit.dialect === 'sqlite') return found;
    await this.#serialise(unit, [found]);
    return (await alerts.byId(id))!;
  }

  /**
   * PostgreSQL: the advisory locks of these alerts (fingerprint) and of their incident
   * groups, in one call so that they are taken in one sorted order: every unit that changes
   * alerts or decides on an incident takes its locks this way, before writing anything, so
   * two units never wait on each other's row locks while holding what the other wants.
   */
  async #serialise(unit: UnitOfWork, alerts: ReadonlyArray<{ fingerprint: string; labels: Alert['labels']; group?: AlertEvent['group'] }>): Promise<void> {
    // SQLite has one writer and takes no locks: no names to build (two per alert of a batch).
    if (unit.dialect !== 'postgres') return;
    await unit.serialise(alerts.flatMap((alert) => [`alert:${alert.fingerprint}`, this.#deps.linker.groupLock(alert.labels, alert.group)]));
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

/**
 * The event as ingest reads it, as Alertmanager reads the same alert: empty-valued labels
 * are no labels (left out of identity and storage, from every source), and a firing event
 * from outside (API, Alertmanager) whose `endsAt` has already passed is its resolution at
 * that time. Our own sources' `endsAt` is a quiet period, not an end: an anomaly a back-fill
 * finds hours late is still raised (and expires at the next sweep), so it is on record.
 * The same object when nothing changes.
 */
function normalised(event: AlertEvent, now: number): AlertEvent {
  const labels = withoutEmptyLabels(event.labels);
  const outside = event.source === 'api' || event.source === 'alertmanager';
  const ended = outside && event.status === 'firing' && event.endsAt !== undefined && event.endsAt <= now;
  if (labels === event.labels && !ended) return event;
  return { ...event, labels, ...(ended ? { status: 'resolved' as const } : {}) };
}

/**
 * When an episode that started at `startsAt` ended, given the end its source (or its
 * expiry) says: never before it started. An end before the start belongs to an earlier
 * episode (a resolution delivered late, after the alert fired again): it still resolves
 * the alert, as in Alertmanager, at the time it arrived.
 */
function episodeEnd(startsAt: number, said: number, now: number): number {
  return said >= startsAt ? said : Math.max(now, startsAt);
}

function stripExpiry(alert: StoredAlert): Alert {
  const { expiresAt: _expiresAt, ...rest } = alert;
  return rest;
}
