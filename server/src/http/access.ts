import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import { hasPermission, type Permission, type RouteAccess } from '../../../shared/auth/permissions.ts';
import type { Authenticator, Principal } from '../auth/principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires; every route must declare it (checked at start-up). */
    access?: RouteAccess;
    /** Reachable while the user still has to change a one-time password. */
    allowPendingPasswordChange?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with its declared access, as registered (for the permission matrix tests and docs). */
    accessTable: DeclaredRoute[];
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  allowPendingPasswordChange: boolean;
  /** The route's own body limit where it raises the server's (bulk ingest). */
  bodyLimit: number | undefined;
}

/** Routes we do not own (OpenAPI UI assets, static web console) are public by nature. */
const IMPLICITLY_PUBLIC = [/^\/docs(\/|$)/, /^\/(?!api\/)/];

export function declaredAccess(route: Pick<RouteOptions, 'url' | 'config'>): RouteAccess | undefined {
  const access = (route.config as { access?: RouteAccess } | undefined)?.access;
  if (access) return access;
  return IMPLICITLY_PUBLIC.some((re) => re.test(route.url)) ? 'public' : undefined;
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  // EventSource in browsers cannot set headers; the stream accepts the token in the query.
  const query = request.query as { access_token?: unknown } | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : null;
}

/** Told about every request refused for lack of permission (the audit log records them). */
export type DeniedListener = (request: FastifyRequest, permission: Permission) => void;

/**
 * Installs the access guard: refuses to register an /api route that declares no access,
 * and checks every request against the route's declaration and the permission matrix.
 */
export function installAccessGuard(app: FastifyInstance, authenticate: Authenticator, onDenied?: DeniedListener): void {
  app.decorateRequest('principal', null);
  const table: DeclaredRoute[] = [];
  app.decorate('accessTable', table);
  app.addHook('onRoute', (route) => {
    const access = declaredAccess(route);
    if (!access) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access); every API route must.`);
    }
    const allowPendingPasswordChange = (route.config as { allowPendingPasswordChange?: boolean } | undefined)?.allowPendingPasswordChange === true;
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access, allowPendingPasswordChange, bodyLimit: route.bodyLimit });
  });
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const access = declaredAccess({ url: request.routeOptions.url ?? request.url, config });
    if (!access || access === 'public') return;
    const token = bearerToken(request);
    if (!token) throw new AppError('E_AUTH_REQUIRED');
    const principal = await authenticate(token);
    request.principal = principal;
    if (principal.mustChangePassword && !config.allowPendingPasswordChange) throw new AppError('E_PASSWORD_CHANGE_REQUIRED');
    if (access !== 'authenticated' && !hasPermission(principal.role, access, principal.scopes)) {
      onDenied?.(request, access);
      throw new AppError('E_FORBIDDEN', `This needs the ${access} permission.`, { permission: access });
    }
  });
}

/** The principal of a request whose route requires authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('E_AUTH_REQUIRED');
  return request.principal;
}
