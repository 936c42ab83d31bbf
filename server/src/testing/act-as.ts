import type { Role } from '../../../shared/auth/permissions.ts';
import type { TestServer } from './test-server.ts';

/** A test user by role, or an API key by its secret. */
export type Who = Role | { key: string };

/**
 * Requests under /api/v1 as a role's test user or as an API key, and keys made by a role's
 * user: what tests of decision rights (who may request, approve, push) need.
 */
export function actAs(server: () => TestServer) {
  const as = async <T = Record<string, unknown>>(who: Who, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const options = { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) };
    const response = typeof who === 'string' ? await server().injectAs(who, options) : await server().app.inject({ ...options, headers: { authorization: `Bearer ${who.key}` } });
    return { status: response.statusCode, body: response.json() as T & { error?: { code: string } } };
  };
  /** An API key of `owner`'s (an hour long unless `body` says otherwise), as `{ key }` for `as`. */
  const apiKey = async (owner: Role, body: object): Promise<{ key: string }> => {
    const created = await as<{ secret: string }>(owner, 'POST', '/api-keys', { expiresAt: Date.now() + 3_600_000, ...body });
    if (created.status !== 201) throw new Error(`the test API key was refused: ${JSON.stringify(created.body)}`);
    return { key: created.body.secret };
  };
  return { as, apiKey };
}
