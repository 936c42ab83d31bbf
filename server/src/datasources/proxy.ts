import { LRUCache } from 'lru-cache';
import { AppError } from '../../../shared/errors.ts';
import { parsePromDuration, parsePromTime, promSeconds } from '../../../shared/metrics/prom-values.ts';
import type { DatasourceService } from './service.ts';
import type { DatasourceRecord } from './store.ts';
import { parseEnvelope } from './service.ts';
import { planRange } from './step.ts';
import { redirectAdvice } from './redirect-advice.ts';
import { DEFAULT_BACKOFF_SECONDS, retryAfterSeconds } from './retry-after.ts';
import { MAX_ANSWER_BYTES, UpstreamError, UpstreamTooLargeError, type UpstreamResponse } from './upstream.ts';
import { mayBePartial } from './partial-answer.ts';

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
  readonly contentType: string;
  /** The answer in one buffer (joined on first use when it came in several reads). */
  readonly body: Buffer;
  /** The answer as it is sent when nothing needs it in one piece. */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  readonly cache: 'hit' | 'miss';
  /** The step actually asked of Prometheus (range queries), seconds. */
  readonly stepSeconds?: number;
  /**
   * Present on an answer nothing keeps (the cache off): lets go of its buffers once the
   * reply holds its own reference to them (UpstreamResponse.release). A kept answer has none.
   */
  readonly release?: () => void;
}

type Params = Record<string, string | readonly string[] | number | undefined>;
type RangeQuery = { query: string; start: string; end: string; step?: string | undefined; maxPoints?: number | undefined };

/**
 * The query proxy: Prometheus's answers passed through byte for byte (so a tool reading
 * Prometheus reads us alike and nothing is lost in a re-encoding), with our step policy,
 * a per-source timeout and a result cache bounded in bytes. Identical queries in flight
 * share one upstream call.
 */
export class QueryProxy {
  readonly #datasources: DatasourceService;
  /** Each entry is the very answer a hit sends: no copy, no re-encoding, no new object per hit. */
  readonly #cache: LRUCache<string, ProxyAnswer> | undefined;
  readonly #inflight = new Map<string, Promise<UpstreamResponse>>();
  /**
   * Sources that asked us to wait (429, or 503 with Retry-After), by id: until when
   * (performance.now()) and what they said. Until then nothing is sent to them: viewers,
   * rules and watches get 503 with the time left at once, rather than every one of them
   * asking again and keeping the source overloaded.
   */
  readonly #backoff = new Map<number, { untilMs: number; status: number; message: string }>();
  #hits = 0;
  #misses = 0;

  constructor(datasources: DatasourceService, settings: Partial<ProxySettings> = {}) {
    const { cacheMaxBytes, cacheTtlMs } = { ...DEFAULT_PROXY_SETTINGS, ...settings };
    this.#datasources = datasources;
    this.#cache = cacheMaxBytes <= 0 ? undefined : new LRUCache({ maxSize: cacheMaxBytes, sizeCalculation: (value, key) => value.bytes + key.length, ttl: cacheTtlMs, ttlAutopurge: false });
    // A changed source may now point elsewhere: nothing it answered before stays valid.
    datasources.onChange((id) => {
      this.#backoff.delete(id);
      for (const key of this.#cache?.keys() ?? []) if (key.startsWith(`${id}:`)) this.#cache?.delete(key);
    });
  }

  stats() {
    return { entries: this.#cache?.size ?? 0, bytes: this.#cache?.calculatedSize ?? 0, hits: this.#hits, misses: this.#misses };
  }

  /** A range query with Grafana's step handling applied (see step.ts). */
  queryRange(id: number, query: RangeQuery): Promise<ProxyAnswer> {
    // From memory on the hot path (no extra promise); the database only when this replica has not read the source for a while (service.ts).
    const record = this.#datasources.cached(id);
    return record ? this.#range(record, query) : this.#datasources.forQuery(id).then((found) => this.#range(found, query));
  }

  #range(record: DatasourceRecord, query: RangeQuery): Promise<ProxyAnswer> {
    const startMs = time(query.start, 'start');
    const endMs = time(query.end, 'end');
    if (endMs < startMs) throw new AppError('E_VALIDATION', '`end` must not be before `start`.', { start: query.start, end: query.end });
    let stepSeconds: number | undefined;
    if (query.step !== undefined) {
      stepSeconds = parsePromDuration(query.step);
      if (!(stepSeconds > 0)) throw new AppError('E_VALIDATION', `\`step\` "${query.step}" is not a positive duration (e.g. 15s, 1m, or seconds).`, { step: query.step });
    }
    const plan = planRange({ startMs, endMs, stepSeconds, maxPoints: query.maxPoints, scrapeIntervalSeconds: record.scrapeIntervalSeconds });
    const start = promSeconds(plan.startMs);
    const end = promSeconds(plan.endMs);
    const step = promSeconds(plan.stepMs);
    // The key is built from the planned values alone (the query is the only free text and
    // comes first, the rest has no newline: unambiguous); the upstream URL only on a miss.
    const key = `${record.id}:${record.updatedAt}:query_range\n${query.query}\n${start}\n${end}\n${step}`;
    // Built by hand: URLSearchParams's object and serializer cost more than the four encodes.
    const search = () => `query=${encodeURIComponent(query.query)}&start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}&step=${encodeURIComponent(step)}`;
    return this.#answer(record, key, 'query_range', search, plan.stepMs / 1000);
  }

  /** Any read endpoint: query, series, labels, label values (parameters passed as given, times checked). */
  forward(id: number, path: ProxyPath, params: Params): Promise<ProxyAnswer> {
    const record = this.#datasources.cached(id);
    return record ? this.#forward(record, path, params) : this.#datasources.forQuery(id).then((found) => this.#forward(found, path, params));
  }

  #forward(record: DatasourceRecord, path: ProxyPath, params: Params): Promise<ProxyAnswer> {
    for (const name of ['time', 'start', 'end'] as const) {
      const value = params[name];
      if (typeof value === 'string') time(value, name);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const text = search.toString();
    return this.#answer(record, `${record.id}:${record.updatedAt}:${path}?${text}`, path, () => text, undefined);
  }

  /** From the cache when it holds the answer, else from the source (one call for identical queries in flight). */
  #answer(record: DatasourceRecord, key: string, path: ProxyPath, search: () => URLSearchParams | string, stepSeconds: number | undefined): Promise<ProxyAnswer> {
    const cached = this.#cache?.get(key);
    if (cached) {
      this.#hits++;
      return Promise.resolve(cached);
    }
    this.#misses++;
    const backoff = this.#backoff.get(record.id);
    if (backoff) {
      const leftMs = backoff.untilMs - performance.now();
      if (leftMs > 0) return Promise.reject(busyError(record.name, backoff.status, backoff.message, Math.ceil(leftMs / 1000)));
      this.#backoff.delete(record.id);
    }
    return this.#fetch(record, key, path, search, stepSeconds);
  }

  async #fetch(record: DatasourceRecord, key: string, path: ProxyPath, search: () => URLSearchParams | string, stepSeconds: number | undefined): Promise<ProxyAnswer> {
    let pending = this.#cache ? this.#inflight.get(key) : undefined;
    if (!pending) {
      pending = this.#datasources.client(record).get(path, search());
      if (this.#cache) {
        this.#inflight.set(key, pending);
        const settled = () => this.#inflight.delete(key);
        pending.then(settled, settled);
      }
    }
    let response: UpstreamResponse;
    try {
      response = await pending;
    } catch (error) {
      throw toAppError(error, record.name);
    }
    // Prometheus's errors become ours (its message kept); a success passes through as bytes.
    if (response.status !== 200) {
      const waitSeconds = retryAfterSeconds(response.retryAfter, Date.now()) ?? (response.status === 429 ? DEFAULT_BACKOFF_SECONDS : undefined);
      if (waitSeconds === undefined) throw upstreamStatusError(response, record.name, () => this.#datasources.client(record).urlOf(path));
      const message = statusMessage(response);
      this.#backoff.set(record.id, { untilMs: performance.now() + waitSeconds * 1000, status: response.status, message });
      throw busyError(record.name, response.status, message, waitSeconds);
    }
    const withStep = stepSeconds === undefined ? {} : { stepSeconds };
    // A partial answer is passed on but not kept: asked again, the source may answer whole.
    if (this.#cache && !mayBePartial(response.body)) {
      // Joined for keeping anyway: this request sends the one buffer too.
      const body = compacted(response.body);
      const kept = Object.freeze({ contentType: response.contentType, body, chunks: Object.freeze([body]), bytes: body.length, cache: 'hit' as const, ...withStep });
      this.#cache.set(key, kept);
      return { ...kept, cache: 'miss' };
    }
    return {
      contentType: response.contentType,
      get body() {
        return response.body;
      },
      chunks: response.chunks,
      bytes: response.bytes,
      cache: 'miss',
      release: () => response.release(),
      ...withStep,
    };
  }
}

/**
 * The answer's bytes alone, for keeping: a view on a larger buffer (a socket read with the
 * headers) is copied. Small answers stay as they are: a copy would land in Node's shared
 * buffer pool, a view on a larger buffer again.
 */
function compacted(body: Buffer): Buffer {
  return body.byteLength === body.buffer.byteLength || body.byteLength < Buffer.poolSize >>> 1 ? body : Buffer.from(body);
}

function time(value: string, name: string): number {
  const ms = parsePromTime(value);
  if (!Number.isFinite(ms)) throw new AppError('E_VALIDATION', `\`${name}\` "${value}" is neither Unix seconds nor an RFC 3339 time.`, { [name]: value });
  return ms;
}

/** Our error for a call that got no usable answer. */
export function toAppError(error: unknown, source: string): AppError {
  if (error instanceof UpstreamTooLargeError) return new AppError('E_QUERY_FAILED', `Data source "${source}": ${error.message}`, { datasource: source, maxBytes: MAX_ANSWER_BYTES });
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
export function upstreamStatusError(response: UpstreamResponse, source: string, requested?: () => URL): AppError {
  const envelope = parseEnvelope(response.body);
  const message = (requested && redirectAdvice(response.status, response.location, requested())) ?? statusMessage(response);
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

/** Prometheus's own error message, or the status and the start of whatever else answered. */
function statusMessage(response: UpstreamResponse): string {
  return parseEnvelope(response.body)?.error ?? `HTTP ${response.status}${response.body.length > 0 ? `: ${response.body.toString('utf8', 0, 200).trim()}` : ''}`;
}

/** A source that asked us to wait (429, or 503 with Retry-After): 503 with the time left, so clients wait too. */
function busyError(source: string, status: number, message: string, retryAfterSeconds: number): AppError {
  const said = message.startsWith('HTTP ') ? message : `HTTP ${status}: ${message}`;
  const error = new AppError('E_UNAVAILABLE', `Data source "${source}" asked to retry later (${said}); no query is sent to it for ${retryAfterSeconds} s.`, {
    datasource: source,
    upstreamStatus: status,
    retryAfterSeconds,
  });
  return Object.assign(error, { headers: { 'retry-after': String(retryAfterSeconds) } });
}
