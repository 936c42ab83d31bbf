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
    /**
     * Takes its credential from the query string too (`?ticket=` or `?access_token=`):
     * only the event stream, since browsers' EventSource cannot set headers.
     */
    queryCredentials?: boolean;
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

export type Credential = { kind: 'bearer'; token: string } | { kind: 'ticket'; ticket: string };

/**
 * The request's credential: the Authorization header, or on routes that declare
 * `queryCredentials` (the stream) a `?ticket=` or `?access_token=`. Anywhere else a token
 * in the URL is ignored, so it is never the way in (URLs end up in logs and histories).
 */
export function credentialOf(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return token ? { kind: 'bearer', token } : null;
  }
  if (request.routeOptions.config?.queryCredentials !== true) return null;
  const query = request.query as { ticket?: unknown; access_token?: unknown } | undefined;
  if (typeof query?.ticket === 'string' && query.ticket) return { kind: 'ticket', ticket: query.ticket };
  return typeof query?.access_token === 'string' && query.access_token ? { kind: 'bearer', token: query.access_token } : null;
}

/** Turns a stream ticket into the principal of its session, or throws (401). */
export type TicketRedeemer = (ticket: string) => Promise<Principal>;

/** Told about every request refused for lack of permission (the audit log records them). */
export type DeniedListener = (request: FastifyRequest, permission: Permission) => void;

/**
 * Installs the access guard: refuses to register an /api route that declares no access,
 * and checks every request against the route's declaration and the permission matrix.
 */
export function installAccessGuard(app: FastifyInstance, authenticate: Authenticator, onDenied?: DeniedListener, redeemTicket?: TicketRedeemer): void {
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
  /** The checks after authentication; throws the refusal. */
  const admit = (request: FastifyRequest, principal: Principal, access: Exclude<RouteAccess, 'public'>, config: FastifyRequest['routeOptions']['config']) => {
    request.principal = principal;
    if (principal.mustChangePassword && !config.allowPendingPasswordChange) throw new AppError('E_PASSWORD_CHANGE_REQUIRED');
    if (access !== 'authenticated' && !hasPermission(principal.role, access, principal.scopes)) {
      onDenied?.(request, access);
      throw new AppError('E_FORBIDDEN', `This needs the ${access} permission.`, { permission: access });
    }
  };
  /** Admits or refuses at once (undefined: admitted), or returns the authentication still running. */
  const check = (request: FastifyRequest, config: FastifyRequest['routeOptions']['config']): { pending: Promise<Principal>; access: Exclude<RouteAccess, 'public'> } | undefined => {
    const access = declaredAccess({ url: request.routeOptions.url ?? request.url, config });
    if (!access || access === 'public') return undefined;
    const credential = credentialOf(request);
    if (!credential) throw new AppError('E_AUTH_REQUIRED');
    let principal: Principal | Promise<Principal>;
    if (credential.kind === 'bearer') principal = authenticate(credential.token);
    else if (redeemTicket) principal = redeemTicket(credential.ticket);
    else throw new AppError('E_TOKEN_INVALID');
    if (principal instanceof Promise) return { pending: principal, access };
    admit(request, principal, access, config);
    return undefined;
  };
  // A callback hook: a principal already known (credential-state.ts) is admitted in the same
  // turn, without the promise and microtask turn an async hook costs on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config;
    // Everything that can refuse is in try blocks; `done` is called outside them, once.
    let outcome: { refused: Error } | { pending: Promise<Principal>; access: Exclude<RouteAccess, 'public'> } | undefined;
    try {
      outcome = check(request, config);
    } catch (error) {
      outcome = { refused: error as Error };
    }
    if (outcome === undefined) {
      done();
      return;
    }
    if ('refused' in outcome) {
      done(outcome.refused);
      return;
    }
    const { pending, access } = outcome;
    pending.then(
      (principal) => {
        let refused: Error | undefined;
        try {
          admit(request, principal, access, config);
        } catch (error) {
          refused = error as Error;
        }
        done(refused);
      },
      (error: unknown) => done(error as Error),
    );
  });
}

/** The principal of a request whose route requires authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('E_AUTH_REQUIRED');
  return request.principal;
}
