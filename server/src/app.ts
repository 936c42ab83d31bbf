import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { DestinationStream, Logger } from 'pino';
import { loadConfig, type ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { EventBus } from './events/bus.ts';
import { AuditLog } from './audit/store.ts';
import type { ServerContext } from './context.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { installAccessGuard } from './http/access.ts';
import { createMetricsRegistry, instrumentHttp } from './observability/http-metrics.ts';
import { healthRoutes } from './health/routes.ts';
import { webConsole } from './web/plugin.ts';
import { UserStore } from './users/store.ts';
import { SigningKeyStore } from './auth/signing-keys.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { RefreshTokens } from './auth/refresh-tokens.ts';
import { AuthService } from './auth/service.ts';
import { authRoutes } from './auth/routes.ts';
import { bootstrapAdmin } from './auth/bootstrap-admin.ts';
import type { Authenticator } from './auth/principal.ts';
import { LoginLockout } from './auth/login-lockout.ts';
import { signingKeyRoutes } from './auth/signing-key-routes.ts';
import { UserService } from './users/service.ts';
import { userRoutes } from './users/routes.ts';
import { ApiKeyStore } from './api-keys/store.ts';
import { ApiKeyService } from './api-keys/service.ts';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { auditActor } from './audit/actor.ts';
import { createLogger } from './observability/logger.ts';
import { AppError } from '../../shared/errors.ts';
import { API_KEY_PREFIX } from '../../shared/api/api-keys.ts';
import { MetricsService } from './metrics/service.ts';
import { metricsPlugin } from './metrics/plugin.ts';
import { AlertsFeature, type AlertsSettings } from './alerts/feature.ts';
import { alertsPlugin } from './alerts/plugin.ts';
import { metricsQueryOf } from './alerts/rules/metrics-source.ts';
import { streamRoutes } from './stream/routes.ts';
import { anomalyPlugin, createAnomalyFeature } from './anomaly/plugin.ts';
import type { AnomalySettings } from './anomaly/service.ts';
import { anomalySettingsFromEnv } from './anomaly/settings.ts';
import { chatopsPlugin, createChatOpsFeature } from './chatops/plugin.ts';
import { chatopsSettingsFromEnv, type ChatOpsSettings } from './chatops/settings.ts';


/** Rows the anomaly scorer may have waiting before ingest answers 503 (bounds its memory). */
const ANOMALY_BACKLOG_ROWS = 50_000;
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
  /** Alerts feature tuning (grouping window, webhook backoff, timers), for tests and benchmarks. */
  alerts?: Partial<AlertsSettings>;
  /** Anomaly engine tuning (training sizes, schedule, workers), for tests and benchmarks. */
  anomaly?: Partial<AnomalySettings>;
  /** ChatOps settings (confirmation lifetime, Slack secret, the runbook gateway), for tests. */
  chatops?: Partial<ChatOpsSettings>;
}

export interface ServerHandle {
  /** One-time admin password created on first run without SMARTCLOUDOPS_ADMIN_PASSWORD (print once). */
  oneTimeAdminPassword: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
    handle: ServerHandle;
    /** The metrics store and query service, for features that read or write samples. */
    metrics: MetricsService;
  }
}

/**
 * Builds the whole server: storage, shared services, and one encapsulated plugin per
 * feature under /api/v1. Tests call `inject()` on the result or `listen()` on port 0.
 */
export async function buildServer(options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const config: ServerConfig = { ...loadConfig(options.env), ...options.config };
  const log = options.logger ?? createLogger(config.logLevel, options.logStream);
  const now = options.now ?? Date.now;
  const db = openDatabase(path.join(config.dataDir, 'smartcloudops.db'));
  const ctx: ServerContext = { config, db, events: new EventBus(), audit: new AuditLog(db, now), log, now };

  const users = new UserStore(db, now);
  const signingKeys = new SigningKeyStore(config.dataDir);
  const accessTokens = new AccessTokens(signingKeys, options.accessTokenTtlSeconds);
  const refreshTokens = new RefreshTokens(db, undefined, now);
  const auth = new AuthService({ users, accessTokens, refreshTokens });
  const userService = new UserService({ db, users, refreshTokens });
  const apiKeys = new ApiKeyService(new ApiKeyStore(db, now), users, now);
  const lockout = new LoginLockout(
    { maxFailuresPerUser: config.lockoutFailuresPerUser, maxFailuresPerIp: config.lockoutFailuresPerIp, lockoutMs: config.lockoutSeconds * 1000 },
    now,
  );
  const bootstrap = await bootstrapAdmin(users, config.adminPassword);
  // One bearer header for both: API keys are recognisable by their prefix, anything else must be a JWT.
  const authenticate: Authenticator = async (token) => (token.startsWith(API_KEY_PREFIX) ? apiKeys.authenticate(token) : auth.authenticateJwt(token));

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
    // Reject unknown properties (schemas say additionalProperties: false) instead of silently dropping them.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorate('ctx', ctx);
  app.decorate('handle', { oneTimeAdminPassword: bootstrap?.oneTimePassword ?? null });
  app.addHook('onClose', async () => db.close());

  installErrorHandling(app);
  installAccessGuard(app, authenticate, (request, permission) => {
    ctx.audit.record({ ...auditActor(request), action: 'access.denied', target: `${request.method} ${request.routeOptions.url}`, outcome: 'denied', details: { permission } });
  });
  // Opt-in per route (config.rateLimit); the 429 uses our error shape, Retry-After set by the plugin.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new AppError('E_RATE_LIMITED', undefined, { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
  const registry = createMetricsRegistry();
  instrumentHttp(app, registry);
  const metrics = new MetricsService({ db, events: ctx.events, now, registry });
  app.decorate('metrics', metrics);
  const alerts = new AlertsFeature(ctx, options.alerts, metricsQueryOf(metrics));
  app.decorate('alerts', alerts);
  const anomaly = createAnomalyFeature(ctx, metrics, { ...anomalySettingsFromEnv(options.env ?? process.env), ...options.anomaly });
  app.decorate('anomaly', anomaly.service);
  // Ingest sheds load (503 + Retry-After) while scoring is this many rows behind.
  metrics.addBackpressure(() => (anomaly.service.backlog > ANOMALY_BACKLOG_ROWS ? 2 : undefined));
  const chatops = createChatOpsFeature(ctx, metrics, alerts, { ...chatopsSettingsFromEnv(options.env ?? process.env), ...options.chatops });
  app.decorate('chatops', chatops);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets CSS variables through style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(compress, { threshold: 1024 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'SmartCloudOps API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  await app.register(healthRoutes, { ctx, registry });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx, auth, users, userService, lockout });
      await api.register(userRoutes, { ctx, users: userService });
      await api.register(apiKeyRoutes, { ctx, apiKeys });
      await api.register(auditRoutes, { ctx });
      await api.register(signingKeyRoutes, { ctx, keys: signingKeys });
      await api.register(metricsPlugin, { ctx, metrics, scrapeTargets: config.scrapeTargets });
      await api.register(alertsPlugin, { feature: alerts });
      await api.register(streamRoutes, { ctx, registry, log: { samples: (after, upTo) => metrics.samplesBetween(after, upTo) } });
      await api.register(anomalyPlugin, { ctx, feature: anomaly });
      await api.register(chatopsPlugin, { ctx, feature: chatops });
    },
    { prefix: '/api/v1' },
  );
  if (config.webRoot) await app.register(webConsole, { webRoot: config.webRoot });
  return app;
}
