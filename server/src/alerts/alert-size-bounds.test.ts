import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { MAX_ALERT_ANNOTATIONS, MAX_ALERT_BYTES, MAX_ALERT_LABELS } from './alert-bounds.ts';

/** `count` entries `prefix0..`, each with a short value. */
function manyOf(prefix: string, count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, `v${i}`]));
}

/**
 * An alert's number of labels and annotations and its size are bounded on both ingest routes
 * (fourth attack round: 40,000 labels on one alert were taken). `POST /alerts` refuses the
 * request naming the alert, the receiver refuses that alert only (207), as Alertmanager
 * senders expect.
 */
describe('alert size bounds on ingest', { timeout: 120_000 }, () => {
  let server: TestServer;
  let key = '';
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'am', role: 'operator', scopes: ['alerts:write'] } });
    key = created.json().secret as string;
  });
  afterAll(async () => server.close());

  const push = (alerts: object[]) =>
    server.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: { authorization: `Bearer ${key}` }, payload: { alerts } });
  const receive = (alerts: object[]) =>
    server.app.inject({ method: 'POST', url: '/api/v1/integrations/alertmanager', headers: { authorization: `Bearer ${key}` }, payload: { version: '4', status: 'firing', receiver: 'test', alerts } });
  const stored = async (alertname: string) =>
    ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts?label=alertname=${alertname}` })).json() as { items: Alert[] }).items;

  it('POST /alerts refuses an alert with too many labels or annotations, naming it, and stores nothing of the batch', async () => {
    const ok = { status: 'firing', labels: { alertname: 'PushOk' } };
    const manyLabels = { status: 'firing', labels: { alertname: 'PushWide', ...manyOf('l', MAX_ALERT_LABELS) } };
    const manyAnnotations = { status: 'firing', labels: { alertname: 'PushNoisy' }, annotations: manyOf('a', MAX_ALERT_ANNOTATIONS + 1) };
    const refused = await push([ok, manyLabels, manyAnnotations]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('E_VALIDATION');
    expect(refused.json().error.details).toEqual([
      { path: '/alerts/1/labels', message: `has ${MAX_ALERT_LABELS + 1} labels; at most ${MAX_ALERT_LABELS} are taken` },
      { path: '/alerts/2/annotations', message: `has ${MAX_ALERT_ANNOTATIONS + 1} annotations; at most ${MAX_ALERT_ANNOTATIONS} are taken` },
    ]);
    expect(await stored('PushOk')).toEqual([]);

    // At the bound it is taken.
    const atBound = await push([{ status: 'firing', labels: { alertname: 'PushFull', ...manyOf('l', MAX_ALERT_LABELS - 1) }, annotations: manyOf('a', MAX_ALERT_ANNOTATIONS) }]);
    expect(atBound.statusCode).toBe(200);
    const [full] = await stored('PushFull');
    expect(Object.keys(full?.labels ?? {})).toHaveLength(MAX_ALERT_LABELS);
  });

  it('the receiver refuses each oversized alert with its reason and takes the rest (207)', async () => {
    const startsAt = '2026-12-02T10:00:00Z';
    const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({ status: 'firing', labels, annotations, startsAt });
    const response = await receive([
      alert({ alertname: 'AmOk' }),
      alert({ alertname: 'AmWide', ...manyOf('l', 10_000) }),
      alert({ alertname: 'AmNoisy' }, manyOf('a', MAX_ALERT_ANNOTATIONS + 1)),
      alert({ alertname: 'AmHuge' }, { description: 'x'.repeat(MAX_ALERT_BYTES) }),
      alert({ alertname: 'AmLarge', ...manyOf('l', MAX_ALERT_LABELS - 1) }, { description: 'x'.repeat(100_000) }),
    ]);
    expect(response.statusCode).toBe(207);
    const body = response.json() as { accepted: number; rejected: Array<{ index: number; errors: string[] }> };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, errors: [`/labels has 10001 labels; at most ${MAX_ALERT_LABELS} are taken`] },
      { index: 2, errors: [`/annotations has ${MAX_ALERT_ANNOTATIONS + 1} annotations; at most ${MAX_ALERT_ANNOTATIONS} are taken`] },
      { index: 3, errors: [`/ is ${MAX_ALERT_BYTES + 'AmHuge'.length + 'alertname'.length + 'description'.length} bytes of labels, annotations and generator URL; at most ${MAX_ALERT_BYTES} are taken`] },
    ]);
    expect(await stored('AmWide')).toEqual([]);
    expect(await stored('AmOk')).toHaveLength(1);
    expect(await stored('AmLarge')).toHaveLength(1);
  });
});
