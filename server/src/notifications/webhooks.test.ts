import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import type { AlertEvent, WebhookDelivery } from '../../../shared/api/alerts.ts';

interface Receiver {
  url: string;
  bodies: unknown[];
  hits: number;
  /** Answers 503 while this is above zero, counting down. */
  failNext: number;
  close(): Promise<void>;
}

/** A real HTTP receiver on loopback that fails the first N requests. */
async function startReceiver(failFirst: number): Promise<Receiver> {
  const receiver: Receiver = { url: '', bodies: [], hits: 0, failNext: failFirst, close: async () => {} };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      receiver.hits += 1;
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        response.writeHead(503).end('not now');
        return;
      }
      receiver.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

const FAST_RETRIES = { backoff: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 5 }, sweepIntervalMs: 0 };
const firing = (labels: Record<string, string>, severity: AlertEvent['severity'] = 'critical'): AlertEvent => ({ source: 'api', status: 'firing', labels, severity });

describe.each(testDatabases())('outbound webhooks ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  let receiver: Receiver;
  afterEach(async () => {
    if (database.skip) return;
    await server.close();
    await receiver.close();
  });
  /** The database of the test (a fresh one on PostgreSQL), kept for a restart on it. */
  let env: Record<string, string> = {};
  const start = async (options: Parameters<typeof startTestServer>[0] & { restart?: boolean }) => {
    if (!options.restart) env = await databases.fresh();
    server = await startTestServer({ ...options, env });
    return server;
  };

  const addHook = async (body: object) => {
    const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: body });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: number };
  };
  const deliveries = async (hookId: number): Promise<WebhookDelivery[]> =>
    (await server.injectAs('admin', { method: 'GET', url: `/api/v1/webhooks/${hookId}/deliveries` })).json().items;

  it('retries with backoff until the receiver answers, and logs each delivery', async () => {
    receiver = await startReceiver(3);
    server = await start({ alerts: FAST_RETRIES });
    const hook = await addHook({ name: 'ops', url: receiver.url, format: 'json' });
    const [outcome] = await server.app.alerts.service.ingest([firing({ alertname: 'HighCpu', target: 'web-1' })]);
    // The alert exists at once, whatever the receiver does.
    expect(outcome!.alert.state).toBe('firing');

    const [delivery] = await eventually(() => deliveries(hook.id), (list) => list[0]?.status === 'delivered');
    expect(delivery).toMatchObject({ alertId: outcome!.alert.id, event: 'firing', attempts: 4, lastStatusCode: 200 });
    expect(receiver.hits).toBe(4);
    expect(receiver.bodies[0]).toMatchObject({ version: 1, event: 'firing', alert: { id: outcome!.alert.id, labels: { alertname: 'HighCpu' } } });

    await server.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: { alertname: 'HighCpu', target: 'web-1' } }]);
    await eventually(() => receiver.bodies.length, (n) => n === 2);
    expect(receiver.bodies[1]).toMatchObject({ event: 'resolved', alert: { state: 'resolved' } });
    // A repeated firing is the same alert: no new notification.
    expect((await deliveries(hook.id)).map((d) => d.event)).toEqual(['resolved', 'firing']);
  });

  it('gives up after the maximum attempts and marks the delivery failed', async () => {
    receiver = await startReceiver(100);
    server = await start({ alerts: { ...FAST_RETRIES, backoff: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } } });
    const hook = await addHook({ name: 'down', url: receiver.url });
    await server.app.alerts.service.ingest([firing({ alertname: 'X', target: 'y' })]);
    const [delivery] = await eventually(() => deliveries(hook.id), (list) => list[0]?.status === 'failed');
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null });
  });

  it('records why an unreachable receiver failed, and keeps the alert', async () => {
    receiver = await startReceiver(0);
    const deadUrl = receiver.url;
    await receiver.close();
    server = await start({ alerts: { ...FAST_RETRIES, backoff: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 } } });
    const hook = await addHook({ name: 'gone', url: deadUrl });
    const [outcome] = await server.app.alerts.service.ingest([firing({ alertname: 'Y', target: 'z' })]);
    expect(outcome!.alert.state).toBe('firing');
    const [delivery] = await eventually(() => deliveries(hook.id), (list) => list[0]?.status === 'failed');
    expect(delivery).toMatchObject({ attempts: 2, lastStatusCode: null, lastError: expect.stringMatching(/fetch failed: .*ECONNREFUSED/) });
    receiver = await startReceiver(0);
  });

  it('sends Slack-compatible messages, honours the minimum severity, and never notifies silenced alerts', async () => {
    receiver = await startReceiver(0);
    server = await start({ alerts: FAST_RETRIES });
    const hook = await addHook({ name: 'slack', url: receiver.url, format: 'slack', minSeverity: 'warning' });
    await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'target', op: '=', value: 'muted' }], durationSeconds: 600, comment: 'quiet' } });
    await server.app.alerts.service.ingest([
      firing({ alertname: 'Muted', target: 'muted' }),
      firing({ alertname: 'Minor', target: 'web-1' }, 'info'),
      firing({ alertname: 'Loud', target: 'web-2' }, 'critical'),
    ]);
    await eventually(() => deliveries(hook.id), (list) => list.length === 1 && list[0]!.status === 'delivered');
    expect(receiver.bodies).toHaveLength(1);
    const message = receiver.bodies[0] as { text: string; attachments: Array<{ color: string; fields: Array<{ title: string; value: string }> }> };
    expect(message.text).toContain('[CRITICAL] Loud');
    expect(message.attachments[0]!.fields).toContainEqual({ title: 'target', value: 'web-2', short: true });
    const muted = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?label=target=muted' })).json().items[0];
    expect(muted).toMatchObject({ silenced: true, state: 'firing' });
  });

  it('keeps queued deliveries across a restart and sends them afterwards', async () => {
    receiver = await startReceiver(1000);
    // Slow retries: the delivery is still pending when the server goes down.
    server = await start({ alerts: { ...FAST_RETRIES, backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 } } });
    const dataDir = server.dataDir;
    const hook = await addHook({ name: 'later', url: receiver.url });
    await server.app.alerts.service.ingest([firing({ alertname: 'Survivor', target: 'web-3' })]);
    await eventually(() => deliveries(hook.id), (list) => list[0]?.attempts === 1);
    await server.app.close();

    receiver.failNext = 0;
    const pending = await (async () => {
      server = await start({ dataDir, alerts: FAST_RETRIES, restart: true });
      return deliveries(hook.id);
    })();
    expect(pending[0]).toMatchObject({ status: 'pending', attempts: 1 });
    // Due in a minute, as promised before the restart; make it due now to see it resume.
    await server.app.ctx.sql.db.updateTable('webhook_deliveries').set({ next_attempt_at: Date.now() }).execute();
    server.app.notifications.dispatcher.kick();
    await eventually(() => deliveries(hook.id), (list) => list[0]?.status === 'delivered');
    expect(receiver.bodies).toMatchObject([{ event: 'firing', alert: { labels: { alertname: 'Survivor' } } }]);
  });

  it('lets only admins manage webhooks and audits the changes', async () => {
    receiver = await startReceiver(0);
    server = await start({ alerts: FAST_RETRIES });
    const denied = await server.injectAs('operator', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'x', url: receiver.url } });
    expect(denied.statusCode).toBe(403);
    const hook = await addHook({ name: 'x', url: receiver.url });
    const updated = await server.injectAs('admin', { method: 'PUT', url: `/api/v1/webhooks/${hook.id}`, payload: { name: 'x', url: receiver.url, enabled: false } });
    expect(updated.json()).toMatchObject({ enabled: false });
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` })).statusCode).toBe(204);
    expect((await server.app.ctx.audit.query({ action: 'webhook.*' })).map((e) => e.action)).toEqual(['webhook.delete', 'webhook.update', 'webhook.create']);
    const bad = await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'y', url: 'ftp://nope' } });
    expect(bad.statusCode).toBe(400);
  });
});
