import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import { SQLITE_FILE_NAME } from './database-url.ts';

/**
 * The SQLite file moved, deleted or replaced under a running server: SQLite keeps writing
 * into the file it has open, so every write acknowledged after that would be gone at the
 * next start (or sit in a file nobody opens). Writes are refused and /ready says why
 * instead; the file put back lifts both by itself.
 */
describe('the database file moved away under a running server', () => {
  let server: TestServer;
  let file: string;
  let aside: string;

  beforeAll(async () => {
    server = await startTestServer();
    file = path.join(server.dataDir, SQLITE_FILE_NAME);
    aside = path.join(server.dataDir, 'moved-aside.db');
    // Logged in before: a login writes (its session), refused while the file is away.
    await server.tokenFor('viewer');
  });
  afterAll(async () => {
    if (fs.existsSync(aside)) fs.renameSync(aside, file);
    await server.close();
  });

  const alert = (name: string) => server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: name } }] } });
  const ready = () => server.app.inject({ method: 'GET', url: '/ready' });

  it('refuses writes with 503 and the reason, says not-ready, keeps reading, and recovers when the file is back', async () => {
    expect((await alert('BeforeTheMove')).statusCode).toBe(200);
    fs.renameSync(file, aside);

    const notReady = await eventually(ready, (response) => response.statusCode === 503);
    expect(notReady.json().error).toMatchObject({ code: 'E_UNAVAILABLE', details: { reason: 'database_file_missing' } });
    const refused = await alert('WhileMoved');
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'E_UNAVAILABLE', details: { reason: 'database_file_missing' } });
    expect(refused.json().error.message).toMatch(/moved, deleted or replaced/);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(200);

    // A different file in its place (a restore copied over it) is not the one open either.
    fs.copyFileSync(aside, file);
    expect((await alert('WhileReplaced')).statusCode).toBe(503);
    expect((await ready()).statusCode).toBe(503);
    fs.rmSync(file);

    fs.renameSync(aside, file);
    await eventually(ready, (response) => response.statusCode === 200);
    expect((await alert('AfterTheReturn')).statusCode).toBe(200);
  });
});
