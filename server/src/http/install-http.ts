import type { FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { AppError } from '../../../shared/errors.ts';

/**
 * Opt-in rate limits (a route's `rateLimit`); the 429 uses our error shape, Retry-After set
 * by the plugin. With a `store` (the database's, see auth/rate-limit-store.ts) the counts
 * are shared by every replica; without, each process counts in memory.
 */
export async function installRateLimit(app: FastifyInstance, store?: FastifyRateLimitStoreCtor): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(store ? { store } : {}),
    errorResponseBuilder: (_request, context) => new AppError('E_RATE_LIMITED', undefined, { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
}

/** Compression and the OpenAPI document with its UI under /docs (security headers: security-headers.ts, installed first). */
export async function installHttpPlugins(app: FastifyInstance): Promise<void> {
  await app.register(compress, { threshold: 1024 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'SmartCloudOps API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own CSP replaces the server's and says frame-ancestors 'self', where
    // X-Frame-Options says DENY: one framing policy, as on every other answer. Nor does it
    // upgrade insecure requests, as the server's CSP does not (security-headers.ts).
    transformStaticCSP: (header) => header.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'").replace(/\s*upgrade-insecure-requests;?/, ''),
  });
}
