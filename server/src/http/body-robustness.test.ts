import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Generic over every route that takes a body, including those other features add later:
 * whatever arrives, the answer is a 4xx in the common shape, never a 500.
 */
describe('request bodies on every route', () => {
  let server: TestServer;
  let token: string;
  const BODY_LIMIT = 4096;

  beforeAll(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: BODY_LIMIT } });
    token = await server.tokenFor('admin');
  });
  afterAll(() => server.close());

  const bodyRoutes = () =>
    server.app.accessTable.filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method) && route.url.startsWith('/api/'));

  it('malformed, wrongly shaped, wrongly typed and oversized bodies get a 4xx in the error shape', async () => {
    const cases: Array<[string, string, string]> = [
      ['malformed JSON', '{"a": ', 'application/json'],
      ['an array', '[1, 2, 3]', 'application/json'],
      ['a string', '"text"', 'application/json'],
      ['null', 'null', 'application/json'],
      ['unexpected fields', JSON.stringify({ unexpected: { deep: [null, { x: 1e308 }] }, id: -1, name: 12 }), 'application/json'],
      ['an unsupported content type', '<a/>', 'application/xml'],
    ];
    const problems: string[] = [];
    expect(bodyRoutes().length).toBeGreaterThan(5);
    for (const route of bodyRoutes()) {
      const url = route.url.replace(/:\w+(\([^)]*\))?/g, '1').replace(/\*/g, 'x');
      // Routes may raise their own limit (bulk ingest); exceed whichever applies.
      const limit = Math.max(BODY_LIMIT, route.bodyLimit ?? 0);
      const oversized = JSON.stringify({ padding: 'x'.repeat(limit + 1) });
      for (const [name, payload, contentType] of [...cases, ['an oversized body', oversized, 'application/json'] as [string, string, string]]) {
        if (name === 'an oversized body' && limit > 16 * 1_048_576) continue;
        const response = await server.app.inject({ method: route.method as 'POST', url, payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } });
        const body = response.json() as { error?: { code?: string } };
        if (response.statusCode < 400 && name !== 'unexpected fields') {
          problems.push(`${route.method} ${route.url}: ${name} -> ${response.statusCode}`);
        } else if (response.statusCode >= 500 || (response.statusCode >= 400 && !body.error?.code)) {
          problems.push(`${route.method} ${route.url}: ${name} -> ${response.statusCode} ${response.body.slice(0, 200)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Seven bodies over every route, one after another: CPU-bound, so a generous ceiling.
  }, 180_000);
});
