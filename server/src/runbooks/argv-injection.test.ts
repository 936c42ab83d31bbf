import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const ECHO_ARGV = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'echo-argv.fixture.js');
const NODE = JSON.stringify(process.execPath);
const ECHO = JSON.stringify(ECHO_ARGV);

/**
 * Values a requester or an alert controls must reach a program as data: an argument that a
 * value makes start with "-" would be read as an option (`--output=/etc/passwd`,
 * `-oProxyCommand=...`), and a NUL byte cannot be in any argument. Both are refused when the
 * plan is made, on every entry point (console API, plan, alert trigger), before anything runs.
 */
describe('runbook argv: values cannot become options', () => {
  let server: TestServer;
  let dir: string;

  const post = async (url: string, payload: object) => {
    const response = await server.injectAs('operator', { method: 'POST', url: `/api/v1${url}`, payload });
    return { status: response.statusCode, body: response.json() as Run & { error?: { code: string; message: string } } };
  };
  const finished = (id: number) => eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${id}` })).json() as Run, (run) => ['succeeded', 'failed'].includes(run.state));
  const runsOf = async (runbook: string) => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs?runbook=${runbook}` })).json() as { runs: Run[] }).runs;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-argv-'));
    fs.writeFileSync(path.join(dir, 'echo.yaml'), `id: echo
title: Echo
params:
  value: { type: string, maxLength: 200 }
  level: { type: string, enum: [-v, -q], default: -q }
  offset: { type: integer, default: 0 }
steps:
  - name: echo
    run: [${NODE}, ${ECHO}, "{{params.value}}", "{{params.level}}", "{{params.offset}}"]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`);
    fs.writeFileSync(path.join(dir, 'operand.yaml'), `id: operand
title: After the end of options
params:
  value: { type: string, maxLength: 200 }
steps:
  - name: echo
    run: [${NODE}, ${ECHO}, --, "{{params.value}}"]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`);
    fs.writeFileSync(path.join(dir, 'by-alert.yaml'), `id: by-alert
title: Triggered with a label in argv
triggers:
  - match: { alertname: HostDown }
steps:
  - name: echo
    run: [${NODE}, ${ECHO}, "{{labels.host}}"]
safety: { mode: auto, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`);
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['--help', '-rf', '-oProxyCommand=touch /tmp/pwned', '--output=/etc/passwd'])('refuses %j where it would start an argument (400, nothing runs)', async (value) => {
    for (const url of ['/runbooks/echo/plan', '/runbooks/echo/runs']) {
      const refused = await post(url, { params: { value } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('would start with "-"') });
    }
    expect(await runsOf('echo')).toEqual([]);
  });

  it('refuses a NUL byte in a parameter (400), instead of a run that fails when it spawns', async () => {
    const refused = await post('/runbooks/echo/runs', { params: { value: 'web-1\u0000; rm -rf /' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error!.code).toBe('E_VALIDATION');
    expect(await runsOf('echo')).toEqual([]);
  });

  it('lets through what the file vouches for: enum values, numbers, and any value after a literal "--"', async () => {
    const created = await post('/runbooks/echo/runs', { params: { value: 'web-1', level: '-v', offset: -5 } });
    expect(created.status).toBe(201);
    const run = await finished(created.body.id);
    expect(JSON.parse(run.steps[0]!.output).argv).toEqual(['web-1', '-v', '-5']);
    const operand = await post('/runbooks/operand/runs', { params: { value: '--help' } });
    expect(operand.status).toBe(201);
    expect(JSON.parse((await finished(operand.body.id)).steps[0]!.output).argv).toEqual(['--', '--help']);
  });

  it('an alert label that would start an argument with "-" proposes nothing, and the refusal is audited', async () => {
    await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HostDown', host: '-oProxyCommand=touch /tmp/pwned' } }]);
    const audit = await eventually(
      async () => ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=runbook.trigger.refused' })).json() as { entries: Array<{ target: string; details: { message: string } }> }).entries,
      (entries) => entries.length === 1,
    );
    expect(audit[0]).toMatchObject({ target: 'runbook:by-alert', details: { message: expect.stringContaining('would start with "-"') } });
    expect(await runsOf('by-alert')).toEqual([]);
    // A plain label runs.
    await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HostDown', host: 'web-2' } }]);
    const [run] = await eventually(() => runsOf('by-alert'), (runs) => runs.length === 1);
    expect(JSON.parse((await finished(run!.id)).steps[0]!.output).argv).toEqual(['web-2']);
  });
});
