import type { Static, TSchema } from 'typebox';
import type { RouteAccess } from '../auth/permissions.ts';

/**
 * One endpoint of the HTTP API, declared once. The server registers it (schemas, access,
 * status) and the client derives its call from it, so a path, a permission or a type
 * cannot drift between the two. See docs/architecture.md, "The route table".
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** Path below `/api/v1`, in Fastify syntax (`/alerts/:id`). */
  path: string;
  /** What the caller needs: a permission of the matrix, `authenticated` or `public`. */
  access: RouteAccess;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** Schema of the success answer; absent where the answer is not JSON (text, a stream). */
  response?: TSchema;
  /** Status of the success answer (default 200). */
  status?: 200 | 201 | 202 | 204;
  /** Other success statuses the handler may choose (a partial success), answered with the same schema. */
  otherStatuses?: readonly (200 | 201 | 202 | 207)[];
  /** A request without a body validates as `{}` (every field of the body is optional). */
  bodyOptional?: boolean;
  tags: readonly string[];
  summary?: string;
  /** Reachable while the user still has to change a one-time password. */
  allowPendingPasswordChange?: boolean;
  /** Raises the server's body limit for this route (bulk ingest), bytes. */
  bodyLimit?: number;
}

/** Keeps the literal types of a declaration (paths, schemas) for the derived types below. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

type Part<R, K extends 'params' | 'query' | 'body', Name extends string> = R extends { [P in K]: infer S extends TSchema }
  ? Record<never, never> extends Static<S>
    ? { [P in Name]?: Static<S> }
    : { [P in Name]: Static<S> }
  : { [P in Name]?: never };

/** What a call of the route takes: its path parameters, query and body, each typed by its schema. */
export type RouteInput<R extends RouteDefinition> = Part<R, 'params', 'params'> & Part<R, 'query', 'query'> & Part<R, 'body', 'body'>;

/** What a call of the route answers. */
export type RouteOutput<R extends RouteDefinition> = R extends { response: infer S extends TSchema } ? Static<S> : unknown;

export type RouteParams<R extends RouteDefinition> = R extends { params: infer S extends TSchema } ? Static<S> : Record<string, never>;
export type RouteQuery<R extends RouteDefinition> = R extends { query: infer S extends TSchema } ? Static<S> : Record<string, never>;
export type RouteBody<R extends RouteDefinition> = R extends { body: infer S extends TSchema } ? Static<S> : undefined;

/** A feature's routes, by the name its client method takes. */
export type RouteGroup = Readonly<Record<string, RouteDefinition>>;

/** Fills `:name` segments from the params, each encoded as one path segment. */
export function fillPath(path: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_segment, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') throw new Error(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}
