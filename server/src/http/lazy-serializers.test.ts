import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { lazySerializers } from './lazy-serializers.ts';

const shared = { $id: 'Owner', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;
const response = {
  200: {
    type: 'object',
    properties: { id: { type: 'integer' }, when: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'string' } }, owner: { $ref: 'Owner#' }, ratio: { type: 'number' } },
    required: ['id'],
  },
  404: { type: 'object', properties: { error: { type: 'string' } } },
} as const;
/** Fields the schema leaves out (`secret`) must be dropped, a Date written as ISO time. */
const document = { id: 7, when: new Date(Date.UTC(2026, 11, 5)), tags: ['a', 'b"c'], owner: { name: 'ops', token: 'hidden' }, ratio: 0.1 + 0.2, secret: 's3cr3t' };

async function appWith(options: FastifyServerOptions): Promise<FastifyInstance> {
  const app = Fastify(options);
  app.addSchema(shared);
  app.get('/thing/:id', { schema: { response } }, async (request, reply) => ((request.params as { id: string }).id === '7' ? document : reply.code(404).send({ error: 'none', extra: 1 })));
  await app.ready();
  return app;
}

describe('response serializers compiled on first use', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('answer byte for byte as Fastify\'s own, compiled at start-up, do', async () => {
    const lazy = lazySerializers();
    const eager = await appWith({});
    const deferred = await appWith({ schemaController: { compilersFactory: { buildSerializer: lazy.buildSerializer } } });
    try {
      // Nothing compiled before an answer: the route's two statuses, for GET and its HEAD twin.
      expect(lazy.compileAll()).toBe(4);
      expect(lazy.compileAll()).toBe(0);
      const again = await appWith({ schemaController: { compilersFactory: { buildSerializer: lazySerializers().buildSerializer } } });
      for (const url of ['/thing/7', '/thing/8']) {
        const [a, b] = await Promise.all([eager.inject({ url }), again.inject({ url })]);
        expect(b.statusCode).toBe(a.statusCode);
        expect(b.body).toBe(a.body);
        expect(b.headers['content-type']).toBe(a.headers['content-type']);
      }
      expect(JSON.parse((await again.inject({ url: '/thing/7' })).body)).toEqual({ id: 7, when: '2026-12-05T00:00:00.000Z', tags: ['a', 'b"c'], owner: { name: 'ops' }, ratio: 0.1 + 0.2 });
      await again.close();
    } finally {
      await eager.close();
      await deferred.close();
    }
  });

  it('leaves the server\'s serializers uncompiled at start-up, and every one of them compiles', async () => {
    server = await startTestServer();
    await server.app.ready();
    const first = server.app.serializers.compileAll();
    // Every route's response schemas, from every feature: compiled now, none failing.
    expect(first).toBeGreaterThan(100);
    expect(server.app.serializers.compileAll()).toBe(0);
    const alerts = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' });
    expect(alerts.statusCode).toBe(200);
  });
});
