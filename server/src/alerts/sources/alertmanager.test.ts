import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { eventually } from '../../testing/eventually.ts';
import type { Alert } from '../../../../shared/api/alerts.ts';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe.skipIf(!fs.existsSync(ALERTMANAGER))('Alertmanager webhook receiver', () => {
  let server: TestServer;
  let alertmanager: ChildProcess;
  let amUrl: string;
  let apiKey: string;
  let workDir: string;
  const amLog: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ listen: true, alerts: { sweepIntervalMs: 0 } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'alertmanager', role: 'operator', scopes: ['alerts:write'] } });
    expect(created.statusCode).toBe(201);
    apiKey = created.json().secret;

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-am-'));
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    fs.writeFileSync(
      path.join(workDir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: smartcloudops',
        "  group_by: ['alertname', 'target']",
        '  group_wait: 100ms',
        '  group_interval: 300ms',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: smartcloudops',
        '    webhook_configs:',
        `      - url: ${server.url}/api/v1/integrations/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        `            credentials: ${apiKey}`,
        '',
      ].join('\n'),
    );
    alertmanager = spawn(ALERTMANAGER, [
      `--config.file=${path.join(workDir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    alertmanager.stdout!.on('data', (chunk: Buffer) => amLog.push(chunk.toString()));
    alertmanager.stderr!.on('data', (chunk: Buffer) => amLog.push(chunk.toString()));
    await eventually(async () => (await fetch(`${amUrl}/-/ready`)).status, (status) => status === 200);
  });

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const pushToAlertmanager = async (alerts: object[]) => {
    const response = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(response.status, amLog.join('')).toBe(200);
  };
  const ours = async (): Promise<Alert[]> => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=alertmanager&sort=startsAt&order=asc' })).json().items;

  it('creates alerts from a real Alertmanager and resolves them when it says so', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alerts = [
      { labels: { alertname: 'NodeDown', target: 'web-1', severity: 'critical' }, annotations: { summary: 'web-1 is unreachable', runbook_url: 'https://runbooks/node-down' }, startsAt, generatorURL: 'http://prometheus.local/graph?g0.expr=up' },
      { labels: { alertname: 'DiskFilling', target: 'db-1', severity: 'warning' }, annotations: { summary: 'disk 91% full' }, startsAt },
    ];
    await pushToAlertmanager(alerts);
    const firing = await eventually(ours, (list) => list.length === 2);
    expect(firing.map((a) => [a.labels.alertname, a.severity, a.state]).sort()).toEqual([
      ['DiskFilling', 'warning', 'firing'],
      ['NodeDown', 'critical', 'firing'],
    ]);
    const nodeDown = firing.find((a) => a.labels.alertname === 'NodeDown')!;
    expect(nodeDown).toMatchObject({ source: 'alertmanager', annotations: { runbook_url: 'https://runbooks/node-down' }, startsAt: Date.parse(startsAt) });
    expect(nodeDown.generatorUrl).toBe('http://prometheus.local/graph?g0.expr=up');

    // Pushing the same alerts again is the same alerts (Alertmanager and we both de-duplicate).
    await pushToAlertmanager(alerts);

    const endsAt = new Date(Date.now() - 1000).toISOString();
    await pushToAlertmanager(alerts.map((alert) => ({ ...alert, endsAt })));
    const resolved = await eventually(ours, (list) => list.length === 2 && list.every((a) => a.state === 'resolved'));
    expect(resolved.map((a) => a.id).sort()).toEqual(firing.map((a) => a.id).sort());
    const history = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${nodeDown.id}/history` })).json();
    expect(history.map((h: { toState: string; actor: string }) => `${h.toState}:${h.actor}`)).toEqual(['firing:alertmanager', 'resolved:alertmanager']);
  });

  it('accepts the valid alerts of a batch and reports the malformed ones (207), 400 when none is valid', async () => {
    const post = (payload: unknown, token = apiKey) =>
      server.app.inject({ method: 'POST', url: '/api/v1/integrations/alertmanager', headers: { authorization: `Bearer ${token}` }, payload: payload as object });
    const now = new Date().toISOString();
    const mixed = await post({
      version: '4',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'Good', target: 'web-5' }, annotations: {}, startsAt: now },
        { status: 'exploded', labels: { alertname: 'Bad' }, startsAt: now },
        { status: 'firing', labels: { alertname: 'NoStart' } },
        { status: 'firing', labels: {}, startsAt: now },
      ],
    });
    expect(mixed.statusCode).toBe(207);
    expect(mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }, { index: 2 }, { index: 3 }] });
    expect((await ours()).some((a) => a.labels.alertname === 'Good')).toBe(true);

    const none = await post({ alerts: [{ status: 'firing' }] });
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({ code: 'E_VALIDATION', details: { accepted: 0 } });
    expect((await post({ nope: true })).statusCode).toBe(400);
    expect((await post({ alerts: [] }, 'sco_not-a-real-key')).statusCode).toBe(401);
    const session = await server.injectAs('operator', { method: 'POST', url: '/api/v1/integrations/alertmanager', payload: { alerts: [] } });
    expect(session.statusCode).toBe(403);
  });
});
