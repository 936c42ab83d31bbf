import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** A real loopback receiver answering a fixed status and keeping the bodies it got. */
async function receiver(status: number) {
  const bodies: unknown[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('POST /webhooks/:id/test', () => {
  let server: TestServer;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await server?.close();
    for (const close of closers.splice(0)) await close();
  });

  it('sends one sample in the hook format, says what the receiver answered, and audits it', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const good = await receiver(200);
    const bad = await receiver(500);
    closers.push(good.close, bad.close);
    const create = async (name: string, url: string, format: 'json' | 'slack') =>
      (await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name, url, format } })).json() as { id: number };
    const slack = await create('slack', good.url, 'slack');
    const failing = await create('broken', bad.url, 'json');

    const sent = await server.injectAs('admin', { method: 'POST', url: `/api/v1/webhooks/${slack.id}/test` });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(good.bodies).toHaveLength(1);
    expect(good.bodies[0]).toMatchObject({ text: expect.stringContaining('SmartCloudOpsTest') });

    const refused = (await server.injectAs('admin', { method: 'POST', url: `/api/v1/webhooks/${failing.id}/test` })).json();
    expect(refused).toMatchObject({ ok: false, statusCode: 500, error: expect.stringContaining('500') });

    // A test is not an alert: nothing enters the delivery log.
    expect((await server.injectAs('admin', { method: 'GET', url: `/api/v1/webhooks/${slack.id}/deliveries` })).json().total).toBe(0);
    expect((await server.injectAs('operator', { method: 'POST', url: `/api/v1/webhooks/${slack.id}/test` })).statusCode).toBe(403);
    expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks/9999/test' })).statusCode).toBe(404);

    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=webhook.test' })).json().entries as Array<{ outcome: string }>;
    expect(audit.map((entry) => entry.outcome).sort()).toEqual(['failure', 'success']);
  });

  it('reports a receiver that cannot be reached instead of failing the request', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const gone = await receiver(200);
    await gone.close();
    const hook = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'gone', url: gone.url } })).json() as { id: number };
    const result = (await server.injectAs('admin', { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` })).json();
    expect(result).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/ECONNREFUSED|fetch failed/) });
  });
});
