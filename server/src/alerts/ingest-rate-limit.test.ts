import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { DEFAULT_ALERTS_SETTINGS } from './feature.ts';
import { alertsSettingsFromEnv } from './settings.ts';

const PER_MINUTE = 4;

/**
 * Alert ingest had no per-key limit: a leaked `alerts:write` key could send batches as fast
 * as the server took them (every batch a transaction and an audit entry in the append-only
 * log). Each API key (or user) now has a budget of ingest requests a minute over
 * `POST /alerts` and the Alertmanager receiver together; beyond, 429 with Retry-After, the
 * body unread and nothing stored.
 */
describe('alert ingest rate limit per API key', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');
  let leaked = '';
  let other = '';
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0, ingestRequestsPerMinute: PER_MINUTE } });
    const key = async (name: string) => (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name, role: 'operator', scopes: ['alerts:write'] } })).json().secret as string;
    leaked = await key('leaked');
    other = await key('alertmanager');
  });
  afterAll(async () => server.close());

  let sequence = 0;
  const push = (secret: string) =>
    server.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: { authorization: `Bearer ${secret}` }, payload: { alerts: [{ status: 'firing', labels: { alertname: 'Flood', n: String(++sequence) } }] } });
  const receive = (secret: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${secret}` },
      payload: { version: '4', status: 'firing', receiver: 'test', alerts: [{ status: 'firing', labels: { alertname: 'Flood', n: String(++sequence) }, startsAt: '2026-03-10T11:59:00Z' }] },
    });
  const stored = async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?label=alertname=Flood&limit=500' })).json() as { total: number }).total;
  const audited = async (actor: string) =>
    ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=alert.ingest&limit=1000' })).json() as { entries: Array<{ actor: string }> }).entries.filter((e) => e.actor === actor).length;

  it('refuses a key beyond its budget on both routes together with 429 and Retry-After, storing nothing, and admits it again the next minute', async () => {
    expect((await push(leaked)).statusCode).toBe(200);
    expect((await receive(leaked)).statusCode).toBe(200);
    expect((await push(leaked)).statusCode).toBe(200);
    expect((await receive(leaked)).statusCode).toBe(200);
    clock += 15_000;
    for (const send of [push, receive, push]) {
      const refused = await send(leaked);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('45');
      // Refused before the body is read: the connection is not kept to read and discard it.
      expect(refused.headers.connection).toBe('close');
      expect(refused.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED', details: { retryAfterSeconds: 45 } } });
    }
    expect(await stored()).toBe(PER_MINUTE);
    expect(await audited('leaked')).toBe(PER_MINUTE);

    // Another key (the real Alertmanager's) has a budget of its own.
    expect((await receive(other)).statusCode).toBe(200);

    clock += 45_000;
    expect((await push(leaked)).statusCode).toBe(200);
    expect(await stored()).toBe(PER_MINUTE + 2);
  });

  it('counts a signed-in user across sessions, apart from keys', async () => {
    clock += 60_000;
    const send = () => server.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'Flood', n: String(++sequence) } }] } });
    for (let n = 0; n < PER_MINUTE; n++) expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(429);
    expect((await push(leaked)).statusCode).toBe(200);
  });

  it('an anonymous request is still 401, not counted', async () => {
    const anonymous = await server.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { alerts: [] } });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT', () => {
  it('is read from the environment, bounded, and by default leaves a bench run (600 batches a server) far below it', () => {
    expect(alertsSettingsFromEnv({ SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT: '120' })).toEqual({ ingestRequestsPerMinute: 120 });
    expect(alertsSettingsFromEnv({})).toEqual({});
    for (const bad of ['0', '-1', '1e3', 'many', '1000001']) expect(() => alertsSettingsFromEnv({ SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT: bad })).toThrow(/SMARTCLOUDOPS_ALERT_INGEST_RATE_LIMIT/);
    // bench:peer-alerts: 3 rounds of 100 batches, twice that with BENCH_REPEAT=1, one key.
    expect(DEFAULT_ALERTS_SETTINGS.ingestRequestsPerMinute).toBeGreaterThanOrEqual(3_000);
  });
});

