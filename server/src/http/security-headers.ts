import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers Helmet sets for `options`, worked out once. `@fastify/helmet` rebuilt the
 * whole Helmet middleware (parsing every CSP directive) on every request, a visible share
 * of a proxied data-source query's CPU; the headers never change between requests, so
 * they are computed at start-up and copied onto each response.
 */
export function helmetHeaders(options: HelmetOptions): { set: ReadonlyMap<string, string>; removed: readonly string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
      return response;
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      removed.push(name.toLowerCase());
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return { set, removed };
}

/** The server's headers: the console's CSP (Mantine sets CSS variables through style attributes) and one framing policy. */
export const SERVER_SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      // Helmet's default: the browser then asked for the console's own scripts at https://,
      // so over plain HTTP at any name but localhost (the image listens on 0.0.0.0) the
      // console stayed blank. Every source is 'self', so over TLS nothing is left to upgrade.
      upgradeInsecureRequests: null,
    },
  },
  // One framing policy: X-Frame-Options (older browsers) says what frame-ancestors says.
  frameguard: { action: 'deny' },
};

let serverHeaders: ReturnType<typeof helmetHeaders> | undefined;

/** Sets the server's security headers on a raw response (a route's own header set later, e.g. the API docs' CSP, still wins). */
export function setSecurityHeaders(raw: ServerResponse): void {
  serverHeaders ??= helmetHeaders(SERVER_SECURITY_HEADERS);
  for (const [name, value] of serverHeaders.set) raw.setHeader(name, value);
  for (const name of serverHeaders.removed) raw.removeHeader(name);
}

/**
 * Security headers on every response. Installed as the first request hook: refusals made
 * by later hooks (401, 403, 503) went out without them when this came after authentication.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    setSecurityHeaders(reply.raw);
    done();
  });
}
