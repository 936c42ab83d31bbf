import type { LoginRequest, TokenPair, User } from './auth.ts';
import type { ChangePasswordRequest, CreateUserRequest, ResetPasswordRequest, UpdateUserRequest, UserList } from './users.ts';
import type { ApiKey, ApiKeyList, CreateApiKeyRequest, CreatedApiKey } from './api-keys.ts';
import type { AuditPage, AuditQuery } from './audit.ts';
import type { AcknowledgeRequest, Alert, AlertHistoryEntry, AlertListQuery, AlertPage, CreateSilenceRequest, Silence, SilenceListQuery, SilencePage } from './alerts.ts';
import type { AnomalyEvent, AnomalyModel, AnomalyStatus } from './anomaly.ts';
import type { Incident, IncidentDetail, IncidentListQuery, IncidentPage, TimelineEntry, UpdateIncidentRequest } from './incidents.ts';
import { fillPath, type HttpMethod, type RouteDefinition, type RouteGroup, type RouteInput, type RouteOutput } from './route.ts';
import { apiRoutes } from './routes.ts';

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

export function createApiClient(transport: Transport) {
  const call = <T>(method: HttpMethod, path: string, options: { query?: Record<string, QueryValue>; body?: unknown } = {}) =>
    transport({ method, path: `${API_PREFIX}${path}`, ...options }) as Promise<T>;

  return {
    auth: {
      login: (body: LoginRequest) => call<TokenPair>('POST', '/auth/login', { body }),
      refresh: (refreshToken: string) => call<TokenPair>('POST', '/auth/refresh', { body: { refreshToken } }),
      logout: (refreshToken: string) => call<null>('POST', '/auth/logout', { body: { refreshToken } }),
      me: () => call<User>('GET', '/auth/me'),
      /** Answers a fresh session: the old refresh tokens are revoked with the old password. */
      changePassword: (body: ChangePasswordRequest) => call<TokenPair>('POST', '/auth/password', { body }),
    },
    users: {
      list: () => call<UserList>('GET', '/users'),
      create: (body: CreateUserRequest) => call<User>('POST', '/users', { body }),
      update: (id: number, body: UpdateUserRequest) => call<User>('PATCH', `/users/${id}`, { body }),
      remove: (id: number) => call<unknown>('DELETE', `/users/${id}`),
      resetPassword: (id: number, body: ResetPasswordRequest) => call<unknown>('POST', `/users/${id}/password`, { body }),
    },
    apiKeys: {
      list: () => call<ApiKeyList>('GET', '/api-keys'),
      create: (body: CreateApiKeyRequest) => call<CreatedApiKey>('POST', '/api-keys', { body }),
      revoke: (id: number) => call<ApiKey>('DELETE', `/api-keys/${id}`),
    },
    audit: {
      list: (query: AuditQuery = {}) => call<AuditPage>('GET', '/audit', { query: { ...query } }),
    },
    metrics: clientOf(transport, apiRoutes.metrics),
    chatops: clientOf(transport, apiRoutes.chatops),
    anomaly: {
      /** Newest first. */
      events: (query: { target?: string; from?: number; limit?: number } = {}) => call<AnomalyEvent[]>('GET', '/anomaly/events', { query: { ...query } }),
      status: () => call<AnomalyStatus>('GET', '/anomaly/status'),
      models: (target?: string) => call<AnomalyModel[]>('GET', '/anomaly/models', { query: { target } }),
    },
    alerts: {
      list: (query: AlertListQuery = {}) => call<AlertPage>('GET', '/alerts', { query: { ...query } }),
      get: (id: number) => call<Alert>('GET', `/alerts/${id}`),
      history: (id: number) => call<AlertHistoryEntry[]>('GET', `/alerts/${id}/history`),
      acknowledge: (id: number, body: AcknowledgeRequest) => call<Alert>('POST', `/alerts/${id}/acknowledge`, { body }),
      unacknowledge: (id: number, comment?: string) => call<Alert>('POST', `/alerts/${id}/unacknowledge`, { body: comment ? { comment } : {} }),
      resolve: (id: number, comment?: string) => call<Alert>('POST', `/alerts/${id}/resolve`, { body: comment ? { comment } : {} }),
    },
    silences: {
      list: (query: SilenceListQuery = {}) => call<SilencePage>('GET', '/silences', { query: { ...query } }),
      create: (body: CreateSilenceRequest) => call<Silence>('POST', '/silences', { body }),
      expire: (id: number) => call<Silence>('POST', `/silences/${id}/expire`),
    },
    incidents: {
      list: (query: IncidentListQuery = {}) => call<IncidentPage>('GET', '/incidents', { query: { ...query } }),
      get: (id: number) => call<IncidentDetail>('GET', `/incidents/${id}`),
      update: (id: number, body: UpdateIncidentRequest) => call<Incident>('PATCH', `/incidents/${id}`, { body }),
      timeline: (id: number) => call<TimelineEntry[]>('GET', `/incidents/${id}/timeline`),
      addNote: (id: number, text: string) => call<TimelineEntry>('POST', `/incidents/${id}/notes`, { body: { text } }),
      /** Markdown postmortem as text, or the JSON bundle. */
      export: (id: number, format: 'md' | 'json') => call<unknown>('GET', `/incidents/${id}/export`, { query: { format } }),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
