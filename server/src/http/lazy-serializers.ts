import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type RouteDefinition = Parameters<ReturnType<SerializerFactory>>[0];
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

export interface LazySerializers {
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  buildSerializer: SerializerFactory;
  /**
   * Compiles every serializer not compiled yet and says how many there were: a response
   * schema fast-json-stringify cannot compile fails here (a test), not at the route's
   * first answer.
   */
  compileAll(): number;
}

/**
 * Fastify's response serializers (fast-json-stringify), compiled on a route's first answer
 * with that status instead of all at start-up. Fastify compiles one for every response
 * schema of every route when it starts: ~150 of them here, each a generated function whose
 * source text V8 keeps, 5.7 MiB of heap for the process's lifetime (measured with
 * `buildServer`, heap after collection 48.8 → 43.1 MiB) while an on-call console answers a
 * few dozen routes all day. A first answer of a route pays its compilation once
 * (milliseconds). The serializers are Fastify's own (the same fast-json-stringify options
 * and shared schemas), so answers are byte for byte the same.
 */
export function lazySerializers(selector: () => SerializerFactory = SerializerSelector): LazySerializers {
  const uncompiled = new Set<() => void>();
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compile = selector()(externalSchemas, options);
    return (route: RouteDefinition): Serializer => {
      let serialize: Serializer | undefined;
      const ensure = () => {
        serialize ??= compile(route);
        uncompiled.delete(ensure);
        return serialize;
      };
      uncompiled.add(ensure);
      return (document: unknown) => (serialize ?? ensure())(document);
    };
  };
  return {
    buildSerializer,
    compileAll() {
      const pending = [...uncompiled];
      for (const ensure of pending) ensure();
      return pending.length;
    },
  };
}
