import { severityRank, type Severity } from '../../../shared/api/alerts.ts';
import { highestSeverity } from './highest-severity.ts';
import {
  INCIDENT_BUNDLE_VERSION,
  type Incident,
  type AddSourceQueryRequest,
  type IncidentBundle,
  type IncidentDetail,
  type IncidentSourceQuery,
  type TimelineEntry,
  type TimelineKind,
  type UpdateIncidentRequest,
} from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import type { AuditLog } from '../audit/store.ts';
import type { Actor } from '../core/actor.ts';
import { isNoteAuthor, NOTE_AUTHOR } from '../../../shared/incidents/note-author.ts';
import type { AlertStore } from '../alerts/store.ts';
import type { SilenceStore } from '../alerts/silences.ts';
import type { UnitOfWork, UnitRunner } from '../core/unit-of-work.ts';
import type { IncidentStore } from './store.ts';
import type { TimelineStore } from './timeline.ts';
import { selectorOf } from './selectors.ts';
import { summariseMetrics } from './metrics-summary.ts';
import type { MetricsQuery } from '../metrics/query.ts';
import type { SourceQueryStore } from './source-queries.ts';
import { MAX_INLINE_INCIDENT_ALERTS } from './inline-alerts.ts';

/** Which data sources exist: lent by the data-sources feature, which incidents cannot import. */
export interface SourceCatalog {
  exists(datasourceId: number): Promise<boolean>;
}

export interface IncidentServiceDeps {
  incidents: IncidentStore;
  timeline: TimelineStore;
  alerts: AlertStore;
  silences: SilenceStore;
  audit: AuditLog;
  run: UnitRunner;
  now: () => number;
  /** The metrics store, for the numbers around an incident in its export. */
  metrics?: MetricsQuery;
  sourceQueries: SourceQueryStore;
  /** Absent: no data sources are configured, so no source query can be added. */
  sources?: SourceCatalog;
}

/** Source queries per incident: a panel of charts, not a store of arbitrary text. */
export const MAX_SOURCE_QUERIES = 20;

/** Minutes of metrics shown before the first alert and after the last one. */
const METRICS_MARGIN_MS = 30 * 60_000;

/** Human changes to incidents: status, commander, title, merge, split, notes, export. */
export class IncidentService {
  readonly #deps: IncidentServiceDeps;

  constructor(deps: IncidentServiceDeps) {
    this.#deps = deps;
  }

  async detail(id: number): Promise<IncidentDetail> {
    // Bounded (inline-alerts.ts): incident.alertCount says how many, GET /alerts?incidentId= lists them all.
    return { incident: await this.#require(id), alerts: await this.#deps.alerts.firstOfIncident(id, MAX_INLINE_INCIDENT_ALERTS) };
  }

  /** The stores bound to a unit's transaction. */
  #in(unit: UnitOfWork) {
    return { incidents: this.#deps.incidents.in(unit), timeline: this.#deps.timeline.in(unit), alerts: this.#deps.alerts.in(unit), sourceQueries: this.#deps.sourceQueries.in(unit) };
  }

  async update(id: number, changes: UpdateIncidentRequest, actor: Actor): Promise<Incident> {
    return this.#deps.run(async (unit) => {
      const { incidents } = this.#in(unit);
      const now = this.#deps.now();
      const incident = await this.#require(id, unit);
      const suffix = changes.comment ? `: ${changes.comment}` : '';
      if (changes.status !== undefined && changes.status !== incident.status) {
        await incidents.update(id, {
          status: changes.status,
          mitigatedAt: changes.status === 'mitigated' ? now : changes.status === 'open' ? null : incident.mitigatedAt,
          resolvedAt: changes.status === 'resolved' ? now : null,
        }, now);
        await this.#append(unit, { incidentId: id, ts: now, kind: 'status_changed', actor, text: `Status ${incident.status} → ${changes.status} by ${actor.name}${suffix}`, data: { from: incident.status, to: changes.status } });
      }
      if (changes.commander !== undefined && changes.commander !== incident.commander) {
        await incidents.update(id, { commander: changes.commander }, now);
        const text = changes.commander ? `${changes.commander} is now incident commander (set by ${actor.name})` : `Incident commander cleared by ${actor.name}`;
        await this.#append(unit, { incidentId: id, ts: now, kind: 'commander_changed', actor, text, data: { from: incident.commander, to: changes.commander } });
      }
      if (changes.title !== undefined && changes.title !== incident.title) {
        await incidents.update(id, { title: changes.title }, now);
        await this.#append(unit, { incidentId: id, ts: now, kind: 'title_changed', actor, text: `Title changed to "${changes.title}" by ${actor.name}`, data: { from: incident.title, to: changes.title } });
      }
      this.#audit(actor, 'incident.update', id, { ...changes });
      return await this.#published(unit, id, 'updated');
    });
  }

  /** Moves the alerts and timelines of the other incidents into this one; they are closed as merged. */
  async merge(targetId: number, sourceIds: readonly number[], actor: Actor): Promise<Incident> {
    return this.#deps.run(async (unit) => {
      const { incidents, timeline, alerts } = this.#in(unit);
      const now = this.#deps.now();
      const target = await this.#require(targetId, unit);
      if (target.mergedInto !== null) throw new AppError('E_CONFLICT', `Incident ${targetId} was merged into ${target.mergedInto}; merge into that one.`);
      const sources: Incident[] = [];
      for (const id of new Set(sourceIds)) {
        if (id === targetId) throw new AppError('E_VALIDATION', 'An incident cannot be merged into itself.');
        const source = await this.#require(id, unit);
        if (source.mergedInto !== null) throw new AppError('E_CONFLICT', `Incident ${id} was already merged into ${source.mergedInto}.`);
        sources.push(source);
      }
      let severity: Severity = target.severity;
      for (const source of sources) {
        const alertIds = (await alerts.ofIncident(source.id)).map((alert) => alert.id);
        await alerts.moveToIncident(alertIds, targetId);
        await timeline.move(source.id, targetId);
        if (severityRank(source.severity) > severityRank(severity)) severity = source.severity;
        await incidents.update(source.id, { status: 'resolved', resolvedAt: now, mergedInto: targetId }, now);
        await this.#append(unit, { incidentId: source.id, ts: now, kind: 'merged', actor, text: `Merged into incident #${targetId} by ${actor.name}`, data: { into: targetId } });
        await this.#append(unit, { incidentId: targetId, ts: now, kind: 'merged', actor, text: `Incident #${source.id} (${source.title}) merged in by ${actor.name}`, data: { from: source.id, alertIds } });
        await this.#published(unit, source.id, 'merged');
      }
      const openedAt = Math.min(target.openedAt, ...sources.map((s) => s.openedAt));
      await incidents.update(targetId, { severity, openedAt, lastActivityAt: now }, now);
      this.#audit(actor, 'incident.merge', targetId, { sources: sources.map((s) => s.id) });
      return await this.#published(unit, targetId, 'merged');
    });
  }

  /** Moves some alerts (and their timeline entries) out into a new incident. */
  async split(id: number, alertIds: readonly number[], title: string | undefined, actor: Actor): Promise<Incident> {
    return this.#deps.run(async (unit) => {
      const stores = this.#in(unit);
      const now = this.#deps.now();
      const incident = await this.#require(id, unit);
      const alerts = await stores.alerts.ofIncident(id);
      const moving = alerts.filter((alert) => alertIds.includes(alert.id));
      if (moving.length !== new Set(alertIds).size) throw new AppError('E_VALIDATION', 'Every alert to split off must belong to this incident.');
      if (moving.length === alerts.length) throw new AppError('E_VALIDATION', 'Keep at least one alert in the incident; close it instead.');
      const newTitle = title ?? `Split from #${id}: ${incident.title}`;
      const newId = await stores.incidents.create({ title: newTitle, severity: highestSeverity(moving), groupKey: incident.groupKey, at: now });
      const ids = moving.map((alert) => alert.id);
      await stores.alerts.moveToIncident(ids, newId);
      await stores.timeline.move(id, newId, ids);
      await stores.incidents.update(id, { severity: highestSeverity(alerts.filter((alert) => !ids.includes(alert.id))) }, now);
      await this.#append(unit, { incidentId: newId, ts: now, kind: 'split', actor, text: `Split from incident #${id} by ${actor.name}`, data: { from: id, alertIds: ids } });
      await this.#append(unit, { incidentId: id, ts: now, kind: 'split', actor, text: `${ids.length} alert(s) split off into incident #${newId} by ${actor.name}`, data: { into: newId, alertIds: ids } });
      this.#audit(actor, 'incident.split', id, { into: newId, alertIds: ids });
      await this.#published(unit, id, 'split');
      return await this.#published(unit, newId, 'split');
    });
  }

  async addNote(id: number, text: string, actor: Actor): Promise<TimelineEntry> {
    return this.#deps.run(async (unit) => {
      await this.#require(id, unit);
      // The author is kept as a person (NOTE_AUTHOR), not only as the name shown.
      const data = actor.userId !== undefined ? { [NOTE_AUTHOR]: actor.userId } : {};
      const entry = await this.#append(unit, { incidentId: id, ts: this.#deps.now(), kind: 'note', actor, text, data });
      this.#audit(actor, 'incident.note.add', id, { entryId: entry.id });
      return entry;
    });
  }

  async editNote(id: number, entryId: number, text: string, actor: Actor): Promise<TimelineEntry> {
    return this.#deps.run(async (unit) => {
      const entry = await this.#ownNote(id, entryId, actor, unit);
      const edited = await this.#in(unit).timeline.editNote(entry, text, actor.name, this.#deps.now());
      unit.publish({ type: 'timeline', data: edited });
      this.#audit(actor, 'incident.note.edit', id, { entryId });
      return edited;
    });
  }

  async deleteNote(id: number, entryId: number, actor: Actor): Promise<TimelineEntry> {
    return this.#deps.run(async (unit) => {
      const entry = await this.#ownNote(id, entryId, actor, unit);
      const deleted = await this.#in(unit).timeline.deleteNote(entry, actor.name, this.#deps.now());
      unit.publish({ type: 'timeline', data: deleted });
      this.#audit(actor, 'incident.note.delete', id, { entryId });
      return deleted;
    });
  }

  /**
   * Records something done elsewhere (a ChatOps command, a runbook run) in the timeline of
   * an incident; the remediation and ChatOps features call this.
   */
  async record(id: number, kind: Extract<TimelineKind, 'command' | 'runbook_run'>, text: string, actor: Actor, data: Record<string, unknown> = {}): Promise<TimelineEntry> {
    return this.#deps.run(async (unit) => {
      await this.#require(id, unit);
      return await this.#append(unit, { incidentId: id, ts: this.#deps.now(), kind, actor, text, data });
    });
  }

  async sourceQueries(id: number): Promise<IncidentSourceQuery[]> {
    await this.#require(id);
    return this.#deps.sourceQueries.of(id);
  }

  async addSourceQuery(id: number, request: AddSourceQueryRequest, actor: Actor): Promise<IncidentSourceQuery> {
    // Asked before the unit of work (the data sources feature has its own store).
    const exists = (await this.#deps.sources?.exists(request.datasourceId)) ?? false;
    return this.#deps.run(async (unit) => {
      const { sourceQueries } = this.#in(unit);
      await this.#require(id, unit);
      if (!exists) throw new AppError('E_VALIDATION', `No data source with id ${request.datasourceId}.`, { datasourceId: request.datasourceId });
      if ((await sourceQueries.count(id)) >= MAX_SOURCE_QUERIES) throw new AppError('E_CONFLICT', `An incident shows at most ${MAX_SOURCE_QUERIES} source queries; remove one first.`);
      const added = await sourceQueries.add({ incidentId: id, datasourceId: request.datasourceId, query: request.query, title: request.title ?? null, createdBy: actor.name, createdAt: this.#deps.now() });
      this.#audit(actor, 'incident.source_query.add', id, { queryId: added.id, datasourceId: added.datasourceId, query: added.query });
      return added;
    });
  }

  async removeSourceQuery(id: number, queryId: number, actor: Actor): Promise<IncidentSourceQuery> {
    return this.#deps.run(async (unit) => {
      const { sourceQueries } = this.#in(unit);
      const query = await sourceQueries.byId(queryId);
      if (!query || query.incidentId !== id) throw new AppError('E_NOT_FOUND', `No source query ${queryId} in incident ${id}.`);
      await sourceQueries.remove(queryId);
      this.#audit(actor, 'incident.source_query.remove', id, { queryId, datasourceId: query.datasourceId, query: query.query });
      return query;
    });
  }

  async bundle(id: number): Promise<IncidentBundle> {
    const now = this.#deps.now();
    const incident = await this.#require(id);
    const alerts = await this.#deps.alerts.firstOfIncident(id, MAX_INLINE_INCIDENT_ALERTS);
    const timeline = await this.#deps.timeline.of(id);
    // Silences that cover an alert now, and those that covered one earlier (timeline entries).
    const silenceIds = new Set(alerts.flatMap((alert) => alert.silencedBy));
    for (const entry of timeline) {
      const ids = entry.data.silenceIds;
      if (Array.isArray(ids)) for (const sid of ids) if (typeof sid === 'number') silenceIds.add(sid);
    }
    const starts = alerts.map((alert) => alert.startsAt);
    const ends = alerts.map((alert) => alert.endsAt ?? now);
    const from = Math.min(incident.openedAt, ...starts) - METRICS_MARGIN_MS;
    const to = Math.min(now, Math.max(incident.resolvedAt ?? now, ...ends) + METRICS_MARGIN_MS);
    const selectors = [...new Set(alerts.map((alert) => selectorOf(alert.labels)))];
    return {
      version: INCIDENT_BUNDLE_VERSION,
      exportedAt: now,
      incident,
      alerts,
      alertHistory: await this.#deps.alerts.historyOfMany(alerts.map((alert) => alert.id)),
      timeline,
      noteRevisions: await this.#deps.timeline.revisionsOf(id),
      silences: await this.#deps.silences.byIds([...silenceIds], now),
      metricsWindow: { from, to, selectors, series: await summariseMetrics(this.#deps.metrics, selectors, from, to) },
      sourceQueries: await this.#deps.sourceQueries.of(id),
    };
  }

  async #ownNote(id: number, entryId: number, actor: Actor, unit: UnitOfWork): Promise<TimelineEntry> {
    const entry = await this.#in(unit).timeline.byId(entryId);
    if (!entry || entry.incidentId !== id || entry.kind !== 'note') throw new AppError('E_NOT_FOUND', `No note ${entryId} in incident ${id}.`);
    if (entry.deletedAt !== null) throw new AppError('E_CONFLICT', 'The note was deleted.');
    if (!isNoteAuthor(entry, actor)) throw new AppError('E_FORBIDDEN', 'Only the author can change a note.');
    return entry;
  }

  async #append(unit: UnitOfWork, entry: Parameters<TimelineStore['append']>[0]): Promise<TimelineEntry> {
    const appended = await this.#in(unit).timeline.append(entry);
    unit.publish({ type: 'timeline', data: appended });
    return appended;
  }

  async #published(unit: UnitOfWork, id: number, action: 'updated' | 'merged' | 'split'): Promise<Incident> {
    const incident = await this.#require(id, unit);
    unit.publish({ type: 'incident', data: { action, incident } });
    return incident;
  }

  async #require(id: number, unit?: UnitOfWork): Promise<Incident> {
    const incident = await (unit ? this.#in(unit).incidents : this.#deps.incidents).byId(id);
    if (!incident) throw new AppError('E_NOT_FOUND', `No incident ${id}.`);
    return incident;
  }

  #audit(actor: Actor, action: string, incidentId: number, details: Record<string, unknown>): void {
    this.#deps.audit.record({ actor: actor.name, actorKind: actor.kind, action, target: `incident:${incidentId}`, outcome: 'success', ip: actor.ip ?? null, details });
  }
}
