import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * API keys are managed by signed-in users. A key scoped down to `metrics:read` (a
 * wallboard's) listed every key of its owner and revoked them: a leaked wallboard key of an
 * admin could revoke the never-expiring Alertmanager key and stop alert ingest. A key without
 * `apikeys:manage` now sees and revokes itself only (a leaked key can still be revoked by
 * whoever holds it).
 */
describe('API keys seen and revoked with an API key', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('a key without apikeys:manage sees and revokes itself only', async () => {
    server = await startTestServer();
    const create = async (payload: object) => {
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload });
      expect(response.statusCode).toBe(201);
      return response.json() as { key: { id: number }; secret: string };
    };
    const integration = await create({ name: 'alertmanager', role: 'operator' });
    const wallboard = await create({ name: 'wallboard', role: 'viewer', scopes: ['metrics:read'] });
    const as = (secret: string) => ({ authorization: `Bearer ${secret}` });

    const listed = await server.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: as(wallboard.secret) });
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { keys: Array<{ id: number }> }).keys.map((k) => k.id)).toEqual([wallboard.key.id]);

    const revokeOther = await server.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${integration.key.id}`, headers: as(wallboard.secret) });
    expect(revokeOther.statusCode).toBe(404);
    // The integration key still works.
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: as(integration.secret) })).statusCode).toBe(200);

    // The owner, signed in, still sees and revokes all of theirs; a key revokes itself.
    const own = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/api-keys' })).json() as { keys: Array<{ id: number }> };
    expect(own.keys.map((k) => k.id).sort()).toEqual([integration.key.id, wallboard.key.id].sort());
    expect((await server.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${wallboard.key.id}`, headers: as(wallboard.secret) })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: as(wallboard.secret) })).statusCode).toBe(401);
  });
});
