import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Alert streams on which we ended in another state than Alertmanager 0.25 given the same
 * alerts on its `/api/v2/alerts` (probed side by side; docs/alerts.md, "Same end states as
 * Alertmanager").
 */
describe('end states as Alertmanager reaches them', { timeout: 60_000 }, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function api() {
    const server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    servers.push(server);
    const push = (...alerts: object[]) => server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts } });
    const list = async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?limit=100&sort=startsAt&order=asc' })).json() as { items: Alert[] }).items;
    return { server, push, list };
  }

  it('reads a label with an empty value as no label: one alert, as Prometheus and Alertmanager drop it', async () => {
    const { push, list } = await api();
    expect((await push({ status: 'firing', labels: { alertname: 'E', instance: 'a', team: '' } })).statusCode).toBe(200);
    expect((await push({ status: 'firing', labels: { instance: 'a', alertname: 'E' } })).statusCode).toBe(200);
    const alerts = await list();
    expect(alerts.map((a) => ({ labels: a.labels, occurrences: a.occurrences }))).toEqual([{ labels: { alertname: 'E', instance: 'a' }, occurrences: 2 }]);
    // Its resolution with the empty label resolves it too.
    await push({ status: 'resolved', labels: { alertname: 'E', instance: 'a', team: '' } });
    expect((await list()).map((a) => a.state)).toEqual(['resolved']);
    // Nothing but empty labels is no alert at all.
    const empty = await push({ status: 'firing', labels: { alertname: '' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('E_VALIDATION');
  });

  it('resolves a firing alert whose endsAt has already passed, instead of keeping it firing for ever', async () => {
    const { push, list } = await api();
    const endsAt = Date.now() - 60_000;
    await push({ status: 'firing', labels: { alertname: 'Known' }, startsAt: endsAt - 60_000 });
    await push({ status: 'firing', labels: { alertname: 'Known' }, endsAt }, { status: 'firing', labels: { alertname: 'Unknown' }, endsAt });
    const alerts = await list();
    expect(alerts.map((a) => ({ name: a.labels.alertname, state: a.state, endsAt: a.endsAt }))).toEqual([{ name: 'Known', state: 'resolved', endsAt }]);
  });

  it('takes the annotations of a repeat as they are now, not merged with those it no longer sends', async () => {
    const { push, list } = await api();
    await push({ status: 'firing', labels: { alertname: 'N' }, annotations: { summary: 's', stale: 'x' } });
    await push({ status: 'firing', labels: { alertname: 'N' }, annotations: { summary: 's2' } });
    expect((await list())[0]!.annotations).toEqual({ summary: 's2' });
    // An event that carries no annotations at all keeps them (a bare resolution from a script).
    await push({ status: 'resolved', labels: { alertname: 'N' } });
    expect((await list())[0]!).toMatchObject({ state: 'resolved', annotations: { summary: 's2' } });
  });

  it('resolves a re-fired alert on a late resolution of its earlier episode, never ending before it started', async () => {
    const { push, list } = await api();
    const t = Date.now();
    const labels = { alertname: 'Stale' };
    await push({ status: 'firing', labels, startsAt: t - 600_000 });
    await push({ status: 'resolved', labels, startsAt: t - 600_000, endsAt: t - 300_000 });
    await push({ status: 'firing', labels, startsAt: t - 60_000 });
    // The first episode's resolution again (a retry delivered late): Alertmanager too ends
    // up with the alert resolved, but at a time inside the episode it resolves.
    await push({ status: 'resolved', labels, startsAt: t - 600_000, endsAt: t - 300_000 });
    const [alert] = await list();
    expect(alert!.state).toBe('resolved');
    expect(alert!.startsAt).toBe(t - 60_000);
    expect(alert!.endsAt).toBeGreaterThanOrEqual(alert!.startsAt);
  });

  it('refuses a label with an empty name or a name over 128 characters, as the request schema says', async () => {
    const { push, list } = await api();
    // Alertmanager refuses an empty name too ("invalid label set: invalid name").
    for (const name of ['', 'n'.repeat(129)]) {
      const refused = await push({ status: 'firing', labels: { alertname: 'Named', [name]: 'v' } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('E_VALIDATION');
    }
    expect((await push({ status: 'firing', labels: { alertname: 'Named', ['n'.repeat(128)]: 'v', 'ключ': 'значение' } })).statusCode).toBe(200);
    expect((await list()).map((a) => Object.keys(a.labels).map((name) => name.length))).toEqual([[9, 128, 4]]);
  });
});
