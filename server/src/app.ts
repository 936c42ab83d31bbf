import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { loadConfig, type ServerConfig } from './config.ts';
import { openStorage } from './db/storage.ts';
import { DatabaseAvailability } from './db/sql/availability.ts';
import { DatabaseFileWatch } from './db/database-file-watch.ts';
import { trackRequestsInFlight, type RequestsInFlight } from './http/requests-in-flight.ts';
import { SQLITE_FILE_NAME } from './db/database-url.ts';
import { createLeadership, DEFAULT_LEADER_RETRY_MS } from './db/sql/leadership.ts';
import { newReplicaId } from './db/sql/work-claims.ts';
import { ensureWritableDataDir } from './db/data-dir.ts';
import { startWalCheckpointer, startWalCheckpoints } from './db/wal-checkpoint.ts';
import { EventBus } from './events/bus.ts';
import { AuditLog } from './audit/store.ts';
import { auditActor } from './audit/actor.ts';
import type { ServerContext } from './context.ts';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling, toAppError } from './http/error-handler.ts';
import { installAccessGuard } from './http/access.ts';
import { installHttpPlugins, installRateLimit } from './http/install-http.ts';
import { installNulRefusal } from './http/nul-characters.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { installValidation } from './http/validation.ts';
import { installNoStore } from './http/no-store.ts';
import { installLoadShedding } from './http/load-shedding.ts';
import { installBodyBudget } from './http/body-budget.ts';
import { AccessLogController } from './observability/access-log.ts';
import { lazyChildLoggerFactory } from './observability/lazy-request-logger.ts';
import { createMetricsRegistry, instrumentHttp } from './observability/http-metrics.ts';
import { createLogger } from './observability/logger.ts';
import { healthRoutes } from './health/routes.ts';
import { StorageHealth } from './health/storage.ts';
import { registerServerMetrics } from './observability/server-metrics.ts';
import { tuneHeapGrowth } from './observability/heap-growth.ts';
import { flushIdleBaselineCode } from './observability/code-flushing.ts';
import { startIdleMemoryRelease } from './observability/idle-memory.ts';
import { versionRoutes } from './health/version-routes.ts';
import { webConsole } from './web/plugin.ts';
import { bootstrapAdmin } from './auth/bootstrap-admin.ts';
import { sqlRateLimitStore } from './auth/rate-limit-store.ts';
import type { Authenticator } from './auth/principal.ts';
import { tracingActive } from './observability/tracing.ts';
import { traceDatabase } from './observability/traced-database.ts';
import { API_KEY_PREFIX } from '../../shared/api/api-keys.ts';
import { AppError } from '../../shared/errors.ts';
import { API_PREFIX } from '../../shared/api/client.ts';
import { StreamTickets } from './stream/tickets.ts';
import { RefusalThrottle } from './audit/refusal-throttle.ts';
import { streamTicketRoutes } from './stream/ticket-routes.ts';
import { anomalySettingsFromEnv } from './anomaly/settings.ts';
import { incidentSettingsFromEnv } from './incidents/settings.ts';
import { alertsSettingsFromEnv } from './alerts/settings.ts';
import type { AnomalySettings } from './anomaly/service.ts';
import { createFeatures, type AlertingSettings, type Features } from './features.ts';
import type { DatasourceSettingsInput } from './datasources/plugin.ts';
import { runbookSettingsFromEnv, type RunbookSettings } from './runbooks/settings.ts';
import { chatopsSettingsFromEnv, type ChatOpsSettings } from './chatops/settings.ts';
import { lazySerializers, type LazySerializers } from './http/lazy-serializers.ts';

export interface BuildServerOptions {
  /** Overrides of the environment configuration (tests pass a temp dataDir). */
  config?: Partial<ServerConfig>;
  /** Environment to read configuration from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Clock, for tests. */
  now?: () => number;
  /** pino logger; defaults to one at the configured level that redacts secrets. */
  logger?: Logger;
  /** Where the default logger writes (tests capture it); stdout when absent. */
  logStream?: DestinationStream;
  /** Access token lifetime, seconds. */
  accessTokenTtlSeconds?: number;
  /**
   * The clock access tokens are issued and checked against (real time by default), so a
   * test can expire them by moving it instead of sleeping through their lifetime.
   */
  tokenClock?: () => number;
  /** Alerting tuning (grouping window, webhook backoff, timers), for tests and benchmarks. */
  alerts?: Partial<AlertingSettings>;
  /** Anomaly engine tuning (training sizes, schedule, workers), for tests and benchmarks. */
  anomaly?: Partial<AnomalySettings>;
  /** Data source proxy tuning (cache size and lifetime, per-user query rate). */
  datasources?: DatasourceSettingsInput;
  /** Runbook settings (folder, allow-lists, limits), over those of the environment. */
  runbooks?: Partial<RunbookSettings>;
  /** ChatOps settings (confirmation lifetime, Slack secret, the runbook gateway), for tests. */
  chatops?: Partial<ChatOpsSettings>;
  /** How often a replica tries to become the leader of scheduled work (PostgreSQL), ms; tests shorten it. */
  leaderRetryMs?: number;
  /** Time to receive a whole request, headers and body, ms (REQUEST_TIMEOUT_MS); tests shorten it. */
  requestTimeoutMs?: number;
  /** How often open event streams' credentials are checked again, ms (STREAM_RECHECK_MS); tests shorten it. */
  streamRecheckMs?: number;
}

/**
 * Time a client has to send a whole request (headers and body): Node's own default, which
 * Fastify turns off. Without it a client sending a body a byte every few seconds held its
 * connection (and file descriptor) for as long as it liked; enough of them and the server
 * had none left for clients or for its database files. A 64 MiB ingest body needs ~2 Mbit/s.
 * Answers are not bounded by it (the event stream runs for hours).
 */
export const REQUEST_TIMEOUT_MS = 300_000;

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export interface ServerHandle {
  /** One-time admin password created on first run without SMARTCLOUDOPS_ADMIN_PASSWORD (print once). */
  oneTimeAdminPassword: string | null;
  /** The requests being answered; a shutdown past its grace cuts them (main.ts). */
  requestsInFlight: RequestsInFlight;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
    handle: ServerHandle;
    /** Each feature's service, for other code in the process (tests, benchmarks). */
    metrics: Features['metrics']['service'];
    anomaly: Features['anomaly']['service'];
    alerts: Features['alerts']['service'];
    incidents: Features['incidents']['service'];
    notifications: Features['notifications']['service'];
    /** ChatOps, for tests and other features. */
    chatops: Features['chatops']['service'];
    /** The response serializers, compiled on first use (http/lazy-serializers.ts). */
    serializers: LazySerializers;
  }
}

/**
 * The composition root: storage and shared services, then every feature in the one shape
 * (`createXFeature` → service + plugin), each plugin under /api/v1. Tests call `inject()`
 * on the result or `listen()` on port 0. See docs/architecture.md.
 */
export async function buildServer(options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const config: ServerConfig = { ...loadConfig(options.env), ...options.config };
  const log = options.logger ?? createLogger(config.logLevel, options.logStream);
  const now = options.now ?? Date.now;
  ensureWritableDataDir(config.dataDir);
  // The SQLite file for the stores not moved yet, and the query layer on the configured database.
  // With tracing on, every statement is a span under the request or job that runs it.
  const storage = await openStorage(options.env ?? process.env, config.dataDir, tracingActive() ? traceDatabase : undefined);
  const db = storage.sqlite;
  // Scheduled work (rule evaluation, retraining) runs on one replica: the holder of an advisory lock.
  const leadership = createLeadership(storage.sql, { name: 'scheduled-work', retryMs: options.leaderRetryMs ?? DEFAULT_LEADER_RETRY_MS, log });
  const ctx: ServerContext = { config, db, sql: storage.sql, events: new EventBus(), audit: new AuditLog(storage.sql, now, log), log, now, leadership, replicaId: newReplicaId() };
  const registry = createMetricsRegistry();
  const features = createFeatures(ctx, {
    registry,
    ...(options.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.tokenClock ? { tokenClock: options.tokenClock } : {}),
    ...(options.streamRecheckMs !== undefined ? { streamRecheckMs: options.streamRecheckMs } : {}),
    alerting: { ...alertsSettingsFromEnv(options.env ?? process.env), ...options.alerts, grouping: { ...incidentSettingsFromEnv(options.env ?? process.env), ...options.alerts?.grouping } },
    anomaly: { ...anomalySettingsFromEnv(options.env ?? process.env), ...options.anomaly },
    chatops: { ...chatopsSettingsFromEnv(options.env ?? process.env), ...options.chatops },
    datasources: { secretKey: (options.env ?? process.env).SMARTCLOUDOPS_DATASOURCE_KEY || undefined, ...options.datasources },
    runbooks: { ...runbookSettingsFromEnv(options.env ?? process.env, config.dataDir), ...options.runbooks },
  });
  const bootstrap = await bootstrapAdmin(features.users.service.repository, config.adminPassword);
  // One bearer header for both: API keys are recognisable by their prefix, anything else must be a JWT.
  const authenticate: Authenticator = (token) => (token.startsWith(API_KEY_PREFIX) ? features.apiKeys.service.authenticate(token) : features.auth.service.authenticateJwt(token));

  const serializers = lazySerializers();
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Response serializers compiled on a route's first answer, not ~150 of them at start-up.
    schemaController: { compilersFactory: { buildSerializer: serializers.buildSerializer } },
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    // Node looks for requests past their time this often (30 s by default); the headers'
    // limit must not exceed the whole request's, or Node checks neither (its own rule).
    http: {
      connectionsCheckingInterval: Math.min(30_000, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
      headersTimeout: Math.min(60_000, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    },
    // Features connect to the database as they start (PostgreSQL: LISTEN, the user copy, the
    // signing keys); on a busy host that can take longer than Fastify's default 10 s.
    pluginTimeout: 120_000,
    // Behind a reverse proxy (SMARTCLOUDOPS_TRUST_PROXY), request.ip is the client's address from
    // X-Forwarded-For, so lockout, rate limits and the audit log see the client, not the proxy.
    // A hop count becomes proxy-addr's "trust the first n hops" function (Fastify's types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Parser-level errors (bad Content-Length) in our error shape as well.
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    // One access line per request instead of Fastify's two (observability/access-log.ts).
    logController: new AccessLogController(log.child({}, { redact: [] }) as FastifyBaseLogger),
    // request.log becomes a pino child only when a request logs something (lazy-request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    // Requests that arrive while the server closes are refused by our own hook below, in the
    // one error shape with Retry-After (Fastify's own 503 has another body and no Retry-After).
    return503OnClosing: false,
  });
  // First, so that every route and hook registered after it runs inside the request's span.
  // Loaded only with tracing on: @fastify/otel and its OpenTelemetry modules are ~2.5 MiB of heap.
  if (tracingActive()) await app.register((await import('./observability/request-tracing.ts')).requestTracing());
  app.decorate('ctx', ctx);
  app.decorate('serializers', serializers);
  app.decorate('handle', { oneTimeAdminPassword: bootstrap?.oneTimePassword ?? null, requestsInFlight: trackRequestsInFlight(app) });
  app.decorate('metrics', features.metrics.service);
  app.decorate('anomaly', features.anomaly.service);
  app.decorate('alerts', features.alerts.service);
  app.decorate('incidents', features.incidents.service);
  app.decorate('notifications', features.notifications.service);
  app.decorate('chatops', features.chatops.service);
  app.decorate('datasources', features.datasources.service);
  app.decorate('runbooks', features.runbooks.service);
  // The WAL cut back to nothing every 10 s, so an idle data folder holds only the database.
  const stopWalCheckpoints = startWalCheckpoints(db, undefined, (error) => ctx.log.warn({ err: error }, 'WAL checkpoint failed; trying again at the next turn'));
  // SQLite's auto-checkpoint (its fsyncs) on a thread of its own instead of inside request commits.
  const walCheckpointer = startWalCheckpointer(db);
  // The heap a burst of work grew to is given back once the server is quiet (observability/idle-memory.ts).
  // SQLite's page cache (up to 2 MiB, full after a load) is let go of too: the pages come
  // back from the operating system's file cache when read again.
  // Fewer full collections under load (observability/heap-growth.ts).
  tuneHeapGrowth();
  // Baseline code of functions that ran once (start-up, a load) is let go of too (observability/code-flushing.ts).
  flushIdleBaselineCode();
  const stopIdleMemoryRelease = startIdleMemoryRelease({
    release: () => {
      db.pragma('shrink_memory');
      return features.metrics.service.releaseIdleMemory();
    },
  });
  app.addHook('onClose', async () => {
    stopWalCheckpoints();
    stopIdleMemoryRelease();
    await leadership.stop();
    // Entries still queued go to the database before it closes.
    await ctx.audit.flush().catch(() => undefined);
    await storage.sql.close();
    await walCheckpointer.stop();
    db.close();
  });

  // First: every answer, a refusal by a later hook included, carries the security headers.
  installSecurityHeaders(app);
  // No NUL (U+0000) in any request text: PostgreSQL cannot store it (a 500), SQLite did.
  installNulRefusal(app);
  const diskSpace = new StorageHealth({ dataDir: config.dataDir, log, now });
  installErrorHandling(app, diskSpace);
  // Shutting down (SIGTERM): requests already running finish; any that arrive meanwhile on an
  // open connection are refused before they touch anything, so a client retries elsewhere.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw Object.assign(new AppError('E_UNAVAILABLE', 'The server is shutting down; retry shortly.', { reason: 'shutting_down' }), { headers: { 'retry-after': '5', connection: 'close' } });
  });
  // Strict request validation (no coercion of bodies, finite numbers, decimal query/path integers).
  installValidation(app);
  installNoStore(app);
  // A response goes out only once the audit entries recorded before it are stored (they are
  // written in the background, in order; see AuditLog): an answered action is an audited one.
  // A callback hook: when nothing is being stored (nearly every request) it answers at once,
  // without the promise and microtask turn an async hook costs per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!ctx.audit.pending) {
      done(null, payload);
      return;
    }
    ctx.audit.flush().then(
      () => done(null, payload),
      (error: unknown) => {
        // The answer becomes the failure, in our error shape: an error handed to done() here
        // went out with the action's own status (a 200, a 403) and the database's message.
        const failure = toAppError(error as Error);
        reply.log.error({ err: error }, 'the audit entries of this request could not be stored');
        const headers = (failure as AppError & { headers?: Record<string, string> }).headers;
        if (headers) void reply.headers(headers);
        void reply.code(failure.status).header('content-type', 'application/json; charset=utf-8');
        done(null, JSON.stringify(failure.toBody()));
      },
    );
  });
  const streamTickets = new StreamTickets({ now });
  const redeemTicket = async (ticket: string) => {
    const holder = streamTickets.redeem(ticket);
    if (!holder) throw new AppError('E_TOKEN_INVALID', 'The stream ticket is unknown, used or lapsed; ask for a new one.');
    return features.auth.service.authenticateSession(holder.userId, holder.sessionId);
  };
  // A few refusals a minute per principal are audited, the rest counted (a viewer's loop of forbidden requests filled the log).
  const deniedAudit = new RefusalThrottle();
  installAccessGuard(app, authenticate, (request, permission) => {
    const principal = request.principal;
    const audited = deniedAudit.take(principal ? (principal.apiKeyId !== undefined ? `apikey:${principal.apiKeyId}` : `user:${principal.userId}`) : `ip:${request.ip}`, now());
    if (!audited) return;
    ctx.audit.record({ ...auditActor(request), action: 'access.denied', target: `${request.method} ${request.routeOptions.url}`, outcome: 'denied', details: { permission, ...(audited.notAudited > 0 ? { notAudited: audited.notAudited } : {}) } });
  }, redeemTicket);
  await installRateLimit(app, sqlRateLimitStore(ctx.sql, now));
  instrumentHttp(app, registry);
  const stopServerMetrics = registerServerMetrics(registry, { db, events: ctx.events, now, scoringBacklog: () => features.anomaly.service.backlog.waiting, webhookQueue: () => features.notifications.service.webhooks.queueState() });
  app.addHook('onClose', async () => stopServerMetrics());
  // Writes get 503 while the database is lost; /ready pings it (PostgreSQL can go away and come back).
  const databaseAvailability = new DatabaseAvailability(ctx.sql, log);
  databaseAvailability.install(app);
  if (ctx.sql.dialect === 'postgres') databaseAvailability.start(2_000);
  // On SQLite, the file in the data folder must stay the one open (db/database-file-watch.ts).
  const databaseFile = ctx.sql.dialect === 'sqlite' ? new DatabaseFileWatch(path.join(path.resolve(config.dataDir), SQLITE_FILE_NAME), log) : undefined;
  databaseFile?.install(app);
  const writeRoutes = ['POST /api/v1/metrics/ingest', 'POST /api/v1/alerts', 'POST /api/v1/integrations/alertmanager'];
  installLoadShedding(app, {
    routes: writeRoutes,
    sources: [{ name: 'the anomaly scoring backlog', overloaded: () => features.anomaly.service.overloaded }],
  });
  installBodyBudget(app, { routes: writeRoutes });
  await installHttpPlugins(app);

  await app.register(healthRoutes, { ctx, registry, storage: diskSpace, database: databaseAvailability, databaseFile });
  await app.register(
    async (api) => {
      for (const feature of Object.values(features)) await api.register(feature.plugin);
      await api.register(streamTicketRoutes, { tickets: streamTickets });
      await api.register(versionRoutes);
    },
    { prefix: API_PREFIX },
  );
  if (config.webRoot) await app.register(webConsole, { webRoot: config.webRoot });
  // Last, so that a start-up that fails leaves no connection holding the lock.
  leadership.start();
  return app;
}
