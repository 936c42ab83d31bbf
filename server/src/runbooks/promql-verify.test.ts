import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { startFakePrometheus } from '../testing/fake-prometheus.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'rejected', 'interrupted', 'expired'];

/** docs/runbooks.md, "Verify": a runbook checks its fix on the team's Prometheus by naming the data source. */
describe('verify on a Prometheus data source', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let server: TestServer;
  let dir: string;

  const runbook = (id: string, source: string, query: string) => `id: ${id}
title: Check ${id}
steps:
  - name: fix
    run: [/bin/true]
verify: { source: ${source}, query: '${query}', condition: "== 1", within: 3s }
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`;

  beforeAll(async () => {
    // `<name>_<n>` answers n series; a query starting with "down" reads 0, any other 1.
    prometheus = await startFakePrometheus(
      (query) => Number(/_(\d+)$/.exec(query)?.[1] ?? 1),
      (query) => (query.startsWith('down') ? '0' : '1'),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-promql-verify-'));
    fs.writeFileSync(path.join(dir, 'healthy.yaml'), runbook('healthy', 'team-prom', 'up_2'));
    fs.writeFileSync(path.join(dir, 'still-down.yaml'), runbook('still-down', 'team-prom', 'down_1'));
    fs.writeFileSync(path.join(dir, 'unknown.yaml'), runbook('unknown', 'no-such-source', 'up_1'));
    fs.writeFileSync(path.join(dir, 'by-service.yaml'), `${runbook('by-service', 'team-prom', 'up{service="{{params.service}}"}')}params:\n  service: { type: string }\n`);
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, verifyIntervalMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'team-prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 1 } });
    expect(created.statusCode, created.body).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(id: string): Promise<Run> {
    const started = await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbooks/${id}/runs`, payload: { params: {} } });
    expect(started.statusCode, started.body).toBe(201);
    const runId = (started.json() as Run).id;
    return eventually(async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs/${runId}` })).json() as Run, (r) => FINAL.includes(r.state), 30_000);
  }

  const verifyOutput = (finished: Run) => finished.steps.find((s) => s.phase === 'verify')?.output ?? '';

  it('holds when every series of the instant query meets the condition, read a scrape interval after the steps', async () => {
    const finished = await run('healthy');
    expect(finished.state, JSON.stringify(finished)).toBe('succeeded');
    const output = verifyOutput(finished);
    // Before a scrape interval has passed, an answer could be the value from before the fix.
    expect(output.indexOf('verify: no fresh sample yet')).toBeGreaterThanOrEqual(0);
    expect(output).toMatch(/up_2 == 1 holds: \{"__name__":"fake_load","instance":"a"\} = 1, \{"__name__":"fake_load","instance":"a1"\} = 1/);
    expect(output.indexOf('no fresh sample yet')).toBeLessThan(output.indexOf('holds'));
  }, 60_000);

  it('keeps a parameter one label value of the query: it cannot make the verify hold by rewriting it', async () => {
    const plan = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/by-service/plan', payload: { params: { service: 'x"} or vector(1) or up{a="' } } });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json()).toMatchObject({ verify: { source: 'team-prom', query: 'up{service="x\\"} or vector(1) or up{a=\\""}' } });
  });

  it('fails (and the run says why) when the condition does not hold within its time, or the source is unknown', async () => {
    const down = await run('still-down');
    expect(down.state).toBe('failed');
    expect(down.reason).toMatch(/verify failed: down_1 == 1 did not hold within 3000 ms \(last: \{"__name__":"fake_load","instance":"a"\} = 0\)/);
    const unknown = await run('unknown');
    expect(unknown.state).toBe('failed');
    expect(unknown.reason).toMatch(/no verify source "no-such-source"/);
  }, 60_000);
});
