import { AppError } from '../../../shared/errors.ts';
import type { CreateDatasourceRequest, DatasourceAuthInput, DatasourceTestResult, UpdateDatasourceRequest } from '../../../shared/api/datasources.ts';
import type { ServerContext } from '../context.ts';
import type { DatasourceStore} from './store.ts';
import { type DatasourceRecord, type DatasourceRow, type UpstreamAuth } from './store.ts';
import { UpstreamClient, UpstreamError } from './upstream.ts';

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15;

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
  /** Records by id, so a query does not read and decrypt its source's row each time; dropped on every change. */
  readonly #records = new Map<number, DatasourceRecord>();

  constructor(ctx: ServerContext, store: DatasourceStore) {
    this.#ctx = ctx;
    this.store = store;
  }

  /** Told when a source changes or goes away (the proxy's cache listens). */
  onChange(listener: (id: number) => void): void {
    this.#listeners.push(listener);
  }

  get(id: number): DatasourceRecord {
    const record = this.#records.get(id) ?? this.store.byId(id);
    if (record) this.#records.set(id, record);
    if (!record) throw new AppError('E_NOT_FOUND', `No data source with id ${id}.`, { id });
    return record;
  }

  create(input: CreateDatasourceRequest, by: Actor): DatasourceRecord {
    if (this.store.byName(input.name)) throw new AppError('E_CONFLICT', `A data source named "${input.name}" already exists.`, { name: input.name });
    const row: DatasourceRow = {
      name: input.name,
      url: normaliseUrl(input.url),
      auth: input.auth ? mergeAuth(input.auth, null) : null,
      tlsSkipVerify: input.tlsSkipVerify ?? false,
      timeoutSeconds: input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      scrapeIntervalSeconds: input.scrapeIntervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS,
    };
    const record = this.store.create(row, by.actor ?? 'system', this.#ctx.now());
    this.#ctx.audit.record({ ...by, action: 'datasource.create', target: record.name, outcome: 'success', details: auditDetails(input) });
    return record;
  }

  update(id: number, patch: UpdateDatasourceRequest, by: Actor): DatasourceRecord {
    const current = this.get(id);
    if (patch.name !== undefined && patch.name !== current.name && this.store.byName(patch.name)) {
      throw new AppError('E_CONFLICT', `A data source named "${patch.name}" already exists.`, { name: patch.name });
    }
    const row: DatasourceRow = {
      name: patch.name ?? current.name,
      url: patch.url !== undefined ? normaliseUrl(patch.url) : current.url,
      auth: patch.auth === null ? null : patch.auth !== undefined ? mergeAuth(patch.auth, current.credentials) : current.credentials,
      tlsSkipVerify: patch.tlsSkipVerify ?? current.tlsSkipVerify,
      timeoutSeconds: patch.timeoutSeconds ?? current.timeoutSeconds,
      scrapeIntervalSeconds: patch.scrapeIntervalSeconds ?? current.scrapeIntervalSeconds,
    };
    const record = this.store.replace(id, row, this.#ctx.now());
    this.#forget(id);
    this.#ctx.audit.record({ ...by, action: 'datasource.update', target: record.name, outcome: 'success', details: auditDetails(patch) });
    return record;
  }

  remove(id: number, by: Actor): void {
    const current = this.get(id);
    this.store.remove(id);
    this.#forget(id);
    this.#ctx.audit.record({ ...by, action: 'datasource.delete', target: current.name, outcome: 'success' });
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
    const record = this.get(id);
    const started = performance.now();
    const result = await this.#probe(record).catch((error: unknown): Omit<DatasourceTestResult, 'latencyMs'> => {
      if (error instanceof UpstreamError) return { ok: false, error: { kind: error.kind, message: error.message } };
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
    throw new AppError('E_VALIDATION', `"${raw}" is not a URL.`, { url: raw });
  }
  if (url.username || url.password) throw new AppError('E_VALIDATION', 'Put credentials in `auth`, not in the URL (they would be shown to every admin).');
  if (url.search || url.hash) throw new AppError('E_VALIDATION', 'The data source URL takes no query string or fragment.');
  return url.toString().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/** New credentials; a secret left out on update keeps the stored one when the kind (and user) stays. */
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
