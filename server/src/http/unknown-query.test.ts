import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../shared/api/routes.ts';
import type { RouteDefinition } from '../../../shared/api/route.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * A query parameter no route declares is refused (400) on every route, as most already did:
 * the metrics routes, the webhook deliveries, the stream and every route without a query
 * took `?limt=5` or `?from=…` on `/metrics/latest` without a word (eleventh attack round).
 */
describe('unknown query parameters', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const routes = Object.values(apiRoutes).flatMap((group) => Object.values(group as Record<string, RouteDefinition>));

  it('are refused by every GET route, declared query or not', async () => {
    const accepted: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET')) {
      // Path parameters filled with a value each pattern takes; the check runs before the handler.
      const url = `/api/v1${route.path.replace(/:[A-Za-z]+/g, '1')}?zz_unknown=1`;
      const response = await server.injectAs('admin', { method: 'GET', url });
      if (response.statusCode !== 400 || response.json().error.code !== 'E_VALIDATION') accepted.push(`${url} -> ${response.statusCode}`);
    }
    expect(accepted).toEqual([]);
  });

  it('are refused before a change is made', async () => {
    const response = await server.injectAs('admin', { method: 'DELETE', url: '/api/v1/users/1/lockout?zz_unknown=1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('additional properties');
  });

  it('declared parameters still work', async () => {
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/metrics/export?limit=5' })).statusCode).toBe(200);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/version' })).statusCode).toBe(200);
  });
});
