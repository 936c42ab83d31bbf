import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import type { TimelineEntry } from '../../../shared/api/incidents.ts';
import type { Alert } from '../../../shared/api/alerts.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import { alive } from './testing/processes.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing');
const binariesPresent = fs.existsSync(PROMETHEUS) && fs.existsSync(ALERTMANAGER);
if (!binariesPresent) console.warn(`remediation end-to-end test skipped: ${PROMETHEUS} and ${ALERTMANAGER} are needed (apt-get install prometheus prometheus-alertmanager)`);

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The whole loop on loopback with the real parts: a victim service, Prometheus scraping it
 * with an `up == 0` rule, Alertmanager posting to our receiver, the runbook proposed on the
 * incident, approved by a person, restarting the victim and verifying it on our metrics.
 */
describe.skipIf(!binariesPresent)('remediation end to end (Prometheus, Alertmanager, runbook)', () => {
  let server: TestServer;
  let work: string;
  let instance: string;
  let pidFile: string;
  const processes: ChildProcess[] = [];
  const logs: string[] = [];

  const spawnLogged = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    processes.push(child);
    return child;
  };
  const victimPid = () => Number(fs.readFileSync(pidFile, 'utf8'));

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-remediation-'));
    const [victimPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
    instance = `127.0.0.1:${victimPort}`;
    pidFile = path.join(work, 'victim.pid');
    execFileSync(process.execPath, [path.join(FIXTURES, 'start-victim.fixture.js'), instance, pidFile]);

    const runbooksDir = path.join(work, 'runbooks');
    fs.mkdirSync(runbooksDir);
    fs.writeFileSync(path.join(runbooksDir, 'restart-victim.yaml'), `id: restart-victim
title: Restart the victim service
description: Starts the victim again and checks that it answers and is scraped as up.
params:
  instance: { type: string, pattern: '^127\\.0\\.0\\.1:[0-9]+$' }
target: "{{params.instance}}"
triggers:
  - match: { alertname: VictimDown }
    params: { instance: "{{labels.instance}}" }
steps:
  - name: restart
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(FIXTURES, 'start-victim.fixture.js'))}, "{{params.instance}}", ${JSON.stringify(pidFile)}]
    timeout: 30s
  - name: health
    http: { method: GET, url: "http://${instance}/health", expect: 200 }
verify:
  query: 'up{instance="{{params.instance}}"}'
  condition: "== 1"
  within: 60s
safety:
  mode: approve
  approvers: 1
  cooldown: 10m
  maxRunsPerHour: 3
`);
    server = await startTestServer({
      listen: true,
      config: { scrapeTargets: [`http://${instance}/metrics`], collectIntervalSeconds: 1 },
      runbooks: { dir: runbooksDir, httpAllow: [`http://${instance}/`], verifyIntervalMs: 250 },
      alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 },
    });
    const key = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'alertmanager', role: 'operator', scopes: ['alerts:write'] } });
    const apiKey = key.json().secret as string;

    fs.writeFileSync(path.join(work, 'alertmanager.yml'), [
      'route:',
      '  receiver: smartcloudops',
      "  group_by: ['alertname', 'instance']",
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
    ].join('\n'));
    spawnLogged(ALERTMANAGER, [`--config.file=${path.join(work, 'alertmanager.yml')}`, `--storage.path=${path.join(work, 'am-data')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn']);

    fs.writeFileSync(path.join(work, 'rules.yml'), [
      'groups:',
      '  - name: victim',
      '    interval: 1s',
      '    rules:',
      '      - alert: VictimDown',
      '        expr: up{job="victim"} == 0',
      '        labels: { severity: critical }',
      '        annotations: { summary: "the victim does not answer its scrapes" }',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(work, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, scrape_timeout: 500ms, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(path.join(work, 'rules.yml'))}]`,
      'alerting:',
      '  alertmanagers:',
      `    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]`,
      'scrape_configs:',
      '  - job_name: victim',
      `    static_configs: [{ targets: ['${instance}'] }]`,
      '',
    ].join('\n'));
    spawnLogged(PROMETHEUS, [`--config.file=${path.join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(work, 'prom-data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn']);

    await eventually(async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`)).status, (status) => status === 200, 60_000);
    // Prometheus sees the victim up before we break it.
    await eventually(
      async () => ((await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=up{job="victim"}`)).json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result,
      (result) => result[0]?.value[1] === '1',
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    for (const child of processes) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (pidFile && fs.existsSync(pidFile) && alive(victimPid())) process.kill(victimPid(), 'SIGKILL');
    await server?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('victim killed → alert → proposed run → approved by a second user → restarted → verify holds → on the timeline; a second run is blocked by the cooldown', async () => {
    const firstPid = victimPid();
    process.kill(firstPid, 'SIGKILL');
    await eventually(() => alive(firstPid), (running) => !running);

    const alert = await eventually(
      async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=alertmanager' })).json().items as Alert[]).find((a) => a.labels.alertname === 'VictimDown' && a.state === 'firing'),
      (found) => found !== undefined,
      120_000,
    ).catch((error: Error) => { throw new Error(`${error.message}\n${logs.join('')}`); });
    expect(alert!.labels.instance).toBe(instance);
    const incidentId = alert!.incidentId!;

    const proposed = await eventually(
      async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs?runbook=restart-victim&incidentId=${incidentId}` })).json().runs as Run[],
      (runs) => runs.length === 1,
    );
    expect(proposed[0]).toMatchObject({ state: 'pending_approval', trigger: 'alert', params: { instance }, target: instance, requestedByKind: 'apiKey', requestedBy: 'alertmanager' });

    const approved = await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${proposed[0]!.id}/approve`, payload: { comment: 'restart it' } });
    expect(approved.statusCode).toBe(200);
    const run = await eventually(
      async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${proposed[0]!.id}` })).json() as Run,
      (current) => !['queued', 'running', 'pending_approval'].includes(current.state),
      120_000,
    );
    expect(run.state, JSON.stringify(run.steps, null, 2)).toBe('succeeded');
    expect(run.steps.map((s) => `${s.phase}:${s.name}:${s.state}`)).toEqual(['step:restart:succeeded', 'step:health:succeeded', 'verify:verify:succeeded']);
    expect(run.steps[1]!.exitCode).toBe(200);
    expect(victimPid()).not.toBe(firstPid);
    expect((await fetch(`http://${instance}/health`)).status).toBe(200);

    // The run's end is noted on the timeline right after its state is stored.
    const timeline = await eventually(
      async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline` })).json() as TimelineEntry[],
      (entries) => entries.filter((entry) => entry.kind === 'runbook_run').length >= 4,
      30_000,
    );
    const kinds = timeline.map((entry) => entry.kind);
    expect(kinds[0]).toBe('incident_opened');
    expect(kinds).toContain('alert_firing');
    expect(timeline.filter((entry) => entry.kind === 'runbook_run').map((entry) => entry.text)).toEqual([
      expect.stringContaining('proposed'),
      expect.stringContaining('approved by test-operator: restart it'),
      expect.stringContaining('started'),
      expect.stringContaining('succeeded, verify held'),
    ]);

    const again = await server.injectAs('admin', { method: 'POST', url: '/api/v1/runbooks/restart-victim/runs', payload: { params: { instance }, incidentId } });
    expect(again.json()).toMatchObject({ state: 'blocked', reason: 'cooldown' });
  }, 300_000);
});
