import { fillPath, type HttpMethod, type RouteDefinition, type RouteGroup, type RouteInput, type RouteOutput } from './route.ts';
import { apiRoutes, type JsonRouteGroups } from './routes.ts';

/**
 * The one typed client of the HTTP API, shared by every consumer (renderer, electron main,
 * scripts). It knows paths and types, not how bytes travel: a transport does that (axios
 * in the browser, the preload bridge in the desktop window, fetch in main). A transport
 * resolves to the parsed JSON body and rejects with an `AppError` carrying the catalogue code.
 */
export type { HttpMethod };
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

export interface ApiRequest {
  method: HttpMethod;
  /** Server-relative path including the `/api/v1` prefix. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export type Transport = (request: ApiRequest) => Promise<unknown>;

export const API_PREFIX = '/api/v1';

/** Drops undefined and null values, so optional filters are simply left out of the URL. */
export function compactQuery(query: Record<string, QueryValue> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/**
 * Serialises a query the way Fastify parses it back (repeated keys for arrays). Written
 * with encodeURIComponent because shared/ has no DOM or Node globals such as URLSearchParams.
 */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(compactQuery(query))) {
    for (const item of Array.isArray(value) ? value : [value]) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** Calls one declared route: the path, method and types all come from its declaration. */
export function callRoute<R extends RouteDefinition>(transport: Transport, route: R, input?: RouteInput<R>): Promise<RouteOutput<R>> {
  const { params, query, body } = (input ?? {}) as { params?: Record<string, unknown>; query?: Record<string, QueryValue>; body?: unknown };
  const request: ApiRequest = { method: route.method, path: `${API_PREFIX}${fillPath(route.path, params)}` };
  if (query !== undefined) request.query = query;
  if (body !== undefined) request.body = body;
  return transport(request) as Promise<RouteOutput<R>>;
}

/** A call that takes no argument where every part of the route's input is optional. */
export type RouteCall<R extends RouteDefinition> = (...input: Record<never, never> extends RouteInput<R> ? [input?: RouteInput<R>] : [input: RouteInput<R>]) => Promise<RouteOutput<R>>;
export type RouteClient<G extends RouteGroup> = { [K in keyof G]: RouteCall<G[K]> };

/** The client of one feature's routes, derived from its declarations. */
export function clientOf<G extends RouteGroup>(transport: Transport, group: G): RouteClient<G> {
  const client: Record<string, unknown> = {};
  for (const [name, route] of Object.entries(group)) client[name] = (input?: RouteInput<RouteDefinition>) => callRoute(transport, route, input);
  return client as RouteClient<G>;
}

/** A client for every JSON route group of the route table, derived from the declarations. */
export function createApiClient(transport: Transport) {
  return {
    auth: clientOf(transport, apiRoutes.auth),
    users: clientOf(transport, apiRoutes.users),
    userLockouts: clientOf(transport, apiRoutes.userLockouts),
    apiKeys: clientOf(transport, apiRoutes.apiKeys),
    audit: clientOf(transport, apiRoutes.audit),
    signingKeys: clientOf(transport, apiRoutes.signingKeys),
    metrics: clientOf(transport, apiRoutes.metrics),
    anomaly: clientOf(transport, apiRoutes.anomaly),
    alerts: clientOf(transport, apiRoutes.alerts),
    silences: clientOf(transport, apiRoutes.silences),
    alertRules: clientOf(transport, apiRoutes.alertRules),
    alertmanager: clientOf(transport, apiRoutes.alertmanager),
    webhooks: clientOf(transport, apiRoutes.webhooks),
    incidents: clientOf(transport, apiRoutes.incidents),
    incidentGrouping: clientOf(transport, apiRoutes.incidentGrouping),
    fleet: clientOf(transport, apiRoutes.fleet),
    search: clientOf(transport, apiRoutes.search),
    datasources: clientOf(transport, apiRoutes.datasources),
    anomalyWatches: clientOf(transport, apiRoutes.anomalyWatches),
    stream: clientOf(transport, apiRoutes.stream),
    server: clientOf(transport, apiRoutes.server),
    runbooks: clientOf(transport, apiRoutes.runbooks),
    chatops: clientOf(transport, apiRoutes.chatops),
  } satisfies { [K in keyof JsonRouteGroups]: RouteClient<JsonRouteGroups[K]> };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The server-relative URL of a route (for clients other than the JSON one, e.g. the SSE stream). */
export function routePath<R extends RouteDefinition>(route: R, params?: Readonly<Record<string, unknown>>): string {
  return `${API_PREFIX}${fillPath(route.path, params)}`;
}
