import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import pino, { type Logger } from 'pino';
import { loadConfig, type ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { EventBus } from './events/bus.ts';
import { AuditLog } from './audit/store.ts';
import type { ServerContext } from './context.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { installAccessGuard } from './http/access.ts';
import { createMetricsRegistry, instrumentHttp } from './observability/http-metrics.ts';
import { healthRoutes } from './health/routes.ts';
import { UserStore } from './users/store.ts';
import { SigningKeyStore } from './auth/signing-keys.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { RefreshTokens } from './auth/refresh-tokens.ts';
import { AuthService } from './auth/service.ts';
import { authRoutes } from './auth/routes.ts';
import { bootstrapAdmin } from './auth/bootstrap-admin.ts';
import type { Authenticator } from './auth/principal.ts';

export interface BuildServerOptions {
  /** Overrides of the environment configuration (tests pass a temp dataDir). */
  config?: Partial<ServerConfig>;
  /** Environment to read configuration from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Clock, for tests. */
  now?: () => number;
  /** pino logger; defaults to one at the configured level that redacts secrets. */
  logger?: Logger;
  /** Access token lifetime, seconds. */
  accessTokenTtlSeconds?: number;
}

export interface ServerHandle {
  /** One-time admin password created on first run without SMARTCLOUDOPS_ADMIN_PASSWORD (print once). */
  oneTimeAdminPassword: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext;
    handle: ServerHandle;
  }
}

/** Paths that must never reach a log line. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken', '*.accessToken', '*.secret'];

/**
 * Builds the whole server: storage, shared services, and one encapsulated plugin per
 * feature under /api/v1. Tests call `inject()` on the result or `listen()` on port 0.
 */
export async function buildServer(options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const config: ServerConfig = { ...loadConfig(options.env), ...options.config };
  const log = options.logger ?? pino({ level: config.logLevel, redact: REDACT });
  const now = options.now ?? Date.now;
  const db = openDatabase(path.join(config.dataDir, 'smartcloudops.db'));
  const ctx: ServerContext = { config, db, events: new EventBus(), audit: new AuditLog(db, now), log, now };

  const users = new UserStore(db, now);
  const accessTokens = new AccessTokens(new SigningKeyStore(config.dataDir), options.accessTokenTtlSeconds);
  const refreshTokens = new RefreshTokens(db, undefined, now);
  const auth = new AuthService({ users, accessTokens, refreshTokens });
  const bootstrap = await bootstrapAdmin(users, config.adminPassword);
  const authenticate: Authenticator = (token) => auth.authenticateJwt(token);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
  });
  app.decorate('ctx', ctx);
  app.decorate('handle', { oneTimeAdminPassword: bootstrap?.oneTimePassword ?? null });
  app.addHook('onClose', async () => db.close());

  installErrorHandling(app);
  installAccessGuard(app, authenticate);
  const registry = createMetricsRegistry();
  instrumentHttp(app, registry);

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
      await api.register(authRoutes, { ctx, auth, users });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
