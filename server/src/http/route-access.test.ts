import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { hasPermission, isPermission, ROLES, type Role } from '../../../shared/auth/permissions.ts';
import { installAccessGuard, type DeclaredRoute } from './access.ts';
import { AppError } from '../../../shared/errors.ts';

/**
 * Generic over the route table of the real server: routes other features add later are
 * covered without touching this file.
 */
describe('route access', () => {
  let server: TestServer;
  let routes: DeclaredRoute[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    routes = server.app.accessTable.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
    for (const role of ROLES) tokens.set(role, await server.tokenFor(role));
  });
  afterAll(() => server.close());

  /** Status and error code of one request; streams are cut off once the headers arrive. */
  async function call(route: DeclaredRoute, role: Role | null): Promise<{ status: number; code?: string }> {
    const url = route.url.replace(/:\w+(\([^)]*\))?/g, '1').replace(/\*/g, 'x');
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
    const headers: Record<string, string> = {};
    if (role) headers.authorization = `Bearer ${tokens.get(role)}`;
    if (hasBody) headers['content-type'] = 'application/json';
    const abort = new AbortController();
    const response = await fetch(`${server.url}${url}`, { method: route.method, headers, body: hasBody ? '{}' : undefined, signal: abort.signal });
    let code: string | undefined;
    if (response.status === 401 || response.status === 403) code = ((await response.json()) as { error: { code: string } }).error.code;
    abort.abort();
    return { status: response.status, code };
  }

  it('collects a route table in which every API route declares its access', () => {
    const api = routes.filter((route) => route.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(10);
    for (const route of api) {
      const known = route.access === 'public' || route.access === 'authenticated' || isPermission(route.access);
      expect(known, `${route.method} ${route.url} declares ${route.access}`).toBe(true);
      expect(server.app.hasRoute({ method: route.method as 'GET', url: route.url })).toBe(true);
    }
    expect(api).toContainEqual(expect.objectContaining({ method: 'GET', url: '/api/v1/audit', access: 'audit:read' }));
  });

  it('answers every route for anonymous and every role as the permission matrix says', async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const label = `${route.method} ${route.url} [${route.access}]`;
      const anonymous = await call(route, null);
      if (route.access === 'public') {
        if (anonymous.status === 401 || anonymous.status === 403 || anonymous.status >= 500) problems.push(`${label} anonymous -> ${anonymous.status}`);
        continue;
      }
      if (anonymous.status !== 401 || anonymous.code !== 'E_AUTH_REQUIRED') problems.push(`${label} anonymous -> ${anonymous.status} ${anonymous.code}`);
      for (const role of ROLES) {
        const allowed = route.access === 'authenticated' || hasPermission(role, route.access);
        const { status, code } = await call(route, role);
        if (allowed && (status === 401 || status === 403 || status >= 500)) problems.push(`${label} ${role} (allowed) -> ${status} ${code ?? ''}`);
        if (!allowed && (status !== 403 || code !== 'E_FORBIDDEN')) problems.push(`${label} ${role} (denied) -> ${status} ${code ?? ''}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('access guard', () => {
  it('refuses to register an API route that declares no access', async () => {
    const app = Fastify();
    installAccessGuard(app, async () => {
      throw new AppError('E_TOKEN_INVALID');
    });
    expect(() => app.get('/api/v1/undeclared', async () => 'oops')).toThrow(/declares no access/);
    await app.close();
  });
});
