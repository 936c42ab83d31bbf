import { LRUCache } from 'lru-cache';
import { AppError } from '../../../shared/errors.ts';
import { parsePromDuration, parsePromTime, promSeconds } from '../../../shared/metrics/prom-values.ts';
import type { DatasourceService } from './service.ts';
import type { DatasourceRecord } from './store.ts';
import { parseEnvelope } from './service.ts';
import { planRange } from './step.ts';
import { UpstreamError, type UpstreamResponse } from './upstream.ts';

export interface ProxySettings {
  /** Bytes of answers the result cache may hold (all sources together); 0 turns caching off, the sharing of identical calls in flight included. */
  cacheMaxBytes: number;
  /** How long a cached answer is served, ms. */
  cacheTtlMs: number;
}

export const DEFAULT_PROXY_SETTINGS: ProxySettings = { cacheMaxBytes: 64 * 1024 * 1024, cacheTtlMs: 30_000 };

/** The upstream endpoints the proxy serves, by their path below `/api/v1/`. */
export type ProxyPath = 'query_range' | 'query' | 'series' | 'labels' | `label/${string}/values`;

export interface ProxyAnswer {
  contentType: string;
  body: Buffer;
  cache: 'hit' | 'miss';
  /** The step actually asked of Prometheus (range queries), seconds. */
  stepSeconds?: number;
}

type Params = Record<string, string | readonly string[] | number | undefined>;

/**
 * The query proxy: Prometheus's answers passed through byte for byte (so a tool reading
 * Prometheus reads us alike and nothing is lost in a re-encoding), with our step policy,
 * a per-source timeout and a result cache bounded in bytes. Identical queries in flight
 * share one upstream call.
 */
export class QueryProxy {
  readonly #datasources: DatasourceService;
  readonly #cache: LRUCache<string, { contentType: string; body: Buffer }> | undefined;
  readonly #inflight = new Map<string, Promise<UpstreamResponse>>();
  #hits = 0;
  #misses = 0;

  constructor(datasources: DatasourceService, settings: Partial<ProxySettings> = {}) {
    const { cacheMaxBytes, cacheTtlMs } = { ...DEFAULT_PROXY_SETTINGS, ...settings };
    this.#datasources = datasources;
    this.#cache = cacheMaxBytes <= 0 ? undefined : new LRUCache({ maxSize: cacheMaxBytes, sizeCalculation: (value, key) => value.body.length + key.length, ttl: cacheTtlMs, ttlAutopurge: false });
    // A changed source may now point elsewhere: nothing it answered before stays valid.
    datasources.onChange((id) => {
      for (const key of this.#cache?.keys() ?? []) if (key.startsWith(`${id}:`)) this.#cache?.delete(key);
    });
  }

  stats() {
    return { entries: this.#cache?.size ?? 0, bytes: this.#cache?.calculatedSize ?? 0, hits: this.#hits, misses: this.#misses };
  }

  /** A range query with Grafana's step handling applied (see step.ts). */
  queryRange(id: number, query: { query: string; start: string; end: string; step?: string | undefined; maxPoints?: number | undefined }): Promise<ProxyAnswer> {
    const record = this.#datasources.get(id);
    const startMs = time(query.start, 'start');
    const endMs = time(query.end, 'end');
    if (endMs < startMs) throw new AppError('E_VALIDATION', '`end` must not be before `start`.', { start: query.start, end: query.end });
    let stepSeconds: number | undefined;
    if (query.step !== undefined) {
      stepSeconds = parsePromDuration(query.step);
      if (!(stepSeconds > 0)) throw new AppError('E_VALIDATION', `\`step\` "${query.step}" is not a positive duration (e.g. 15s, 1m, or seconds).`, { step: query.step });
    }
    const plan = planRange({ startMs, endMs, stepSeconds, maxPoints: query.maxPoints, scrapeIntervalSeconds: record.scrapeIntervalSeconds });
    const params = { query: query.query, start: promSeconds(plan.startMs), end: promSeconds(plan.endMs), step: promSeconds(plan.stepMs) };
    return this.#forward(record, 'query_range', params).then((answer) => ({ ...answer, stepSeconds: plan.stepMs / 1000 }));
  }

  /** Any read endpoint: query, series, labels, label values (parameters passed as given, times checked). */
  forward(id: number, path: ProxyPath, params: Params): Promise<ProxyAnswer> {
    return this.#forward(this.#datasources.get(id), path, params);
  }

  async #forward(record: DatasourceRecord, path: ProxyPath, params: Params): Promise<ProxyAnswer> {
    for (const name of ['time', 'start', 'end'] as const) {
      const value = params[name];
      if (typeof value === 'string') time(value, name);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const key = `${record.id}:${record.updatedAt}:${path}?${search.toString()}`;
    const cached = this.#cache?.get(key);
    if (cached) {
      this.#hits++;
      return { ...cached, cache: 'hit' };
    }
    this.#misses++;
    let pending = this.#cache ? this.#inflight.get(key) : undefined;
    if (!pending) {
      pending = this.#datasources.client(record).get(path, search);
      if (this.#cache) this.#inflight.set(key, pending);
      void pending.then(
        () => this.#inflight.delete(key),
        () => this.#inflight.delete(key),
      );
    }
    let response: UpstreamResponse;
    try {
      response = await pending;
    } catch (error) {
      throw toAppError(error, record.name);
    }
    if (response.status !== 200) throw upstreamStatusError(response, record.name);
    const answer = { contentType: response.contentType, body: response.body };
    this.#cache?.set(key, answer);
    return { ...answer, cache: 'miss' };
  }
}

function time(value: string, name: string): number {
  const ms = parsePromTime(value);
  if (!Number.isFinite(ms)) throw new AppError('E_VALIDATION', `\`${name}\` "${value}" is neither Unix seconds nor an RFC 3339 time.`, { [name]: value });
  return ms;
}

/** Our error for a call that got no usable answer. */
export function toAppError(error: unknown, source: string): AppError {
  if (!(error instanceof UpstreamError)) return error instanceof AppError ? error : new AppError('E_DATASOURCE', `Data source "${source}": ${(error as Error).message}`);
  const details = { datasource: source, kind: error.kind };
  if (error.kind === 'timeout') return new AppError('E_TIMEOUT', `Data source "${source}": ${error.message}`, details);
  return new AppError('E_DATASOURCE', `Data source "${source}": ${error.message}`, details);
}

/**
 * Prometheus's own errors in our shape, its message kept: 400 (bad_data, e.g. a PromQL
 * syntax error), 422 (execution: too many samples, a bad regex at run time), 503
 * (unavailable, or its own query timeout). Anything else is the source failing.
 */
export function upstreamStatusError(response: UpstreamResponse, source: string): AppError {
  const envelope = parseEnvelope(response.body);
  const message = envelope?.error ?? `HTTP ${response.status}${response.body.length > 0 ? `: ${response.body.toString('utf8', 0, 200).trim()}` : ''}`;
  const details = { datasource: source, upstreamStatus: response.status, ...(envelope?.errorType ? { errorType: envelope.errorType } : {}) };
  switch (response.status) {
    case 400:
      return new AppError('E_BAD_REQUEST', `Prometheus refused the query: ${message}`, details);
    case 422:
      return new AppError('E_QUERY_FAILED', `Prometheus could not execute the query: ${message}`, details);
    case 503:
      return new AppError('E_UNAVAILABLE', `Prometheus is unavailable: ${message}`, details);
    default:
      return new AppError('E_DATASOURCE', `Data source "${source}" answered ${message}`, details);
  }
}
