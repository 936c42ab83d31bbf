import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { eventually } from '../../testing/eventually.ts';
import { startFakePrometheus } from '../../testing/fake-prometheus.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';

const BACKFILL = 30;

/**
 * An operator could create a watch with any query and so set off a trigger configured
 * `auto` with no approver: the alerts of an anomaly watch proposed runbook runs as the
 * system. They propose as the watch's creator now (as `POST /alerts` proposes as its
 * pusher, runbooks/pushed-alerts.test.ts): the creator cannot approve the run alone, and an
 * auto trigger runs at once only if the creator could have run the runbook by hand.
 */
describe("runbook triggers on an anomaly watch's alerts", () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let server: TestServer;
  let source: Datasource;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-watch-creator-'));
    fs.writeFileSync(
      path.join(dir, 'auto-admin.yaml'),
      'id: auto-admin\ntitle: auto-admin\ntarget: "{{labels.target}}"\ntriggers:\n  - match: { alertname: Anomaly }\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: auto, approvers: 0, role: admin, maxRunsPerHour: 100 }\n',
    );
    // `spiky`: a slow sine whose newest sample of every answer is far off it, an anomaly each pull.
    prometheus = await startFakePrometheus(undefined, undefined, (query, t, end) => (query === 'spiky' && t === end ? 1_000 : 10 + Math.sin(t / 7)));
    server = await startTestServer({
      runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 },
      alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 },
      datasources: { watches: { backfillRows: BACKFILL, minTrainRows: 20, trainWindow: BACKFILL, retrainEvery: 20, syncMs: 0, minStepSeconds: 1 } }, // pulled every second
    });
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'fake', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("proposes as the operator who created the watch: an auto run of an admin's runbook waits, and the operator cannot approve it", async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'spiky', datasourceId: source.id, query: 'spiky', stepSeconds: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    const watch = created.json() as Watch;
    await server.app.datasources.runner.settled(watch.id);

    const run = (await eventually(async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/runbook-runs?runbook=auto-admin' })).json() as { runs: Run[] }).runs, (runs) => runs.length > 0))[0]!;
    expect(run).toMatchObject({ state: 'pending_approval', trigger: 'alert', requestedBy: 'test-operator', requestedByKind: 'user', startedAt: null });
    const audit = ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${run.id}` })).json() as { entries: Array<{ action: string; actor: string }> }).entries;
    expect(audit.map((e) => `${e.action}:${e.actor}`)).toContain('runbook.trigger.approval_required:test-operator');
    expect((await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${run.id}/approve`, payload: {} })).statusCode).toBe(403);
    expect((await server.injectAs('admin', { method: 'POST', url: `/api/v1/runbook-runs/${run.id}/approve`, payload: {} })).statusCode).toBe(200);
  });
});
