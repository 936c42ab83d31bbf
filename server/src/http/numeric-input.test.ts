import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Every numeric input is a finite integer in its declared range, or 400 in our error shape:
 * neither `Infinity`, `1e308`, 23-digit numbers nor ` 1`, `+1`, `1.0`, `0x1F` get through to
 * SQLite (where they used to end as 500).
 */
describe('numeric inputs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function expect400(method: 'GET' | 'POST', url: string, payload?: unknown) {
    const response = await server.injectAs('admin', { method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
    expect(response.statusCode, `${method} ${url} -> ${response.body.slice(0, 200)}`).toBe(400);
    expect(response.json().error.code, url).toBe('E_VALIDATION');
  }

  const HOSTILE_NUMBERS = ['Infinity', '-Infinity', 'NaN', '1e308', '99999999999999999999999', ' 1', '+1', '1.0', '0x1F', '1e3', '', '١'];

  it('list routes refuse non-finite, huge and non-decimal limit and offset', async () => {
    for (const route of ['/api/v1/alerts', '/api/v1/silences', '/api/v1/audit']) {
      for (const value of HOSTILE_NUMBERS) {
        await expect400('GET', `${route}?limit=${encodeURIComponent(value)}`);
      }
    }
    for (const value of HOSTILE_NUMBERS) await expect400('GET', `/api/v1/alerts?offset=${encodeURIComponent(value)}`);
    await expect400('GET', '/api/v1/incidents?offset=1000000001');
  });

  it('range routes refuse non-finite and huge step, from and to', async () => {
    const base = '/api/v1/metrics/query_range?match=up';
    for (const value of HOSTILE_NUMBERS) {
      await expect400('GET', `${base}&from=0&to=1000&step=${encodeURIComponent(value)}`);
      await expect400('GET', `${base}&from=${encodeURIComponent(value)}&to=1000`);
    }
    await expect400('GET', `${base}&from=0&to=1000&step=${366 * 86_400_000 + 1}`);
  });

  it('path ids are plain decimal integers', async () => {
    for (const value of [' 1', '+1', '1.0', '0x1F', 'Infinity', '1e3', '99999999999999999999999', '-1', '0']) {
      await expect400('GET', `/api/v1/users/${encodeURIComponent(value)}`);
      await expect400('GET', `/api/v1/alerts/${encodeURIComponent(value)}`);
    }
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/users/1' })).statusCode).toBe(200);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/users/424242' })).statusCode).toBe(404);
  });

  it('body integers are finite and in range', async () => {
    const silence = (startsAt: unknown) =>
      `{"matchers":[{"name":"a","op":"=","value":"b"}],"durationSeconds":60,"comment":"c","startsAt":${String(startsAt)}}`;
    for (const value of ['1e999', '-1e999', '1e308', '99999999999999999999999']) {
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/silences', payload: silence(value), headers: { 'content-type': 'application/json' } });
      expect(response.statusCode, value).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
    }
  });

  it('stored times are dates: an alert, silence or key expiry beyond a Date or before 1970 is refused (they made chat lists and the postmortem 500 for everyone)', async () => {
    const post = (url: string, payload: object) => server.injectAs('admin', { method: 'POST', url, payload });
    const matchers = [{ name: 'alertname', op: '=', value: 'TimeProbe' }];
    for (const value of [Number.MAX_SAFE_INTEGER, 8_640_000_000_000_001, -1, -Number.MAX_SAFE_INTEGER]) {
      for (const [url, payload] of [
        ['/api/v1/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'TimeProbe' }, startsAt: value }] }],
        ['/api/v1/alerts', { alerts: [{ status: 'resolved', labels: { alertname: 'TimeProbe' }, endsAt: value }] }],
        ['/api/v1/silences', { matchers, endsAt: value, comment: 'c' }],
        ['/api/v1/silences', { matchers, startsAt: value, durationSeconds: 60, comment: 'c' }],
        ['/api/v1/silences/1/restore', { endsAt: value }],
        ['/api/v1/api-keys', { name: 'k', expiresAt: value }],
      ] as const) {
        const response = await post(url, payload);
        expect(response.statusCode, `${url} ${JSON.stringify(payload)} -> ${response.body.slice(0, 200)}`).toBe(400);
        expect(response.json().error.code).toBe('E_VALIDATION');
      }
    }
    // The last millisecond a date holds, plus a duration: refused too, not stored past it.
    const late = await post('/api/v1/silences', { matchers, startsAt: 8_640_000_000_000_000 - 1000, durationSeconds: 60, comment: 'c' });
    expect(late.statusCode, late.body).toBe(400);
    expect(late.json().error.code).toBe('E_VALIDATION');
    // What is taken still lists: chat's alert and silence lists answer.
    expect((await post('/api/v1/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'TimeProbe' }, startsAt: 8_640_000_000_000_000 }] })).statusCode).toBe(200);
    expect((await post('/api/v1/silences', { matchers, endsAt: 8_640_000_000_000_000, comment: 'c' })).statusCode).toBe(201);
    for (const text of ['list alerts', 'list silences']) {
      const chat = await post('/api/v1/chat', { text });
      expect(chat.statusCode, `${text} -> ${chat.body.slice(0, 200)}`).toBe(200);
    }
  });

  it('valid numbers still pass', async () => {
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/alerts?limit=10&offset=0' })).statusCode).toBe(200);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/metrics/query_range?match=up&from=0&to=60000&step=1000' })).statusCode).toBe(200);
  });
});
