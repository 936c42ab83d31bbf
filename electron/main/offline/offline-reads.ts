import type { Transport } from '../../../shared/api/client.ts';
import type { RangeQuery, RangeResponse } from '../../../shared/api/metrics.ts';
import type { IncidentBundle, IncidentDetail, IncidentListQuery, IncidentPage, TimelineEntry } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import { lttbIndices } from '../../../shared/metrics/lttb.ts';
import { compileMatchers, parseSelector } from '../../../shared/metrics/selector.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { METRICS_COLLECTION } from '../sync/metrics-pull.ts';
import { serverOrCache, type ReadResult } from './read-result.ts';

const DEFAULT_MAX_POINTS = 2_000;

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
  readonly #transport: Transport;
  readonly #cache: LocalCache;
  readonly #now: () => number;

  constructor(options: OfflineReadsOptions) {
    this.#transport = options.transport;
    this.#cache = options.cache;
    this.#now = options.now ?? Date.now;
  }

  queryRange(query: RangeQuery): Promise<ReadResult<RangeResponse>> {
    return serverOrCache(
      () => this.#transport({ method: 'GET', path: '/api/v1/metrics/query_range', query: { ...query } }) as Promise<RangeResponse>,
      () => this.#rangeFromCache(query),
      this.#now,
    );
  }

  incident(id: number): Promise<ReadResult<IncidentDetail>> {
    return serverOrCache(
      async () => {
        const detail = (await this.#transport({ method: 'GET', path: `/api/v1/incidents/${id}` })) as IncidentDetail;
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
        const page = (await this.#transport({ method: 'GET', path: '/api/v1/incidents', query: { ...query } })) as IncidentPage;
        this.#remember(...page.items.map((incident) => ({ incident })));
        return page;
      },
      () => {
        const limit = query.limit ?? 50;
        const cached = this.#cache.incidents.incidents(limit);
        const freshAsOf = cached.length > 0 ? Math.min(...cached.map((c) => c.fetchedAt)) : this.#cache.cursors.get(METRICS_COLLECTION).caughtUpAt;
        return { data: { items: cached.map((c) => c.value), total: cached.length, limit, offset: 0 }, freshAsOf };
      },
      this.#now,
    );
  }

  timeline(incidentId: number): Promise<ReadResult<TimelineEntry[]>> {
    return serverOrCache(
      async () => {
        const entries = (await this.#transport({ method: 'GET', path: `/api/v1/incidents/${incidentId}/timeline` })) as TimelineEntry[];
        this.#cache.db.transaction(() => entries.forEach((entry) => this.#cache.incidents.putTimelineEntry(entry)))();
        return entries;
      },
      () => {
        const cached = this.#cache.incidents.incident(incidentId);
        return cached && { data: this.#cache.incidents.timelineOf(incidentId), freshAsOf: cached.fetchedAt };
      },
      this.#now,
    );
  }

  incidentBundle(incidentId: number): Promise<ReadResult<IncidentBundle>> {
    return serverOrCache(
      () => this.#transport({ method: 'GET', path: `/api/v1/incidents/${incidentId}/export`, query: { format: 'json' } }) as Promise<IncidentBundle>,
      () => {
        const cached = this.#cache.incidents.bundle(incidentId);
        return cached && { data: cached.value, freshAsOf: cached.fetchedAt };
      },
      this.#now,
    );
  }

  #remember(...details: { incident: IncidentDetail['incident']; alerts?: IncidentDetail['alerts'] }[]): void {
    const at = this.#now();
    this.#cache.db.transaction(() => {
      for (const { incident, alerts } of details) {
        this.#cache.incidents.putIncident(incident, at);
        for (const alert of alerts ?? []) this.#cache.incidents.putAlert(alert, at);
      }
    })();
  }

  /**
   * The same answer shape as the server's range query ([from, to] inclusive), from raw
   * cached samples reduced by LTTB; `step` buckets are not recomputed offline.
   */
  #rangeFromCache(query: RangeQuery): { data: RangeResponse; freshAsOf: number | null } | undefined {
    let matches: ReturnType<typeof compileMatchers>;
    try {
      matches = compileMatchers(parseSelector(query.match));
    } catch (error) {
      throw new AppError('E_VALIDATION', `Invalid selector: ${error instanceof Error ? error.message : String(error)}`, { match: query.match });
    }
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
