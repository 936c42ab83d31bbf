import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Alert, AlertEvent } from '../../../shared/api/alerts.ts';
import type { SearchResult } from '../../../shared/api/search.ts';
import { numberIn } from './search-routes.ts';

const firing = (labels: Record<string, string>, annotations: Record<string, string> = {}): AlertEvent => ({ source: 'api', status: 'firing', labels, annotations });

describe.each(testDatabases())('search for the command palette on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  let alerts: Alert[];
  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    alerts = (await server.app.alerts.service.ingest([
      firing({ alertname: 'HighLatency', service: 'api', instance: 'api-1' }, { summary: 'p99 above 2 s' }),
      firing({ alertname: 'HighLatency', service: 'api', instance: 'api-2' }),
      firing({ alertname: 'DiskFull', service: 'db', instance: 'db-1' }),
      firing({ alertname: 'Backup_Failed', job: 'nightly' }),
    ])).map((outcome) => outcome!.alert);
    // Older than any cache a console would hold: resolved, its incident resolved with it.
    await server.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: { alertname: 'DiskFull', service: 'db', instance: 'db-1' } }]);
  });
  afterAll(() => server?.close());

  const search = async (q: string, role: 'viewer' | 'operator' = 'viewer'): Promise<SearchResult> => {
    const response = await server.injectAs(role, { method: 'GET', url: `/api/v1/search?${new URLSearchParams({ q }).toString()}` });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it.skipIf(database.skip)('finds alerts and incidents by alert name', async () => {
    const found = await search('highlatency');
    expect(found.alerts.map((a) => a.labels.instance).sort()).toEqual(['api-1', 'api-2']);
    expect(found.incidents.map((i) => i.id)).toEqual([alerts[0]!.incidentId]);
  });

  it.skipIf(database.skip)('finds them by a label value, including resolved ones, unresolved first', async () => {
    const api2 = await search('api-2');
    expect(api2.alerts.map((a) => a.id)).toEqual([alerts[1]!.id]);
    expect(api2.incidents.map((i) => i.id)).toEqual([alerts[1]!.incidentId]);
    const db = await search('service=db');
    expect(db.alerts).toMatchObject([{ id: alerts[2]!.id, state: 'resolved' }]);
    expect(db.incidents).toMatchObject([{ id: alerts[2]!.incidentId, status: 'resolved' }]);
    const summary = await search('p99 above');
    expect(summary.alerts.map((a) => a.id)).toEqual([alerts[0]!.id]);
  });

  it.skipIf(database.skip)('finds an incident by its number, the exact number first', async () => {
    const id = alerts[3]!.incidentId!;
    const found = await search(`#${id}`);
    expect(found.incidents[0]).toMatchObject({ id });
    expect((await search(String(id))).incidents[0]).toMatchObject({ id });
    expect(numberIn('#12')).toBe(12);
    expect(numberIn('12a')).toBeNull();
  });

  it.skipIf(database.skip)('treats LIKE wildcards as text and refuses a bad query with 400', async () => {
    const underscore = await search('backup_f');
    expect(underscore.alerts.map((a) => a.id)).toEqual([alerts[3]!.id]);
    expect((await search('%')).alerts).toEqual([]);
    const empty = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/search?q=' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('E_VALIDATION');
    const unknown = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/search?q=a&extra=1' });
    expect(unknown.statusCode).toBe(400);
    expect((await server.injectAs(null, { method: 'GET', url: '/api/v1/search?q=api' })).statusCode).toBe(401);
  });

  it.skipIf(database.skip)('leaves out alerts for an API key that may read incidents only', async () => {
    const key = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'incidents-only', role: 'viewer', scopes: ['incidents:read'] } })).json().secret as string;
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/search?q=api', headers: { authorization: `Bearer ${key}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json().alerts).toEqual([]);
    expect(response.json().incidents.length).toBeGreaterThan(0);
  });
});
