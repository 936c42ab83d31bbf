import { createApiClient, type ApiClient, type Transport } from '../../../shared/api/client.ts';
import type { Alert, AlertListQuery, AlertPage } from '../../../shared/api/alerts.ts';
import type { RangeQuery, RangeResponse, SeriesListResponse } from '../../../shared/api/metrics.ts';
import type { PromMatrix, PromResponse, ProxyRangeQuery } from '../../../shared/api/datasources.ts';
import type { Incident, IncidentBundle, IncidentDetail, IncidentListQuery, IncidentPage, TimelineEntry } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import { lttbIndices } from '../../../shared/metrics/lttb.ts';
import { compileMatchers, parseSelector } from '../../../shared/metrics/selector.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { isStorageFailure } from '../cache/cache-database.ts';
import { METRICS_COLLECTION } from '../sync/metrics-pull.ts';
import { serverOrCache, type ReadResult } from './read-result.ts';
import { fetchIncidentBundle } from './incident-bundle.ts';

const DEFAULT_MAX_POINTS = 2_000;
/** Offline alert lists look at this many of the most recent cached alerts. */
const MAX_CACHED_ALERTS = 5_000;
/** Offline incident lists look at this many of the most recently opened cached incidents. */
const MAX_CACHED_INCIDENTS = 5_000;
const SEVERITY_RANK: Record<Incident['severity'], number> = { info: 0, warning: 1, critical: 2 };
/** The server's sort orders of the incident list (then by id, in the same direction). */
const INCIDENT_SORT_KEYS: Record<NonNullable<IncidentListQuery['sort']>, (incident: Incident) => number> = {
  openedAt: (incident) => incident.openedAt,
  lastActivityAt: (incident) => incident.lastActivityAt,
  severity: (incident) => SEVERITY_RANK[incident.severity],
};

export interface OfflineReadsOptions {
  transport: Transport;
  cache: LocalCache;
  now?: () => number;
}

/**
 * The console's reads in main: the server when it answers (documents are written through
 * to the cache), the cache when it cannot be reached, in the same shapes either way.
 */
export class OfflineReads {
  readonly #api: ApiClient;
  readonly #cache: LocalCache;
  readonly #now: () => number;

  constructor(options: OfflineReadsOptions) {
    this.#api = createApiClient(options.transport);
    this.#cache = options.cache;
    this.#now = options.now ?? Date.now;
  }

  queryRange(query: RangeQuery): Promise<ReadResult<RangeResponse>> {
    return serverOrCache(
      () => this.#api.metrics.range({ query }),
      () => this.#rangeFromCache(query),
      this.#now,
    );
  }

  /** The series list (the metrics explorer's picker); offline, the cached series the selector matches. */
  series(match?: string): Promise<ReadResult<SeriesListResponse>> {
    return serverOrCache(
      () => this.#api.metrics.series({ query: match === undefined ? {} : { match } }),
      () => {
        const matches = match ? this.#matcher(match) : () => true;
        const series = this.#cache.metrics.listSeries().filter((s) => matches(s.name, s.labels));
        return { data: { series: series.map((s) => ({ id: s.serverId ?? s.id, name: s.name, labels: s.labels })) }, freshAsOf: this.#cache.cursors.get(METRICS_COLLECTION).caughtUpAt };
      },
      this.#now,
    );
  }

  /**
   * Alerts; offline, the cached ones (from the stream, incident reads and pins), filtered
   * by state, severity, source and incident and sorted by start, newest first.
   */
  alerts(query: AlertListQuery = {}): Promise<ReadResult<AlertPage>> {
    return serverOrCache(
      async () => {
        const page = await this.#api.alerts.list({ query });
        const at = this.#now();
        this.#writeThrough(() => page.items.forEach((alert) => this.#cache.incidents.putAlert(alert, at)));
        return page;
      },
      () => {
        const limit = query.limit ?? 50;
        const offset = query.offset ?? 0;
        const cached = this.#cache.incidents.recentAlerts(MAX_CACHED_ALERTS).filter(({ value }) => alertMatches(value, query));
        const order = query.order === 'asc' ? 1 : -1;
        const sortKey = ALERT_SORT_KEYS[query.sort ?? 'startsAt'];
        cached.sort((a, b) => order * (sortKey(a.value) - sortKey(b.value) || a.value.id - b.value.id));
        const items = cached.slice(offset, offset + limit);
        const freshAsOf = items.length > 0 ? Math.min(...items.map((c) => c.fetchedAt)) : this.#cache.cursors.get(METRICS_COLLECTION).caughtUpAt;
        return { data: { items: items.map((c) => c.value), total: cached.length, limit, offset }, freshAsOf };
      },
      this.#now,
    );
  }

  incident(id: number): Promise<ReadResult<IncidentDetail>> {
    return serverOrCache(
      async () => {
        const detail = await this.#api.incidents.get({ params: { id } });
        this.#remember(detail);
        return detail;
      },
      () => {
        const cached = this.#cache.incidents.incident(id);
        if (!cached) return undefined;
        const alerts = this.#cache.incidents.alertsOf(id);
        return { data: { incident: cached.value, alerts: alerts.map((a) => a.value) }, freshAsOf: Math.min(cached.fetchedAt, ...alerts.map((a) => a.fetchedAt)) };
      },
      this.#now,
    );
  }

  incidents(query: IncidentListQuery = {}): Promise<ReadResult<IncidentPage>> {
    return serverOrCache(
      async () => {
        const page = await this.#api.incidents.list({ query });
        this.#remember(...page.items.map((incident) => ({ incident })));
        return page;
      },
      () => {
        const limit = query.limit ?? 50;
        const offset = query.offset ?? 0;
        const matching = this.#cache.incidents.incidents(MAX_CACHED_INCIDENTS).filter(({ value }) => this.#incidentMatches(value, query));
        const order = query.order === 'asc' ? 1 : -1;
        const sortKey = INCIDENT_SORT_KEYS[query.sort ?? 'openedAt'];
        matching.sort((a, b) => order * (sortKey(a.value) - sortKey(b.value) || a.value.id - b.value.id));
        const items = matching.slice(offset, offset + limit);
        const freshAsOf = items.length > 0 ? Math.min(...items.map((c) => c.fetchedAt)) : this.#cache.cursors.get(METRICS_COLLECTION).caughtUpAt;
        return { data: { items: items.map((c) => c.value), total: matching.length, limit, offset }, freshAsOf };
      },
      this.#now,
    );
  }

  timeline(incidentId: number): Promise<ReadResult<TimelineEntry[]>> {
    return serverOrCache(
      async () => {
        const entries = await this.#api.incidents.timeline({ params: { id: incidentId } });
        this.#writeThrough(() => entries.forEach((entry) => this.#cache.incidents.putTimelineEntry(entry)));
        return entries;
      },
      () => {
        const cached = this.#cache.incidents.incident(incidentId);
        return cached && { data: this.#cache.incidents.timelineOf(incidentId), freshAsOf: cached.fetchedAt };
      },
      this.#now,
    );
  }

  /**
   * A data-source range query through the server's proxy; offline, the answer kept with an
   * incident ("keep offline") for the same source and query, clipped to the range asked.
   */
  sourceRange(datasourceId: number, query: ProxyRangeQuery): Promise<ReadResult<PromResponse<PromMatrix>>> {
    return serverOrCache(
      async () => (await this.#api.datasources.queryRange({ params: { id: datasourceId }, query })) as PromResponse<PromMatrix>,
      () => {
        const fromTs = promTimeMs(query.start);
        const toTs = promTimeMs(query.end);
        if (fromTs === undefined || toTs === undefined) throw new AppError('E_VALIDATION', 'start and end must be Unix seconds or RFC 3339 times.', { start: query.start, end: query.end });
        const kept = this.#cache.sources.find(datasourceId, query.query, fromTs, toTs);
        return kept && { data: kept.answer, freshAsOf: kept.fetchedAt };
      },
      this.#now,
    );
  }

  incidentBundle(incidentId: number): Promise<ReadResult<IncidentBundle>> {
    return serverOrCache(
      () => fetchIncidentBundle(this.#api, incidentId),
      () => {
        const cached = this.#cache.incidents.bundle(incidentId);
        return cached && { data: cached.value, freshAsOf: cached.fetchedAt };
      },
      this.#now,
    );
  }

  /** The server's incident list filters (incidents/store.ts), over the cached incidents and their alerts. */
  #incidentMatches(incident: Incident, query: IncidentListQuery): boolean {
    if (query.status && !query.status.split(',').includes(incident.status)) return false;
    if (query.severity && !query.severity.split(',').includes(incident.severity)) return false;
    if (query.commander && incident.commander !== query.commander) return false;
    if (query.unassigned && incident.commander !== null) return false;
    if (query.q) {
      const needle = query.q.toLowerCase();
      if (!incident.title.toLowerCase().includes(needle) && !incident.groupKey.toLowerCase().includes(needle)) return false;
    }
    if (query.to !== undefined && incident.openedAt > query.to) return false;
    if (query.from !== undefined && incident.resolvedAt !== null && incident.resolvedAt < query.from) return false;
    if (query.label) {
      const alerts = this.#cache.incidents.alertsOf(incident.id).map((cached) => cached.value.labels);
      for (const [name, value] of labelPairs(query.label)) {
        if (!alerts.some((labels) => hasLabel(labels, name, value))) return false;
      }
    }
    return true;
  }

  #remember(...details: { incident: IncidentDetail['incident']; alerts?: IncidentDetail['alerts'] }[]): void {
    const at = this.#now();
    this.#writeThrough(() => {
      for (const { incident, alerts } of details) {
        this.#cache.incidents.putIncident(incident, at);
        for (const alert of alerts ?? []) this.#cache.incidents.putAlert(alert, at);
      }
    });
  }

  /**
   * Keeps what the server answered in the cache, in one transaction, as a courtesy to the
   * next offline read: a cache that cannot be written now (disk full, another process
   * holding its lock, read-only) must not fail a read the server answered. Nothing is
   * written then, so the cached copy keeps the time it was really fetched.
   */
  #writeThrough(write: () => void): void {
    try {
      this.#cache.db.transaction(write)();
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
    }
  }

  #matcher(match: string): ReturnType<typeof compileMatchers> {
    try {
      return compileMatchers(parseSelector(match));
    } catch (error) {
      throw new AppError('E_VALIDATION', `Invalid selector: ${error instanceof Error ? error.message : String(error)}`, { match });
    }
  }

  /**
   * The same answer shape as the server's range query ([from, to] inclusive), from raw
   * cached samples reduced by LTTB; `step` buckets are not recomputed offline.
   */
  #rangeFromCache(query: RangeQuery): { data: RangeResponse; freshAsOf: number | null } | undefined {
    const matches = this.#matcher(query.match);
    const maxPoints = query.maxPoints ?? DEFAULT_MAX_POINTS;
    const series = this.#cache.metrics.listSeries().filter((s) => matches(s.name, s.labels));
    if (series.length === 0) return undefined;
    const freshAsOf = this.#cache.cursors.get(METRICS_COLLECTION).caughtUpAt;
    return {
      freshAsOf,
      data: {
        series: series.map((s) => {
          const points = this.#cache.metrics.range(s.id, query.from, query.to);
          const keep = points.ts.length > maxPoints ? lttbIndices(points.ts, points.values, maxPoints) : undefined;
          return {
            id: s.serverId ?? s.id,
            name: s.name,
            labels: s.labels,
            resolution: 'raw' as const,
            timestamps: keep ? Array.from(keep, (i) => points.ts[i]!) : points.ts,
            values: keep ? Array.from(keep, (i) => points.values[i]!) : points.values,
          };
        }),
      },
    };
  }
}

/** `name=value,…` label filters (the pattern of the query schemas guarantees the `=`). */
function labelPairs(csv: string): [string, string][] {
  return csv.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
}

function hasLabel(labels: Record<string, string>, name: string, value: string): boolean {
  return Object.hasOwn(labels, name) && labels[name] === value;
}

/** The server's alert list filters (alerts/store.ts), over a cached alert. */
function alertMatches(alert: Alert, query: AlertListQuery): boolean {
  if (query.state && !query.state.split(',').includes(alert.state)) return false;
  if (query.severity && !query.severity.split(',').includes(alert.severity)) return false;
  if (query.source && alert.source !== query.source) return false;
  if (query.incidentId !== undefined && alert.incidentId !== query.incidentId) return false;
  if (query.silenced !== undefined && (alert.silencedBy.length > 0) !== query.silenced) return false;
  if (query.label && !labelPairs(query.label).every(([name, value]) => hasLabel(alert.labels, name, value))) return false;
  if (query.q) {
    // The server's search text: `name=value` lines of labels then annotations, lower case.
    const text = [...Object.entries(alert.labels), ...Object.entries(alert.annotations)].map(([name, value]) => `${name}=${value}`).join('\n').toLowerCase();
    if (!text.includes(query.q.toLowerCase())) return false;
  }
  if (query.to !== undefined && alert.startsAt > query.to) return false;
  if (query.from !== undefined && alert.endsAt !== null && alert.endsAt < query.from) return false;
  return true;
}

/** The server's sort orders of the alert list (then by id, in the same direction). */
const ALERT_SORT_KEYS: Record<NonNullable<AlertListQuery['sort']>, (alert: Alert) => number> = {
  startsAt: (alert) => alert.startsAt,
  updatedAt: (alert) => alert.updatedAt,
  lastSeenAt: (alert) => alert.lastSeenAt,
  severity: (alert) => SEVERITY_RANK[alert.severity],
};

/** Prometheus time (Unix seconds, possibly fractional, or RFC 3339) as epoch ms. */
function promTimeMs(text: string): number | undefined {
  const seconds = Number(text);
  const ms = text.trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
