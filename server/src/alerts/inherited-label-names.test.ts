import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Label names are any `[A-Za-z_][A-Za-z0-9_]*`, `constructor` and `toString` included. A
 * label an alert or series does not have reads as the empty string (Prometheus,
 * Alertmanager), never as a property every JavaScript object inherits: a silence on
 * `constructor=~".+"` answered 500, was stored anyway, and from then on every alert ingest
 * answered 500 until it expired; a viewer's preview or series query with such a matcher
 * answered 500.
 */
describe('label names of Object.prototype properties', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('match as absent labels in silences, previews and series selectors, and break nothing', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const post = (role: 'viewer' | 'operator' | 'admin', url: string, payload: object) => server.injectAs(role, { method: 'POST', url: `/api/v1${url}`, payload });
    const pushed = await post('admin', '/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'HighCpu', target: 'web-1' } }] });
    expect(pushed.statusCode).toBe(200);

    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const everything = await post('viewer', '/silences/preview', { matchers: [{ name, op: '=~', value: '.+' }] });
      expect({ name, status: everything.statusCode, body: everything.json() }).toMatchObject({ name, status: 200, body: { total: 0 } });
      const absent = await post('viewer', '/silences/preview', { matchers: [{ name, op: '=', value: '' }] });
      expect({ name, status: absent.statusCode, body: absent.json() }).toMatchObject({ name, status: 200, body: { total: 1 } });
    }

    const silence = await post('operator', '/silences', { matchers: [{ name: 'constructor', op: '=~', value: '.+' }], durationSeconds: 600, comment: 'matches nothing' });
    expect(silence.statusCode).toBe(201);
    const next = await post('admin', '/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', target: 'db-1' } }] });
    expect(next.statusCode).toBe(200);
    const alerts = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?silenced=true' })).json() as { total: number };
    expect(alerts.total).toBe(0);

    const ingest = await post('admin', '/metrics/ingest', { series: [{ name: 'node_load1', labels: { host: 'web-1' }, samples: [[Date.now(), 1]] }] });
    expect(ingest.statusCode).toBe(200);
    const series = async (match: string) => {
      const response = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/metrics/series?match=${encodeURIComponent(match)}` });
      expect({ match, status: response.statusCode }).toEqual({ match, status: 200 });
      return (response.json() as { series: Array<{ name: string }> }).series.map((s) => s.name);
    };
    expect(await series('node_load1{constructor=~".+"}')).toEqual([]);
    expect(await series('node_load1{toString=""}')).toEqual(['node_load1']);
  });
});
