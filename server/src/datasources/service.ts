import { AppError } from '../../../shared/errors.ts';
import type { CreateDatasourceRequest, DatasourceAuthInput, DatasourceTestResult, UpdateDatasourceRequest } from '../../../shared/api/datasources.ts';
import type { ServerContext } from '../context.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { DatasourceRecord, DatasourceRow, DatasourceStore, UpstreamAuth } from './store.ts';
import { redirectAdvice } from './redirect-advice.ts';
import { requireSecretForNewOrigin } from './repoint.ts';
import { UpstreamClient, UpstreamError, UpstreamTooLargeError } from './upstream.ts';

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15;
/** How long the query path trusts its copy of a source before reading it again (a change on another replica shows within it). */
export const DEFAULT_RECORD_TTL_MS = 5_000;

/** Who asked, for the audit log. */
export interface Actor {
  actor: string | null;
  actorKind: 'user' | 'apiKey' | 'anonymous' | 'system';
  ip?: string | null;
}

/**
 * Data source definitions and one keep-alive client per source. A changed or deleted
 * source drops its client (and, through `onChange`, its cached answers).
 */
export class DatasourceService {
  readonly store: DatasourceStore;
  readonly #ctx: ServerContext;
  readonly #clients = new Map<number, { updatedAt: number; client: UpstreamClient }>();
  readonly #listeners: Array<(id: number) => void> = [];
  /**
   * Records by id for the query path, so a query neither reads nor decrypts its source's
   * row each time: dropped on every change made here, and kept at most `recordTtlMs`, so
   * a change made on another replica reaches this one within that time.
   */
  readonly #records = new Map<number, { record: DatasourceRecord; until: number }>();
  readonly #recordTtlMs: number;

  constructor(ctx: ServerContext, store: DatasourceStore, options: { recordTtlMs?: number } = {}) {
    this.#ctx = ctx;
    this.store = store;
    this.#recordTtlMs = options.recordTtlMs ?? DEFAULT_RECORD_TTL_MS;
  }

  /** Told when a source changes or goes away (the proxy's cache listens). */
  onChange(listener: (id: number) => void): void {
    this.#listeners.push(listener);
  }

  /** The source as stored now (admin reads and changes). */
  async get(id: number): Promise<DatasourceRecord> {
    const record = await this.store.byId(id);
    if (!record) throw new AppError('E_NOT_FOUND', `No data source with id ${id}.`, { id });
    return record;
  }

  /** The source for a query: from memory when read less than `recordTtlMs` ago, else from the database. */
  cached(id: number): DatasourceRecord | undefined {
    const entry = this.#records.get(id);
    if (entry && entry.until > performance.now()) return entry.record;
    return undefined;
  }

  /** `cached`, or the database's copy remembered for the next queries. */
  async forQuery(id: number): Promise<DatasourceRecord> {
    const hit = this.cached(id);
    if (hit) return hit;
    const record = await this.get(id);
    this.#records.set(id, { record, until: performance.now() + this.#recordTtlMs });
    return record;
  }

  async create(input: CreateDatasourceRequest, by: Actor): Promise<DatasourceRecord> {
    const row: DatasourceRow = {
      name: input.name,
      url: normaliseUrl(input.url),
      auth: input.auth ? mergeAuth(input.auth, null) : null,
      tlsSkipVerify: input.tlsSkipVerify ?? false,
      timeoutSeconds: input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      scrapeIntervalSeconds: input.scrapeIntervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS,
    };
    // Each change and its audit entry commit together (db/sql/transaction-scope.ts).
    return transaction(this.#ctx.sql, async () => {
      const record = await this.store.create(row, by.actor ?? 'system', this.#ctx.now());
      if (!record) throw new AppError('E_CONFLICT', `A data source named "${input.name}" already exists.`, { name: input.name });
      this.#ctx.audit.record({ ...by, action: 'datasource.create', target: record.name, outcome: 'success', details: auditDetails(input) });
      return record;
    });
  }

  async update(id: number, patch: UpdateDatasourceRequest, by: Actor): Promise<DatasourceRecord> {
    const current = await this.get(id);
    const url = patch.url !== undefined ? normaliseUrl(patch.url) : current.url;
    requireSecretForNewOrigin(current.url, url, current.credentials, patch.auth);
    const row: DatasourceRow = {
      name: patch.name ?? current.name,
      url,
      auth: patch.auth === null ? null : patch.auth !== undefined ? mergeAuth(patch.auth, current.credentials) : current.credentials,
      tlsSkipVerify: patch.tlsSkipVerify ?? current.tlsSkipVerify,
      timeoutSeconds: patch.timeoutSeconds ?? current.timeoutSeconds,
      scrapeIntervalSeconds: patch.scrapeIntervalSeconds ?? current.scrapeIntervalSeconds,
    };
    const record = await transaction(this.#ctx.sql, async () => {
      const replaced = await this.store.replace(id, row, this.#ctx.now());
      if (replaced === 'conflict') throw new AppError('E_CONFLICT', `A data source named "${patch.name}" already exists.`, { name: patch.name });
      if (!replaced) throw new AppError('E_NOT_FOUND', `No data source with id ${id}.`, { id });
      this.#ctx.audit.record({ ...by, action: 'datasource.update', target: replaced.name, outcome: 'success', details: auditDetails(patch) });
      return replaced;
    });
    this.#forget(id);
    return record;
  }

  async remove(id: number, by: Actor): Promise<void> {
    const current = await this.get(id);
    await transaction(this.#ctx.sql, async () => {
      await this.store.remove(id);
      this.#ctx.audit.record({ ...by, action: 'datasource.delete', target: current.name, outcome: 'success' });
    });
    this.#forget(id);
  }

  /** The keep-alive client of a source, rebuilt after the source changed. */
  client(record: DatasourceRecord): UpstreamClient {
    const cached = this.#clients.get(record.id);
    if (cached && cached.updatedAt === record.updatedAt) return cached.client;
    cached?.client.close();
    const client = new UpstreamClient(record);
    this.#clients.set(record.id, { updatedAt: record.updatedAt, client });
    return client;
  }

  /**
   * Reachability and version: `/api/v1/status/buildinfo` answers both, and with a
   * Prometheus-shaped body it also tells a Prometheus-compatible API from any web server.
   * Servers that do not offer buildinfo (some compatible ones) are checked with a trivial query.
   */
  async test(id: number, by: Actor): Promise<DatasourceTestResult> {
    const record = await this.get(id);
    const started = performance.now();
    const result = await this.#probe(record).catch((error: unknown): Omit<DatasourceTestResult, 'latencyMs'> => {
      if (error instanceof UpstreamError) return { ok: false, error: { kind: error.kind, message: error.message } };
      if (error instanceof UpstreamTooLargeError) return { ok: false, error: { kind: 'http', message: error.message } };
      throw error;
    });
    const outcome = { ...result, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    this.#ctx.audit.record({ ...by, action: 'datasource.test', target: record.name, outcome: outcome.ok ? 'success' : 'failure', details: outcome.error ? { kind: outcome.error.kind } : { version: outcome.version } });
    return outcome;
  }

  async #probe(record: DatasourceRecord): Promise<Omit<DatasourceTestResult, 'latencyMs'>> {
    const client = this.client(record);
    const info = await client.get('status/buildinfo', new URLSearchParams());
    const parsed = parseEnvelope(info.body);
    if (info.status === 200 && parsed?.status === 'success') {
      const version = (parsed.data as { version?: unknown } | undefined)?.version;
      return { ok: true, ...(typeof version === 'string' ? { version } : {}) };
    }
    const query = await client.get('query', new URLSearchParams({ query: '1' }));
    if (query.status === 200 && parseEnvelope(query.body)?.status === 'success') return { ok: true };
    const redirect = redirectAdvice(info.status, info.location, client.urlOf('status/buildinfo'));
    if (redirect) return { ok: false, error: { kind: 'http', message: `${record.url} answered ${redirect}.` } };
    const kind = info.status >= 200 && info.status < 500 && !parsed ? 'not_prometheus' : 'http';
    const message =
      kind === 'not_prometheus'
        ? `${record.url} answered HTTP ${info.status} without a Prometheus API body: is this the Prometheus URL (without /api/v1)?`
        : `${record.url} answered HTTP ${info.status}${parsed?.error ? `: ${parsed.error}` : ''}.`;
    return { ok: false, error: { kind, message } };
  }

  close(): void {
    for (const { client } of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  #forget(id: number): void {
    this.#records.delete(id);
    this.#clients.get(id)?.client.close();
    this.#clients.delete(id);
    for (const listener of this.#listeners) listener(id);
  }
}

/** Prometheus's `{status, data, errorType, error}` envelope, or undefined when the body is not one. */
export function parseEnvelope(body: Buffer): { status: string; data?: unknown; errorType?: string; error?: string } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { status?: unknown }).status === 'string') return parsed as { status: string };
  } catch {
    // not JSON: the caller reports what answered instead
  }
  return undefined;
}

/** The URL as given, minus a trailing slash and an `/api/v1` suffix people often paste along. */
function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Echoed without its user info: a password typed into a URL that does not parse must not
    // reach the answer, the log line of the refusal or anyone reading either.
    const shown = withoutUserinfo(raw);
    throw new AppError('E_VALIDATION', `"${shown}" is not a URL.${shown === raw ? '' : ' Put credentials in `auth`, not in the URL.'}`, { url: shown });
  }
  if (url.username || url.password) throw new AppError('E_VALIDATION', 'Put credentials in `auth`, not in the URL (they would be shown to every admin).');
  if (url.search || url.hash) throw new AppError('E_VALIDATION', 'The data source URL takes no query string or fragment.');
  return url.toString().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/** `scheme://user:password@rest` as `scheme://rest`: what may be shown of a URL that does not parse. */
function withoutUserinfo(raw: string): string {
  return raw.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/** New credentials; a secret left out on update keeps the stored one when the kind (and user) stays (and the origin: repoint.ts). */
function mergeAuth(input: DatasourceAuthInput, current: UpstreamAuth | null): UpstreamAuth {
  if (input.type === 'basic') {
    const password = input.password ?? (current?.type === 'basic' ? current.password : undefined);
    if (password === undefined) throw new AppError('E_VALIDATION', 'Basic authentication needs a password.');
    return { type: 'basic', username: input.username, password };
  }
  const token = input.token ?? (current?.type === 'bearer' ? current.token : undefined);
  if (token === undefined) throw new AppError('E_VALIDATION', 'Bearer authentication needs a token.');
  return { type: 'bearer', token };
}

/** What changed, for the audit log: never a secret, only whether one was set. */
function auditDetails(input: CreateDatasourceRequest | UpdateDatasourceRequest): Record<string, unknown> {
  const { auth, ...rest } = input;
  if (auth === undefined) return rest;
  if (auth === null) return { ...rest, auth: null };
  return {
    ...rest,
    auth: auth.type === 'basic' ? { type: 'basic', username: auth.username, password: auth.password ? '[Redacted]' : undefined } : { type: 'bearer', token: auth.token ? '[Redacted]' : undefined },
  };
}
