import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { RouteBody, RouteDefinition, RouteGroup, RouteOutput, RouteParams, RouteQuery } from '../../../shared/api/route.ts';

/** A request of a declared route, typed by its schemas (Fastify has validated it already). */
export type RouteRequest<R extends RouteDefinition> = FastifyRequest<{ Params: RouteParams<R>; Querystring: RouteQuery<R>; Body: RouteBody<R> }>;

/**
 * A success value the route has already written as JSON bytes that match its response
 * schema (a large answer written in one pass; see metrics/range-json.ts): sent as is,
 * without the schema serializer. The route's tests check the bytes against the schema.
 */
export class JsonBytes {
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}

/** Answers the route's success value; the status comes from the declaration. */
export type RouteHandler<R extends RouteDefinition> = (request: RouteRequest<R>, reply: FastifyReply) => Promise<RouteOutput<R> | JsonBytes> | RouteOutput<R> | JsonBytes;

/** Fastify options a route may add beyond its declaration (rate limits, hooks). */
export interface RouteExtras {
  /** @fastify/rate-limit route options; `keyGenerator` counts per principal rather than per address. */
  rateLimit?: { max: number; timeWindow: number; keyGenerator?: (request: FastifyRequest) => string; hook?: 'onRequest' | 'preHandler' };
  preHandler?: RouteShorthandOptions['preHandler'];
  /** Runs after the server's own request hooks (authentication), before the body is read. */
  onRequest?: RouteShorthandOptions['onRequest'];
  /** `false` for a response written as it goes (a stream): a compressor would hold it back. */
  compress?: false;
  /** The stream: a credential may come in the query string (`?ticket=`), as EventSource sends no headers. */
  queryCredentials?: true;
}

/**
 * The query of a route that declares none: no parameter at all. A parameter no route
 * declares is refused (400) everywhere, as by the declared query schemas (all
 * `additionalProperties: false`), rather than taken without a word by some routes only:
 * a misspelt `?limt=` or a parameter of another route reads as if it had been applied.
 */
const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;

/** For routes whose body is optional: a POST without one validates as `{}`. */
const emptyBodyAsObject = async (request: FastifyRequest) => {
  request.body ??= {};
};

/**
 * Registers one route of the route table on a Fastify instance that carries the `/api/v1`
 * prefix. Everything the client also relies on (method, path, schemas, access, status)
 * comes from the declaration; only the behaviour is the feature's.
 */
export function registerRoute<R extends RouteDefinition>(app: FastifyInstance, route: R, handler: RouteHandler<R>, extras: RouteExtras = {}): void {
  const status = route.status ?? 200;
  app.route({
    method: route.method,
    url: route.path,
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    ...(extras.preHandler ? { preHandler: extras.preHandler } : {}),
    ...(extras.onRequest ? { onRequest: extras.onRequest } : {}),
    ...(route.bodyOptional ? { preValidation: emptyBodyAsObject } : {}),
    // Route-level options of @fastify/compress (it reads these, not `config`): without them
    // its hooks run on every request of the route. A route that compresses nothing itself
    // gets no compression hook; a route without a body gets no request decompression hook.
    ...(extras.compress === false ? { compress: false as const } : {}),
    ...(route.body ? {} : { decompress: false as const }),
    config: {
      access: route.access,
      ...(extras.queryCredentials ? { queryCredentials: true } : {}),
      ...(route.allowPendingPasswordChange ? { allowPendingPasswordChange: true } : {}),
      ...(extras.rateLimit ? { rateLimit: extras.rateLimit } : {}),
    },
    schema: {
      tags: [...route.tags],
      ...(route.summary ? { summary: route.summary } : {}),
      ...(route.params ? { params: route.params } : {}),
      querystring: route.query ?? NO_QUERY,
      ...(route.body ? { body: route.body } : {}),
      ...(route.response ? { response: Object.fromEntries([status, ...(route.otherStatuses ?? [])].map((code) => [code, route.response])) } : {}),
    },
    handler: async (request, reply) => {
      const result = await handler(request as RouteRequest<R>, reply);
      if (reply.sent) return reply;
      if (status !== 200) void reply.code(status);
      if (result instanceof JsonBytes) {
        void reply.type('application/json; charset=utf-8');
        return result.bytes;
      }
      return status === 204 ? reply.send() : result;
    },
  });
}

/** The handlers of a whole route group: one per declared route, checked by name. */
export type GroupHandlers<G extends RouteGroup> = { [K in keyof G]: RouteHandler<G[K]> };

/** Registers every route of a group; a missing handler is a compile error, not a 404. */
export function registerRoutes<G extends RouteGroup>(app: FastifyInstance, group: G, handlers: GroupHandlers<G>, extras: Partial<Record<keyof G, RouteExtras>> = {}): void {
  for (const name of Object.keys(group) as (keyof G & string)[]) registerRoute(app, group[name]!, handlers[name], extras[name]);
}
