import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { actAs, type Who } from '../testing/act-as.ts';

/**
 * Who may decide about a waiting run: the runbook's `safety.role` holds for rejecting as for
 * approving, the requester cannot approve through an API key of their own, and an API key's
 * scopes narrow what its role allows.
 */
describe('runbook approvals: who may decide', () => {
  let server: TestServer;
  let dir: string;

  const acting = actAs(() => server);
  const as = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) => acting.as<Run>(who, method, url, payload);
  const { apiKey } = acting;
  const auditOf = async (runId: number) =>
    ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string; outcome: string; actor: string }> }).entries.map((e) => `${e.action}:${e.outcome}:${e.actor}`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-rights-'));
    fs.writeFileSync(path.join(dir, 'admin-only.yaml'), 'id: admin-only\ntitle: Admin only\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, role: admin }\n');
    fs.writeFileSync(path.join(dir, 'ops.yaml'), 'id: ops\ntitle: Operators\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, maxRunsPerHour: 100 }\n');
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rejecting a run needs the runbook's role, as approving does", async () => {
    const requested = await as('admin', 'POST', '/runbooks/admin-only/runs', {});
    expect(requested.body.state).toBe('pending_approval');
    const refused = await as('operator', 'POST', `/runbook-runs/${requested.body.id}/reject`, { comment: 'no' });
    expect(refused.status).toBe(403);
    expect(refused.body.error!.code).toBe('E_FORBIDDEN');
    const after = await as('viewer', 'GET', `/runbook-runs/${requested.body.id}`);
    expect(after.body).toMatchObject({ state: 'pending_approval', approvals: [] });
    expect(await auditOf(requested.body.id)).toContain('runbook.run.reject:denied:test-operator');
    // The requester (an admin) may still withdraw it.
    expect((await as('admin', 'POST', `/runbook-runs/${requested.body.id}/reject`, {})).body.state).toBe('rejected');
  });

  it("the requester's own API key cannot approve, and a key scoped to reading cannot decide at all", async () => {
    const requested = await as('operator', 'POST', '/runbooks/ops/runs', {});
    const ownKey = await apiKey('operator', { name: 'operator-key', role: 'operator' });
    const self = await as(ownKey, 'POST', `/runbook-runs/${requested.body.id}/approve`, {});
    expect(self.status).toBe(403);
    const readOnly = await apiKey('admin', { name: 'admin-read-key', role: 'admin', scopes: ['runbooks:read'] });
    expect((await as(readOnly, 'POST', `/runbook-runs/${requested.body.id}/approve`, {})).status).toBe(403);
    expect((await as(readOnly, 'POST', `/runbook-runs/${requested.body.id}/reject`, {})).status).toBe(403);
    expect((await as('viewer', 'GET', `/runbook-runs/${requested.body.id}`)).body).toMatchObject({ state: 'pending_approval', approvals: [] });
  });

  it('an API key named like a person cannot pass for that person in the approvals and on the timeline', async () => {
    const requested = await as('admin', 'POST', '/runbooks/ops/runs', {});
    const impostor = await apiKey('operator', { name: 'admin', role: 'operator' });
    const approved = await as(impostor, 'POST', `/runbook-runs/${requested.body.id}/approve`, { comment: 'lgtm' });
    expect(approved.status).toBe(200);
    const [approval] = approved.body.approvals;
    expect(approval!.user).not.toBe('admin');
    expect(approval!.user).toMatch(/^API key "admin" of user #\d+$/);
  });
});
