import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/permissions.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Only a note's author may edit or delete it. The author is a person, not a display name:
 * an API key is named by whoever creates it, so a key named after someone else (or after
 * another user's key) must not make its holder that note's author.
 */
describe.each(testDatabases())('note authorship on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(() => server?.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const keyOf = async (role: Role, name: string): Promise<string> => {
    const response = await server.injectAs(role, { method: 'POST', url: '/api/v1/api-keys', payload: { name, role: 'operator', expiresAt: Date.now() + 86_400_000 } });
    expect(response.statusCode).toBe(201);
    return (response.json() as { secret: string }).secret;
  };
  const note = async (headers: Record<string, string>, incidentId: number, text: string) => {
    const response = await server.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, headers, payload: { text } });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: number; actor: string };
  };
  const edit = (headers: Record<string, string>, incidentId: number, entryId: number, text: string) =>
    server.app.inject({ method: 'PUT', url: `/api/v1/incidents/${incidentId}/notes/${entryId}`, headers, payload: { text } });
  const remove = (headers: Record<string, string>, incidentId: number, entryId: number) =>
    server.app.inject({ method: 'DELETE', url: `/api/v1/incidents/${incidentId}/notes/${entryId}`, headers });

  it.skipIf(database.skip)('a key named after another user or another user\'s key is not their notes\' author', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    const [alert] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HighCpu', target: 'web-1' } }]);
    const incidentId = alert!.alert.incidentId!;
    const admin = bearer(await server.tokenFor('admin'));
    const operator = bearer(await server.tokenFor('operator'));

    // The operator names a key after the admin: the admin's note stays the admin's.
    const adminsNote = await note(admin, incidentId, 'Do not restart the database');
    const impostor = bearer(await keyOf('operator', 'admin'));
    expect((await edit(impostor, incidentId, adminsNote.id, 'Restart the database now')).statusCode).toBe(403);
    expect((await remove(impostor, incidentId, adminsNote.id)).statusCode).toBe(403);

    // Two people's keys of one name: one key's note is not the other's.
    const adminsBot = bearer(await keyOf('admin', 'deploy-bot'));
    const botNote = await note(adminsBot, incidentId, 'Deploy 4.12 rolled out');
    const operatorsBot = bearer(await keyOf('operator', 'deploy-bot'));
    expect((await edit(operatorsBot, incidentId, botNote.id, 'Deploy 4.12 never happened')).statusCode).toBe(403);
    expect((await remove(operatorsBot, incidentId, botNote.id)).statusCode).toBe(403);

    // A note belongs to the person: the operator's own key (whatever its name) may edit the operator's note.
    const opNote = await note(operator, incidentId, 'Looking at web-1');
    expect((await edit(impostor, incidentId, opNote.id, 'Looked at web-1')).statusCode).toBe(200);

    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline` })).json() as Array<{ id: number; text: string }>;
    expect(timeline.find((e) => e.id === adminsNote.id)?.text).toBe('Do not restart the database');
    expect(timeline.find((e) => e.id === botNote.id)?.text).toBe('Deploy 4.12 rolled out');
    // The authors themselves still can.
    expect((await edit(admin, incidentId, adminsNote.id, 'Do not restart the database (confirmed)')).statusCode).toBe(200);
    expect((await remove(adminsBot, incidentId, botNote.id)).statusCode).toBe(200);
  });
});
